import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { SYSTEM_COMMIT_MESSAGES } from '@/server/api/schemas/templates';
import { SYSTEM } from '../audit/record-audit';
import { createTemplate } from '../templates/create-template';

const DEMO_TEMPLATES = [
  {
    file: 'rome-access.json',
    name: 'rome-access',
    role: 'access' as const,
    description: 'Access node: puts each tenant on the nearest entry point of the Rome mesh.',
  },
  {
    file: 'rome-forwarding.json',
    name: 'rome-forwarding',
    role: 'forwarding' as const,
    description: 'Forwarding node: carries traffic between data centres across clouds.',
  },
];

/**
 * The two example templates, only into an empty catalog so a restart never duplicates them.
 * Credited to the console itself (SYSTEM): no person wrote them.
 */
export async function seedDemoData(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(tables.templates);
  if ((row?.n ?? 0) > 0) return 0;
  for (const t of DEMO_TEMPLATES) {
    const body = await readFile(path.join(process.cwd(), 'db', 'seed-templates', t.file), 'utf8');
    await createTemplate(db, SYSTEM, { ...t, body, message: SYSTEM_COMMIT_MESSAGES.example(), asDraft: false });
  }
  return DEMO_TEMPLATES.length;
}
