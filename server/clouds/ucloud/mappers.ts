import { RUN_ID_TAG, type HostInfo, type HostState, type ImageInfo, type ImageState, type ZoneCapabilities } from '@/server/clouds/provider';
import { parseOs } from '@/server/clouds/os-info';
import { formatHostType } from './host-type';
import type { TAvailableInstanceTypes, TUHostImageSet, TUHostInstanceSet } from './types';

// UCloud shapes → the provider's vocabulary, and the provider's names and tags → what UCloud
// can hold (reference §2.15 for the state words, §2.16 for the naming rules).

const IMAGE_STATES: Record<string, ImageState> = { Available: 'available', Making: 'pending', Copying: 'pending', Unavailable: 'failed' };

const HOST_STATES: Record<string, HostState> = {
  Initializing: 'pending',
  Starting: 'pending',
  Rebooting: 'pending',
  Running: 'running',
  Stopping: 'stopping',
  Stopped: 'stopped',
  // The docs spell it with a space, the Go SDK's constant without.
  'Install Fail': 'failed',
  InstallFail: 'failed',
  ResizeFail: 'failed',
};

/** UCloud's default business group: a resource that carries no run id. */
export const DEFAULT_GROUP = 'Default';

// --- labels ---------------------------------------------------------------------------------

/** Resource names and business groups: 1–63 letters, digits, CJK, `-`, `_`, `.`. */
export function ucloudLabel(text: string, fallback = 'rome'): string {
  const clean = text.replace(/[^\p{L}\p{N}\-_.]+/gu, '-').slice(0, 63);
  return clean || fallback;
}

/** Image names also allow `[]:,` (Packer's image_name rule). */
export function ucloudImageName(text: string): string {
  return text.replace(/[^\p{L}\p{N}\-_.[\]:,]+/gu, '-').slice(0, 63) || 'rome-image';
}

/**
 * UCloud has no free-form tags. The run id — the one tag a sweeper needs — becomes the
 * business group (`Tag`), which every resource has and DescribeUHostInstance can filter by.
 */
export function businessGroup(tags: Record<string, string> | undefined): string {
  const runId = tags?.[RUN_ID_TAG];
  return runId ? ucloudLabel(runId, DEFAULT_GROUP) : DEFAULT_GROUP;
}

export function tagsFromGroup(group: string | undefined): Record<string, string> {
  return group && group !== DEFAULT_GROUP ? { [RUN_ID_TAG]: group } : {};
}

/** All tags as `k=v; …` for the resources that have a Remark (firewalls), ≤ 255 characters. */
export function remarkOf(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')
    .slice(0, 255);
}

// --- images and hosts -----------------------------------------------------------------------

/**
 * `MinimalCPU` is UCloud's only platform hint on an image ("Broadwell": that Intel generation
 * or newer); it becomes a one-element list, empty when the image boots anywhere.
 */
function imagePlatforms(minimal: string | undefined): string[] {
  if (!minimal) return [];
  return [minimal.includes('/') ? minimal : `Intel/${minimal}`];
}

export function toImageInfo(region: string, i: TUHostImageSet): ImageInfo {
  const vendorState = i.State ?? '';
  return {
    id: i.ImageId,
    region,
    name: i.ImageName ?? '',
    description: i.ImageDescription ?? '',
    state: IMAGE_STATES[vendorState] ?? 'unknown',
    vendorState,
    kind: i.ImageType === 'Custom' ? 'custom' : 'base',
    ...parseOs(i.OsName, i.ImageName),
    osName: i.OsName ?? '',
    architecture: i.Features?.includes('Aarch64_Type') ? 'arm64' : 'x86_64',
    sizeGb: i.ImageSize ?? null,
    createdAt: i.CreateTime ? new Date(i.CreateTime * 1000) : null,
    cpuPlatforms: imagePlatforms(i.MinimalCPU),
    tags: tagsFromGroup(i.Tag),
  };
}

export function toHostInfo(region: string, h: TUHostInstanceSet): HostInfo {
  const vendorState = h.State ?? '';
  const ips = (h.IPSet ?? []).filter((ip) => ip.IPMode !== 'IPv6');
  return {
    id: h.UHostId,
    region,
    zone: h.Zone ?? '',
    state: HOST_STATES[vendorState] ?? 'unknown',
    vendorState,
    // As Packer does: the public address is the entry that is not Private (Bgp, International…).
    publicIp: ips.find((ip) => ip.Type && ip.Type !== 'Private')?.IP ?? null,
    privateIp: ips.find((ip) => ip.Type === 'Private')?.IP ?? null,
    imageId: h.BasicImageId ?? h.ImageId ?? '',
    hostType: formatHostType(h.MachineType, h.CPU, h.Memory),
    bootDiskReady: h.BootDiskState === 'Normal',
    tags: { ...(h.Name ? { Name: h.Name } : {}), ...tagsFromGroup(h.Tag) },
  };
}

// --- capabilities ---------------------------------------------------------------------------

/** The template's boot_disk_type words (Packer's four); other media cannot be a boot disk. */
const BOOT_DISK_VOCABULARY = new Set(['cloud_ssd', 'cloud_rssd', 'local_normal', 'local_ssd']);
/** Machine types in these states cannot be bought now. */
const NOT_ON_SALE = new Set(['Soldout', 'Hidden']);

/**
 * DescribeAvailableInstanceTypes answers one entry per (zone, machine type); each lists its
 * disk media with their boot disk types (`CLOUD_SSD`…). A zone offers the union.
 */
export function zoneCapabilities(zones: string[], types: TAvailableInstanceTypes[]): ZoneCapabilities[] {
  const acc = new Map<string, { disks: Set<string>; hosts: Set<string>; platforms: Record<string, string[]> }>();
  const entry = (zone: string) => {
    let e = acc.get(zone);
    if (!e) acc.set(zone, (e = { disks: new Set(), hosts: new Set(), platforms: {} }));
    return e;
  };
  zones.forEach(entry);
  for (const t of types) {
    if (!t.Name || (t.Status && NOT_ON_SALE.has(t.Status))) continue;
    const platforms = [...(t.CpuPlatforms?.Intel ?? []), ...(t.CpuPlatforms?.Amd ?? []), ...(t.CpuPlatforms?.Ampere ?? [])];
    for (const zone of t.Zone ? [t.Zone] : zones) {
      const e = entry(zone);
      e.hosts.add(t.Name);
      e.platforms[t.Name] = [...new Set([...(e.platforms[t.Name] ?? []), ...platforms])];
      for (const disk of t.Disks ?? []) {
        for (const boot of disk.BootDisk ?? []) {
          const word = boot.Name?.toLowerCase();
          if (word && BOOT_DISK_VOCABULARY.has(word)) e.disks.add(word);
        }
      }
    }
  }
  return [...acc]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([zone, e]) => ({ zone, bootDiskTypes: [...e.disks].sort(), hostTypes: [...e.hosts].sort(), cpuPlatforms: e.platforms }));
}
