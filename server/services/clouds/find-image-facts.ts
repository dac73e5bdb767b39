import { asc, desc, inArray, sql } from 'drizzle-orm';
import { tables, type BaseImageStatus, type Db } from '@/db';
import type { CloudKind } from '@/server/clouds/provider';

export interface ImageFactsDto {
  imageId: string;
  name: string;
  osName: string;
  osFamily: string;
  osVersion: string;
  architecture: string;
  sizeGb: number | null;
  cpuPlatforms: string[];
  enaSupport: boolean | null;
  imageCreatedAt: Date | null;
  /** 'available' when any region still lists it. */
  status: BaseImageStatus;
  /** Every region the synced catalog saw it in. */
  regions: { cloud: CloudKind; region: string; status: BaseImageStatus }[];
}

/**
 * What the synced catalog knows about some image ids (the editor's hover): one query for all
 * the ids of a template body. Ids the catalog never saw are simply absent.
 */
export async function findImageFacts(db: Db, imageIds: string[]): Promise<ImageFactsDto[]> {
  const ids = [...new Set(imageIds)];
  if (ids.length === 0) return [];
  const b = tables.baseImages;
  const rows = await db
    .select({
      imageId: b.imageId,
      cloud: b.cloud,
      region: b.region,
      name: b.name,
      osName: b.osName,
      osFamily: b.osFamily,
      osVersion: b.osVersion,
      architecture: b.architecture,
      sizeGb: b.sizeGb,
      cpuPlatforms: b.cpuPlatforms,
      enaSupport: b.enaSupport,
      imageCreatedAt: b.imageCreatedAt,
      status: b.status,
    })
    .from(b)
    .where(inArray(b.imageId, ids))
    // Available rows first, so an image's facts come from a copy the cloud still lists.
    .orderBy(asc(b.imageId), sql`(${b.status} = 'available') desc`, asc(b.cloud), asc(b.region), desc(b.lastSeenAt));
  const out = new Map<string, ImageFactsDto>();
  for (const row of rows) {
    const { cloud, region, status, ...facts } = row;
    let dto = out.get(row.imageId);
    if (!dto) {
      dto = { ...facts, status, regions: [] };
      out.set(row.imageId, dto);
    }
    if (!dto.regions.some((r) => r.cloud === cloud && r.region === region)) dto.regions.push({ cloud, region, status });
  }
  for (const dto of out.values()) dto.regions.sort((x, y) => x.cloud.localeCompare(y.cloud) || x.region.localeCompare(y.region));
  return [...out.values()];
}
