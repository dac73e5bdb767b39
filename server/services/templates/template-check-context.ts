// The facts the template check needs about regions and base images, read from the SYNCED
// INVENTORY only (cloud_regions, base_images, inventory_syncs): never a cloud call at save time.
// The shape is the CLI's (engine/cli.ts liveCapabilities), so both give the same codes.
import { and, eq, inArray, or } from 'drizzle-orm';
import { tables, type Db, type Tx } from '@/db';
import type { CloudKind, RegionInfo } from '@/server/clouds/provider';
import type { CatalogImage, ImageFacts } from '@/server/engine/template/capabilities';
import type { CheckTemplateContext } from '@/server/engine/template/check-template';

const cloudOf = (b: Record<string, unknown>): CloudKind | null => (b['type'] === 'ucloud-uhost' ? 'ucloud' : b['type'] === 'amazon-ebs' ? 'aws' : null);

/** The clouds and (literal) source images a template's builders mention. */
function mentioned(body: string): { clouds: CloudKind[]; regions: string[]; images: { cloud: CloudKind; region: string; imageId: string }[] } {
  let builders: Record<string, unknown>[] = [];
  try {
    const json = JSON.parse(body) as { builders?: unknown };
    if (Array.isArray(json.builders)) builders = json.builders.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b));
  } catch {
    return { clouds: [], regions: [], images: [] };
  }
  const clouds = new Set<CloudKind>();
  const regions = new Set<string>();
  const images: { cloud: CloudKind; region: string; imageId: string }[] = [];
  for (const b of builders) {
    const cloud = cloudOf(b);
    if (!cloud) continue;
    clouds.add(cloud);
    const region = b['region'];
    if (typeof region === 'string') regions.add(region);
    const imageId = cloud === 'ucloud' ? b['source_image_id'] : b['source_ami'];
    if (typeof region === 'string' && typeof imageId === 'string' && !imageId.includes('{{')) images.push({ cloud, region, imageId });
  }
  return { clouds: [...clouds], regions: [...regions], images };
}

/**
 * Builds the CheckTemplateContext of `body` from the inventory. A region is "synced" once a region
 * sync of it succeeded; before that (or before the cloud's first region listing) its builders get
 * a REGION_NOT_SYNCED warning, never a silent "valid".
 */
export async function buildTemplateCheckContext(db: Db | Tx, body: string): Promise<CheckTemplateContext> {
  const { clouds, regions: builderRegions, images } = mentioned(body);
  if (clouds.length === 0) return {};
  const regionRows = await db
    .select({ cloud: tables.cloudRegions.cloud, region: tables.cloudRegions.region, name: tables.cloudRegions.name, zones: tables.cloudRegions.zones, refreshedAt: tables.cloudRegions.refreshedAt })
    .from(tables.cloudRegions)
    .where(and(inArray(tables.cloudRegions.cloud, clouds), eq(tables.cloudRegions.active, true)));
  const syncedRows = await db
    .selectDistinct({ cloud: tables.cloudAccounts.cloud, region: tables.inventorySyncs.region })
    .from(tables.inventorySyncs)
    .innerJoin(tables.cloudAccounts, eq(tables.cloudAccounts.id, tables.inventorySyncs.accountId))
    .where(and(inArray(tables.cloudAccounts.cloud, clouds), eq(tables.inventorySyncs.status, 'succeeded')));
  const imageIds = [...new Set(images.map((i) => i.imageId))];
  const imageRows = imageIds.length === 0 ? [] : await db
    .select(IMAGE_COLUMNS)
    .from(tables.baseImages)
    .where(and(inArray(tables.baseImages.cloud, clouds), inArray(tables.baseImages.imageId, imageIds)));
  // The catalog for concrete replacements (#2): every current image of the builders' regions, and
  // the images named like the template's source images in the other regions (build-and-copy).
  const names = [...new Set(imageRows.map((r) => r.name))];
  const catalogRows = builderRegions.length === 0 ? [] : await db
    .select(IMAGE_COLUMNS)
    .from(tables.baseImages)
    .where(and(
      inArray(tables.baseImages.cloud, clouds),
      eq(tables.baseImages.status, 'available'),
      names.length > 0 ? or(inArray(tables.baseImages.region, builderRegions), inArray(tables.baseImages.name, names)) : inArray(tables.baseImages.region, builderRegions),
    ));

  // Several accounts of one cloud may list the same region: the most recently refreshed wins.
  const regions = new Map<CloudKind, RegionInfo[]>();
  for (const row of [...regionRows].sort((a, b) => b.refreshedAt.getTime() - a.refreshedAt.getTime())) {
    const list = regions.get(row.cloud) ?? [];
    if (!list.some((r) => r.id === row.region)) list.push({ id: row.region, name: row.name, zones: row.zones });
    regions.set(row.cloud, list);
  }
  for (const list of regions.values()) list.sort((a, b) => a.id.localeCompare(b.id));
  const synced = new Set(syncedRows.map((r) => `${r.cloud}|${r.region}`));
  const facts = new Map<string, ImageFacts>();
  for (const row of imageRows) {
    const key = `${row.cloud}|${row.region}|${row.imageId}`;
    // An image still available under any account beats a removed copy of the same id.
    if (facts.has(key) && row.status === 'removed') continue;
    facts.set(key, imageFacts(row));
  }
  const catalog = new Map<string, CatalogImage[]>();
  for (const row of catalogRows) {
    const key = `${row.cloud}|${row.region}`;
    const list = catalog.get(key) ?? [];
    if (!list.some((i) => i.id === row.imageId)) list.push({ id: row.imageId, ...imageFacts(row) });
    catalog.set(key, list);
  }
  const regionOf = (cloud: CloudKind, region: string) => regions.get(cloud)?.find((r) => r.id === region);
  const notSynced = (cloud: CloudKind, region: string): boolean =>
    regionOf(cloud, region) ? !synced.has(`${cloud}|${region}`) : (regions.get(cloud) ?? []).length === 0;

  return {
    capabilities: regionOf,
    regions: (cloud) => regions.get(cloud) ?? [],
    // undefined (not checked) while the region's images were never synced; null: synced, and absent.
    imageInfo: (cloud, region, imageId) => (synced.has(`${cloud}|${region}`) ? facts.get(`${cloud}|${region}|${imageId}`) ?? null : undefined),
    catalog: (cloud, region) => (synced.has(`${cloud}|${region}`) ? catalog.get(`${cloud}|${region}`) ?? [] : undefined),
    notSynced,
  };
}

const IMAGE_COLUMNS = {
  cloud: tables.baseImages.cloud, region: tables.baseImages.region, imageId: tables.baseImages.imageId, name: tables.baseImages.name,
  osFamily: tables.baseImages.osFamily, osVersion: tables.baseImages.osVersion, imageCreatedAt: tables.baseImages.imageCreatedAt,
  cpuPlatforms: tables.baseImages.cpuPlatforms, enaSupport: tables.baseImages.enaSupport, status: tables.baseImages.status,
};

function imageFacts(row: { name: string; osFamily: string; osVersion: string; imageCreatedAt: Date | null; cpuPlatforms: string[]; enaSupport: boolean | null; status: string }): ImageFacts {
  return {
    name: row.name,
    ...(row.osFamily ? { osFamily: row.osFamily } : {}),
    ...(row.osVersion ? { osVersion: row.osVersion } : {}),
    ...(row.imageCreatedAt ? { createdAt: row.imageCreatedAt.toISOString() } : {}),
    cpuPlatforms: row.cpuPlatforms,
    ...(row.enaSupport === null ? {} : { enaSupport: row.enaSupport }),
    ...(row.status === 'removed' ? { removed: true } : {}),
  };
}
