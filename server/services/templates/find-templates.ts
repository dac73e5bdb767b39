import { and, asc, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';

export async function findTemplates(db: Db) {
  const { templates: t, templateVersions: v, users: u } = tables;
  return db
    .select({
      id: t.id,
      name: t.name,
      role: t.role,
      description: t.description,
      latestVersion: t.latestVersion,
      updatedAt: t.updatedAt,
      valid: v.valid,
      message: v.message,
      authorName: u.name,
    })
    .from(t)
    .leftJoin(v, and(eq(v.templateId, t.id), eq(v.version, t.latestVersion)))
    .leftJoin(u, eq(u.id, v.authorId))
    .orderBy(asc(t.name));
}
