// The example templates for tests: the body, and its files as a create/save request carries them.
import type { Db } from '@/db';
import type { TAttachmentRef, TBuildInput } from '@/server/api/schemas/template-files';
import { readSeedTemplate } from '@/server/services/demo/seed-templates';
import { storeTemplateBlob } from '@/server/services/templates/template-attachments';

export type SeedName = 'rome-access' | 'rome-forwarding';

/** Uploads the example's attachments; returns what a create or save sends for them. */
export async function seedTemplateFiles(db: Db, name: SeedName = 'rome-access'): Promise<{ body: string; attachments: TAttachmentRef[]; inputs: TBuildInput[] }> {
  const seed = await readSeedTemplate(name);
  const attachments: TAttachmentRef[] = [];
  for (const [path, content] of seed.attachments) attachments.push({ path, sha256: (await storeTemplateBlob(db, null, content)).sha256 });
  return { body: seed.body, attachments, inputs: seed.inputs };
}

/**
 * Inputs that provide every file the example reads, without uploading anything: for tests about
 * something else that need the example to be valid (the release as declared, the config too).
 */
export function seedInputsOnly(name: SeedName = 'rome-access'): TBuildInput[] {
  const service = name.replace('rome-', '');
  return [
    { name: 'release', pattern: `release/rome-${service}-*-linux-amd64.tar.gz`, description: '' },
    { name: 'config', pattern: 'config/*.toml', description: '' },
  ];
}
