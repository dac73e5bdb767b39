import { and, asc, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { CloudKind } from '@/server/clouds/provider';
import { listTemplateBuilders } from '@/server/engine/template/template-builders';
import { baseImageKey, findNewerBaseImages, type BaseImageRef } from './find-newer-base-images';

/** Where a template builds (from its latest version's builders), as the list shows it. */
export interface TemplatePlaceDto {
  builder: string;
  cloud: CloudKind;
  /** null: written as an interpolation the list cannot resolve. */
  region: string | null;
}

export interface TemplateNewerImageDto {
  builder: string;
  cloud: CloudKind;
  region: string;
  imageId: string;
  currentName: string;
  newerImageId: string;
  newerName: string;
  newerCreatedAt: Date;
}

/**
 * The template list: each template's latest version, where its builders build, and the base
 * images that have a newer release of their line in their region. Two queries for all templates
 * (templates with their latest bodies, then the newer images of every builder at once).
 */
export async function findTemplates(db: Db) {
  const { templates: t, templateVersions: v, users: u } = tables;
  const rows = await db
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
      body: v.body,
    })
    .from(t)
    .leftJoin(v, and(eq(v.templateId, t.id), eq(v.version, t.latestVersion)))
    .leftJoin(u, eq(u.id, v.authorId))
    .orderBy(asc(t.name));

  const builders = new Map(rows.map((r) => [r.id, listTemplateBuilders(r.body ?? '')]));
  const refs: BaseImageRef[] = [];
  for (const list of builders.values()) {
    for (const b of list) if (b.cloud && b.region && b.sourceImage) refs.push({ cloud: b.cloud, region: b.region, imageId: b.sourceImage });
  }
  const newer = await findNewerBaseImages(db, refs);

  return rows.map(({ body: _body, ...row }) => {
    const list = builders.get(row.id) ?? [];
    const places: TemplatePlaceDto[] = [];
    const newerImages: TemplateNewerImageDto[] = [];
    for (const b of list) {
      if (!b.cloud) continue;
      places.push({ builder: b.name, cloud: b.cloud, region: b.region });
      if (!b.region || !b.sourceImage) continue;
      const found = newer.get(baseImageKey({ cloud: b.cloud, region: b.region, imageId: b.sourceImage }));
      if (found) {
        newerImages.push({
          builder: b.name,
          cloud: b.cloud,
          region: b.region,
          imageId: b.sourceImage,
          currentName: found.currentName,
          newerImageId: found.newer.imageId,
          newerName: found.newer.name,
          newerCreatedAt: found.newer.createdAt,
        });
      }
    }
    return { ...row, places, newerImages };
  });
}
