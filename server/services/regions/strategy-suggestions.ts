import type { TRegionProblem } from '@/server/api/schemas/regions';
import type { ZoneCapabilities } from '@/server/clouds/provider';
import { rankRegions } from '@/server/engine/template/capabilities';

// Which regions cannot run what builds usually need, and where to build for them instead
// (field problems #2 and #3). Pure: the service feeds it the inventory.

export type RegionProblem = TRegionProblem;

export interface RegionFacts {
  cloud: 'ucloud' | 'aws';
  region: string;
  name: string;
  zones: ZoneCapabilities[];
  /** AWS: available base images with and without ENA (null/undefined: not known). */
  images?: { withEna: number; withoutEna: number };
}

export interface CurrentStrategy {
  mode: 'build' | 'copy';
  sourceRegion: string | null;
}

export interface StrategySuggestion {
  problems: RegionProblem[];
  /** The nearest region of the same cloud without these problems; null when none is known. */
  sourceRegion: string | null;
}

export const regionKey = (cloud: string, region: string): string => `${cloud}:${region}`;

const isIntel = (platform: string): boolean => platform.toLowerCase().startsWith('intel');

/** What the inventory says this region cannot do. */
export function regionProblems(r: RegionFacts): RegionProblem[] {
  const problems: RegionProblem[] = [];
  if (r.cloud === 'ucloud' && r.zones.length > 0) {
    const noSsd = r.zones.every((z) => z.bootDiskTypes.length > 0 && !z.bootDiskTypes.some((d) => d.toLowerCase() === 'cloud_ssd'));
    if (noSsd) problems.push('NO_SSD_BOOT_DISK');
    const amdOnly = r.zones.every((z) => {
      const platforms = Object.values(z.cpuPlatforms ?? {}).flat();
      return platforms.length > 0 && !platforms.some(isIntel);
    });
    if (amdOnly) problems.push('AMD_ONLY_HOSTS');
  }
  if (r.cloud === 'aws' && r.images && r.images.withoutEna > 0 && r.images.withEna === 0) problems.push('NO_ENA_IMAGES');
  return problems;
}

/**
 * A suggestion for each region with problems: copy from the nearest region of the same cloud
 * that has none and builds itself (a source never copies: no chains). Regions without problems
 * get no entry.
 */
export function suggestStrategies(regions: RegionFacts[], current: ReadonlyMap<string, CurrentStrategy> = new Map()): Map<string, StrategySuggestion> {
  const problemsOf = new Map(regions.map((r) => [regionKey(r.cloud, r.region), regionProblems(r)]));
  const out = new Map<string, StrategySuggestion>();
  for (const r of regions) {
    const key = regionKey(r.cloud, r.region);
    const problems = problemsOf.get(key)!;
    if (problems.length === 0) continue;
    const candidates = regions
      .filter((c) => c.cloud === r.cloud && c.region !== r.region)
      .filter((c) => problemsOf.get(regionKey(c.cloud, c.region))!.length === 0)
      .filter((c) => current.get(regionKey(c.cloud, c.region))?.mode !== 'copy')
      .map((c) => ({ id: c.region, name: c.name, zones: c.zones }));
    const nearest = rankRegions(r.region, candidates)[0];
    out.set(key, { problems, sourceRegion: nearest?.id ?? null });
  }
  return out;
}
