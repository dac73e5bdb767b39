import { and, desc, eq, max } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '@/db';
import { AppError } from '@/server/lib/errors';
import { getTemplateVersionFiles } from './template-attachments';
import { versionColumns } from './template-dto';

export async function getTemplateOrThrow(db: DbOrTx, templateId: string) {
  const [template] = await db.select().from(tables.templates).where(eq(tables.templates.id, templateId));
  if (!template) throw new AppError('NOT_FOUND', { userMessage: 'No such template.' });
  return template;
}

export async function getTemplateVersionOrThrow(db: DbOrTx, templateId: string, version: number) {
  const { templateVersions: v, users: u } = tables;
  const [row] = await db
    .select({ ...versionColumns, body: v.body, issues: v.issues, checkedAt: v.checkedAt })
    .from(v)
    .leftJoin(u, eq(u.id, v.authorId))
    .where(and(eq(v.templateId, templateId), eq(v.version, version)));
  if (!row) throw new AppError('NOT_FOUND', { userMessage: `Version ${version} of this template does not exist.` });
  return row;
}

/** The template with its latest version's body: what the editor opens. */
export async function getTemplateWithLatest(db: Db, templateId: string) {
  const template = await getTemplateOrThrow(db, templateId);
  const latest = await getTemplateVersionOrThrow(db, templateId, template.latestVersion);
  // When the inventory the check read was last synced (any region of any account).
  const [synced] = await db
    .select({ at: max(tables.inventorySyncs.finishedAt) })
    .from(tables.inventorySyncs)
    .where(eq(tables.inventorySyncs.status, 'succeeded'));
  const files = await getTemplateVersionFiles(db, templateId, template.latestVersion);
  return {
    id: template.id,
    name: template.name,
    role: template.role,
    description: template.description,
    latestVersion: template.latestVersion,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
    latest: { ...latest, ...files },
    inventorySyncedAt: synced?.at ?? null,
  };
}

export async function findTemplateVersions(db: Db, templateId: string) {
  await getTemplateOrThrow(db, templateId);
  const { templateVersions: v, users: u } = tables;
  return db
    .select(versionColumns)
    .from(v)
    .leftJoin(u, eq(u.id, v.authorId))
    .where(eq(v.templateId, templateId))
    .orderBy(desc(v.version));
}
