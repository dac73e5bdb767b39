import { sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { SYSTEM_COMMIT_MESSAGES } from '@/server/api/schemas/templates';
import { SYSTEM } from '../audit/record-audit';
import { createTemplate } from '../templates/create-template';
import { storeTemplateBlob } from '../templates/template-attachments';
import { readSeedTemplate } from './seed-templates';

const DEMO_TEMPLATES = [
  {
    folder: 'rome-access',
    name: 'rome-access',
    role: 'access' as const,
    description: 'Access node: puts each tenant on the nearest entry point of the Rome mesh.',
  },
  {
    folder: 'rome-forwarding',
    name: 'rome-forwarding',
    role: 'forwarding' as const,
    description: 'Forwarding node: carries traffic between data centres across clouds.',
  },
];

/**
 * The two example templates, only into an empty catalog so a restart never duplicates them.
 * Credited to the console itself (SYSTEM): no person wrote them. Each carries its config file as
 * an attachment and declares its release tarball as a build input (db/seed-templates/<name>/).
 */
export async function seedDemoData(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(tables.templates);
  if ((row?.n ?? 0) > 0) return 0;
  for (const { folder, ...t } of DEMO_TEMPLATES) {
    const seed = await readSeedTemplate(folder);
    const attachments = [];
    for (const [path, content] of seed.attachments) attachments.push({ path, sha256: (await storeTemplateBlob(db, SYSTEM, content)).sha256 });
    await createTemplate(db, SYSTEM, { ...t, body: seed.body, message: SYSTEM_COMMIT_MESSAGES.example(), asDraft: false, attachments, inputs: seed.inputs });
  }
  return DEMO_TEMPLATES.length;
}
