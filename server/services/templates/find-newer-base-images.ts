import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { tables, type Db, type Tx } from '@/db';
import type { CloudKind } from '@/server/clouds/provider';

export interface BaseImageRef {
  cloud: CloudKind;
  region: string;
  imageId: string;
}

export interface NewerBaseImage extends BaseImageRef {
  currentName: string;
  newer: { imageId: string; name: string; osName: string; createdAt: Date };
}

export const baseImageKey = (r: BaseImageRef): string => `${r.cloud}|${r.region}|${r.imageId}`;

/**
 * An image's release line, the part of os_version that stays the same across the updates people
 * are expected to take: Ubuntu's YY.MM (22.04 and 22.04.4 are one line, 22.10 and 24.04 are not);
 * for the others the major version (Debian 12 and 12.5; Rocky/RHEL/CentOS 9.3 and 9.4, whose minor
 * releases replace each other; Amazon Linux 2 vs 2023). A version that does not start with a
 * number is its own line.
 */
function releaseLine(family: SQL | unknown, version: SQL | unknown): SQL {
  return sql`coalesce(
    case when lower(${family}) = 'ubuntu' then substring(${version} from '^[0-9]+(?:\\.[0-9]+)?') else substring(${version} from '^[0-9]+') end,
    ${version})`;
}

/**
 * For each base image a template builds from, the newest image of the same line in the same
 * place: same cloud and region, same OS family (case-insensitive) and release line, same CPU
 * architecture, still available, created later. Two queries in all, whatever the number of
 * templates: the images themselves, then one lateral lookup per image inside one statement.
 */
export async function findNewerBaseImages(db: Db | Tx, refs: BaseImageRef[]): Promise<Map<string, NewerBaseImage>> {
  const keys = [...new Set(refs.map(baseImageKey))];
  const result = new Map<string, NewerBaseImage>();
  if (keys.length === 0) return result;
  const b = tables.baseImages;
  const key = sql`${b.cloud}::text || '|' || ${b.region} || '|' || ${b.imageId}`;
  // One row per (cloud, region, image): several accounts may list it; an available copy wins.
  const current = db
    .selectDistinctOn([b.cloud, b.region, b.imageId], {
      cloud: b.cloud,
      region: b.region,
      imageId: b.imageId,
      name: b.name,
      osFamily: b.osFamily,
      osVersion: b.osVersion,
      architecture: b.architecture,
      createdAt: b.imageCreatedAt,
    })
    .from(b)
    .where(and(inArray(b.imageId, [...new Set(refs.map((r) => r.imageId))]), inArray(key, keys)))
    .orderBy(b.cloud, b.region, b.imageId, sql`(${b.status} = 'available') desc`, desc(b.lastSeenAt))
    .as('cur');
  const x = alias(b, 'candidate');
  const newest = db
    .select({ newerId: x.imageId, newerName: x.name, newerOsName: x.osName, newerCreatedAt: x.imageCreatedAt })
    .from(x)
    .where(
      and(
        eq(x.cloud, current.cloud),
        eq(x.region, current.region),
        eq(x.status, 'available'),
        sql`lower(${x.osFamily}) = lower(${current.osFamily})`,
        sql`${releaseLine(x.osFamily, x.osVersion)} = ${releaseLine(current.osFamily, current.osVersion)}`,
        eq(x.architecture, current.architecture),
        sql`${x.imageCreatedAt} > ${current.createdAt}`,
        ne(x.imageId, current.imageId),
      ),
    )
    .orderBy(desc(x.imageCreatedAt), asc(x.imageId))
    .limit(1)
    .as('newest');
  const rows = await db
    .select({
      cloud: current.cloud,
      region: current.region,
      imageId: current.imageId,
      currentName: current.name,
      newerId: newest.newerId,
      newerName: newest.newerName,
      newerOsName: newest.newerOsName,
      newerCreatedAt: newest.newerCreatedAt,
    })
    .from(current)
    .innerJoinLateral(newest, sql`true`)
    .where(and(ne(current.osFamily, ''), sql`${current.createdAt} is not null`));
  for (const row of rows) {
    if (!row.newerCreatedAt) continue;
    const ref = { cloud: row.cloud, region: row.region, imageId: row.imageId };
    result.set(baseImageKey(ref), {
      ...ref,
      currentName: row.currentName,
      newer: { imageId: row.newerId, name: row.newerName, osName: row.newerOsName, createdAt: row.newerCreatedAt },
    });
  }
  return result;
}
