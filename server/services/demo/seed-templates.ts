// The example templates in db/seed-templates/<name>/: template.json, attachments/ (stored with the
// version), inputs/ (sample build inputs, given to a build: not stored) and build-inputs.json (the
// inputs the version declares). The image CLI builds them with --attachments and --inputs.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ZBuildInputs, type TBuildInput } from '@/server/api/schemas/template-files';

export const SEED_TEMPLATES_DIR = path.join(process.cwd(), 'db', 'seed-templates');

export interface SeedTemplate {
  body: string;
  /** Attachment path → content. */
  attachments: Map<string, Buffer>;
  inputs: TBuildInput[];
}

/** Every file under `dir`, by "/"-separated path relative to it. */
export async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, full).split(path.sep).join('/'), await readFile(full));
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

export async function readSeedTemplate(name: string, root = SEED_TEMPLATES_DIR): Promise<SeedTemplate> {
  const dir = path.join(root, name);
  const body = await readFile(path.join(dir, 'template.json'), 'utf8');
  const inputs = ZBuildInputs.parse(JSON.parse(await readFile(path.join(dir, 'build-inputs.json'), 'utf8')));
  return { body, attachments: await filesUnder(path.join(dir, 'attachments')), inputs };
}
