// Whether a base image can boot on the build host a builder asks for, with the same facts and
// rules as the template check's IMAGE_HOST_TYPE_MISMATCH (capabilities.ts): the catalog picker
// marks the images the check would refuse, before anyone picks one. Pure.
import type { CloudKind, RegionInfo } from '@/server/clouds/provider';
import { requiresEna } from './builders/amazon-ebs';
import { parseUcloudInstanceType } from './builders/ucloud-uhost';
import { ucloudPlatforms, type ImageFacts } from './capabilities';

export type ImageFit =
  | { ok: true }
  /** UCloud: none of the image's CPU platforms runs the builder's host type in its zone(s). */
  | { ok: false; reason: 'cpu-platform'; imagePlatforms: string[]; hostPlatforms: string[] }
  /** EC2: a Nitro instance type needs ENA, which the AMI lacks. */
  | { ok: false; reason: 'ena'; instanceType: string };

export interface BuildHost {
  /** The builder's availability_zone; unknown or absent: any zone of the region. */
  zone?: string | null;
  /** The builder's instance_type; unknown or absent: any host type. */
  instanceType?: string | null;
}

export function imageFitForHost(cloud: CloudKind, region: RegionInfo | undefined, host: BuildHost, image: Pick<ImageFacts, 'cpuPlatforms' | 'enaSupport'>): ImageFit {
  if (cloud === 'aws') {
    const type = host.instanceType;
    if (type && requiresEna(type) && image.enaSupport === false) return { ok: false, reason: 'ena', instanceType: type };
    return { ok: true };
  }
  const imagePlatforms = image.cpuPlatforms ?? [];
  if (imagePlatforms.length === 0 || !region) return { ok: true };
  const picked = region.zones.find((z) => z.zone === host.zone);
  const zones = picked ? [picked] : region.zones;
  const spec = host.instanceType ? parseUcloudInstanceType(host.instanceType) : undefined;
  const hostPlatforms = new Set<string>();
  for (const zone of zones) {
    const machines = spec && typeof spec !== 'string' ? [spec.machineType] : Object.keys(zone.cpuPlatforms ?? {});
    if (machines.length === 0) return { ok: true };
    for (const machine of machines) {
      const platforms = ucloudPlatforms(zone, machine.toUpperCase());
      // The check's rule: unknown or empty host platforms do not refuse an image.
      if (platforms === undefined || platforms.length === 0 || platforms.some((p) => imagePlatforms.includes(p))) return { ok: true };
      platforms.forEach((p) => hostPlatforms.add(p));
    }
  }
  return { ok: false, reason: 'cpu-platform', imagePlatforms, hostPlatforms: [...hostPlatforms].sort() };
}
