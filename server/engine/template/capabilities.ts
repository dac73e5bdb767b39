// What the target regions can run, checked against the inventory's region capabilities before a
// build starts (field problems #2 and #3 of PRODUCT.md). Pure: the caller passes what the
// inventory knows; nothing here calls a cloud, let alone a mutating API.
import type { CloudKind, RegionInfo, ZoneCapabilities } from '@/server/clouds/provider';
import type { DraftIssue, FixEdit, IssueFix, JsonPath } from './issues';
import { requiresEna, instanceFamily, type TAmazonEbsConfig } from './builders/amazon-ebs';
import { parseUcloudInstanceType, UCLOUD_BOOT_DISKS_BY_MACHINE, type TUcloudUhostConfig } from './builders/ucloud-uhost';

export interface ImageFacts {
  name?: string;
  /** The catalog's OS family and version ("Ubuntu", "22.04"), to suggest a replacement of the same OS. */
  osFamily?: string;
  osVersion?: string;
  /** ISO time the cloud made the image (newest first among replacements). */
  createdAt?: string;
  /** UCloud: CPU platforms the image boots on (empty = any). */
  cpuPlatforms?: string[];
  /** EC2: the image has the ENA driver. */
  enaSupport?: boolean;
  /** The inventory saw it once, but the cloud no longer lists it. */
  removed?: boolean;
}

export interface CapabilityContext {
  capabilities?: (cloud: CloudKind, region: string) => RegionInfo | undefined;
  /** Every region of the cloud the account can use, to suggest where to build instead. */
  regions?: (cloud: CloudKind) => RegionInfo[];
  /** The image's facts; null: looked up and absent from that region; undefined: not known (not checked). */
  imageInfo?: (cloud: CloudKind, region: string, imageId: string) => ImageFacts | null | undefined;
  /**
   * The base images the context knows of a region (at least the builders' own regions; the
   * inventory adds the same-named images of other regions), for concrete replacements. Undefined:
   * not known, no replacement suggested.
   */
  catalog?: (cloud: CloudKind, region: string) => CatalogImage[] | undefined;
  /** The clouds whose capabilities are known; builders of the others are not checked (default: all). */
  clouds?: CloudKind[];
  /**
   * Regions whose inventory the console has never synced: their builders get a REGION_NOT_SYNCED warning
   * (instead of REGION_UNKNOWN when even the region list is unknown; beside the zone checks when only the images are).
   */
  notSynced?: (cloud: CloudKind, region: string) => boolean;
}

export type CatalogImage = ImageFacts & { id: string };

export interface BuilderUnderCheck<C> {
  label: string;
  path: JsonPath;
  config: C;
  /** The options as written (before interpolation), to quote them in fixes. */
  raw: Record<string, unknown>;
}

/** Neighbours to try first when a region cannot build (beyond sharing a prefix such as "cn-" or "us-east-"). */
const NEAR: Record<string, string[]> = {
  hk: ['cn-gd', 'cn-gd2', 'tw-tp', 'cn-sh2', 'cn-bj2', 'sg'],
  'tw-tp': ['hk', 'cn-sh2', 'jpn-tky'],
  sg: ['idn-jakarta', 'th-bkk', 'vn-sng', 'hk'],
  'th-bkk': ['sg', 'vn-sng', 'idn-jakarta', 'hk'],
  'vn-sng': ['sg', 'th-bkk', 'hk'],
  'idn-jakarta': ['sg', 'th-bkk'],
  'ph-mnl': ['hk', 'sg', 'tw-tp'],
  'jpn-tky': ['kr-seoul', 'tw-tp', 'hk'],
  'kr-seoul': ['jpn-tky', 'cn-bj2'],
  'ind-mumbai': ['sg', 'pk-khi', 'uae-dubai'],
  'bra-saopaulo': ['us-ws', 'us-ca', 'mx-mex'],
  'ge-fra': ['uk-london'],
  'uk-london': ['ge-fra'],
  'sa-east-1': ['us-east-1', 'us-east-2'],
  'ca-central-1': ['us-east-1', 'us-east-2'],
  'me-south-1': ['eu-central-1', 'ap-south-1'],
  'af-south-1': ['eu-west-1', 'eu-central-1'],
};

/** Candidate regions ordered by nearness to `from`: shared prefix segments, then NEAR, then inventory order. */
export function rankRegions(from: string, candidates: RegionInfo[]): RegionInfo[] {
  const shared = (a: string, b: string): number => {
    const x = a.split('-');
    const y = b.split('-');
    let n = 0;
    while (n < x.length && n < y.length && x[n] === y[n]) n++;
    return n;
  };
  const near = NEAR[from] ?? [];
  const nearRank = (id: string): number => (near.includes(id) ? near.indexOf(id) : near.length);
  return candidates
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.id !== from)
    .sort((a, b) => shared(from, b.r.id) - shared(from, a.r.id) || nearRank(a.r.id) - nearRank(b.r.id) || a.i - b.i)
    .map(({ r }) => r);
}

const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase());

/** The host types a UCloud zone lists may be machine types ("N") or names ("n-basic-2"); compare by machine type. */
export function ucloudOffersMachine(zone: ZoneCapabilities, machine: string): boolean {
  if (zone.hostTypes.length === 0) return true;
  return zone.hostTypes.some((h) => h.toUpperCase() === machine || h.toUpperCase().startsWith(`${machine}-`));
}

export function ucloudPlatforms(zone: ZoneCapabilities, machine: string): string[] | undefined {
  const map = zone.cpuPlatforms ?? {};
  const key = Object.keys(map).find((k) => k.toUpperCase() === machine);
  return key === undefined ? undefined : map[key];
}

function ucloudZoneFits(zone: ZoneCapabilities, machine: string, disk: string, imagePlatforms: string[]): boolean {
  if (!ucloudOffersMachine(zone, machine)) return false;
  if (zone.bootDiskTypes.length > 0 && !lower(zone.bootDiskTypes).includes(disk)) return false;
  if (imagePlatforms.length > 0) {
    const host = ucloudPlatforms(zone, machine);
    if (host !== undefined && host.length > 0 && !host.some((p) => imagePlatforms.includes(p))) return false;
  }
  return true;
}

const quote = (v: unknown): string => JSON.stringify(v);

/**
 * The newest image of `region`'s catalog with the OS family of `current` (its version first when
 * there is one) that `fits`, other than `currentId`.
 */
export function replacementImage(
  ctx: CapabilityContext, cloud: CloudKind, region: string, current: ImageFacts | undefined, currentId: string, fits: (i: CatalogImage) => boolean,
): CatalogImage | undefined {
  const family = current?.osFamily?.toLowerCase();
  if (!family) return undefined;
  const version = current?.osVersion ?? '';
  return (ctx.catalog?.(cloud, region) ?? [])
    .filter((i) => i.id !== currentId && !i.removed && i.osFamily?.toLowerCase() === family && fits(i))
    .sort((a, b) =>
      Number(b.osVersion === version) - Number(a.osVersion === version)
      || (b.createdAt ?? '').localeCompare(a.createdAt ?? '')
      || (b.osVersion ?? '').localeCompare(a.osVersion ?? '', 'en', { numeric: true })
      || a.id.localeCompare(b.id))[0];
}

/** The same base image (by name) in another region's catalog, for a build-and-copy fix. */
function sameImageIn(ctx: CapabilityContext, cloud: CloudKind, region: string, image: ImageFacts | undefined): CatalogImage | undefined {
  if (!image?.name) return undefined;
  return (ctx.catalog?.(cloud, region) ?? []).find((i) => i.name === image.name && !i.removed);
}

const describeImage = (i: CatalogImage): string => `${i.id} (${i.name ?? [i.osFamily, i.osVersion].filter(Boolean).join(' ')}${i.createdAt ? `, ${i.createdAt.slice(0, 10)}` : ''})`;

function replaceImageFix(field: JsonPath, region: string, i: CatalogImage): IssueFix {
  return {
    hintKey: 'replaceImage',
    params: { region, imageId: i.id, name: i.name ?? [i.osFamily, i.osVersion].filter(Boolean).join(' ') },
    edits: [{ path: field, value: i.id }],
  };
}

function setFix(hintKey: string, path: JsonPath, value: string, params: Record<string, string | number>): IssueFix {
  return { hintKey, params, edits: [{ path, value }] };
}

/** Static rule (no inventory needed): O hosts boot only from cloud_rssd, C hosts not from local_normal. */
export function checkUcloudDiskForMachine(b: BuilderUnderCheck<TUcloudUhostConfig>): DraftIssue[] {
  const spec = parseUcloudInstanceType(b.config.instance_type);
  if (typeof spec === 'string') return [];
  const allowed = UCLOUD_BOOT_DISKS_BY_MACHINE[spec.machineType] ?? [];
  const disk = b.config.boot_disk_type;
  if (allowed.length === 0 || allowed.includes(disk)) return [];
  const fix = allowed[0] as string;
  return [{
    code: 'BOOT_DISK_TYPE_MACHINE_MISMATCH',
    path: [...b.path, b.raw['boot_disk_type'] === undefined ? 'instance_type' : 'boot_disk_type'],
    message: `${b.label}: ${spec.machineType} hosts ("${b.config.instance_type}") cannot boot from a ${disk} disk${b.raw['boot_disk_type'] === undefined ? ' (the default boot_disk_type)' : ''}; they take ${allowed.join(', ')}.`,
    hint: `Set "boot_disk_type": "${fix}".`,
    params: { label: b.label, machineType: spec.machineType, instanceType: b.config.instance_type, diskType: disk, allowed: allowed.join(', '), suggestedType: fix },
    fixes: [setFix('setDiskType', [...b.path, 'boot_disk_type'], fix, { diskType: fix, zone: b.config.availability_zone })],
  }];
}

export function checkUcloudCapabilities(b: BuilderUnderCheck<TUcloudUhostConfig>, ctx: CapabilityContext): DraftIssue[] {
  if (!ctx.capabilities || (ctx.clouds && !ctx.clouds.includes('ucloud'))) return [];
  const issues: DraftIssue[] = [];
  const c = b.config;
  const region = ctx.capabilities('ucloud', c.region);
  c.image_copy_to_mappings.forEach((m, i) => {
    if (!ctx.capabilities?.('ucloud', m.region) && !ctx.notSynced?.('ucloud', m.region)) issues.push(copyRegionUnknown(b, 'ucloud', m.region, [...b.path, 'image_copy_to_mappings', i, 'region']));
  });
  if (!region) return [ctx.notSynced?.('ucloud', c.region) ? regionNotSynced(b, 'ucloud', c.region) : regionUnknown(b, 'ucloud', c.region, ctx), ...issues];
  if (ctx.notSynced?.('ucloud', c.region)) issues.push(regionNotSynced(b, 'ucloud', c.region));
  const zone = region.zones.find((z) => z.zone === c.availability_zone);
  if (!zone) {
    const zones = region.zones.map((z) => z.zone);
    issues.push({
      code: 'ZONE_UNKNOWN',
      path: [...b.path, 'availability_zone'],
      message: `${b.label}: "${c.availability_zone}" is not a zone of ${c.region}; its zones are ${zones.join(', ') || 'unknown'}.`,
      hint: zones[0] ? `Set "availability_zone": "${zones[0]}".` : 'Sync the inventory of this region, then pick one of its zones.',
      params: { label: b.label, region: c.region, zone: c.availability_zone, zones: zones.join(', ') },
      ...(zones[0] ? { fixes: [setFix('setZone', [...b.path, 'availability_zone'], zones[0], { zone: zones[0] })] } : {}),
    });
    return issues;
  }
  const spec = parseUcloudInstanceType(c.instance_type);
  if (typeof spec === 'string') return issues;
  const machine = spec.machineType;
  const disk = c.boot_disk_type;
  const image = ctx.imageInfo?.('ucloud', c.region, c.source_image_id) ?? undefined;
  const absent = imageAbsent(b, 'ucloud', c.region, c.source_image_id, ['source_image_id'], ctx);
  if (absent) issues.push(absent);
  const imagePlatforms = image?.cpuPlatforms ?? [];
  const others = rankRegions(c.region, ctx.regions?.('ucloud') ?? []);
  const elsewhere = (fits: (z: ZoneCapabilities) => boolean): { region: string; zone: string } | undefined => {
    for (const r of others) {
      const z = r.zones.find(fits);
      if (z) return { region: r.id, zone: z.zone };
    }
    return undefined;
  };
  const project = typeof b.raw['project_id'] === 'string' && b.raw['project_id'] !== '' ? b.raw['project_id'] : '<project id>';
  const copyFix = (target: string): string => `"image_copy_to_mappings": [{"project_id": ${quote(project)}, "region": ${quote(target)}}]`;
  const moveFix = (to: { region: string; zone: string }): string =>
    `build in ${to.region} ("region": ${quote(to.region)}, "availability_zone": ${quote(to.zone)}, with that region's "source_image_id" of the same base image${image?.name ? ` "${image.name}"` : ''}) and copy the image to ${c.region} with ${copyFix(c.region)}`;
  const moveEdits = (to: { region: string; zone: string }): IssueFix => {
    const there = sameImageIn(ctx, 'ucloud', to.region, image);
    const mappings = Array.isArray(b.raw['image_copy_to_mappings']) ? (b.raw['image_copy_to_mappings'] as Record<string, unknown>[]) : [];
    const edits: FixEdit[] = [
      { path: [...b.path, 'region'], value: to.region },
      { path: [...b.path, 'availability_zone'], value: to.zone },
      { path: [...b.path, 'image_copy_to_mappings'], value: [...mappings, { project_id: project, region: c.region }] },
    ];
    if (there) edits.push({ path: [...b.path, 'source_image_id'], value: there.id });
    return { hintKey: there ? 'buildAndCopyUcloudFrom' : 'buildAndCopyUcloud', params: { region: to.region, zone: to.zone, target: c.region, imageId: there?.id ?? '' }, ...(there ? { edits } : {}) };
  };

  if (!ucloudOffersMachine(zone, machine)) {
    const to = elsewhere((z) => ucloudZoneFits(z, machine, disk, imagePlatforms));
    issues.push({
      code: 'INSTANCE_TYPE_UNAVAILABLE',
      path: [...b.path, 'instance_type'],
      message: `${b.label}: ${c.availability_zone} offers no ${machine} hosts ("${c.instance_type}"); it offers ${zone.hostTypes.join(', ')}.`,
      hint: `Use a host type offered there${to ? `, or ${moveFix(to)}` : ''}.`,
      params: { label: b.label, region: c.region, zone: c.availability_zone, instanceType: c.instance_type, offered: zone.hostTypes.join(', '), suggestedRegion: to?.region ?? '', suggestedZone: to?.zone ?? '', suggestedType: '' },
      ...(to ? { fixes: [moveEdits(to)] } : {}),
    });
    return issues;
  }

  const offeredDisks = lower(zone.bootDiskTypes);
  if (offeredDisks.length > 0 && !offeredDisks.includes(disk)) {
    const allowed = UCLOUD_BOOT_DISKS_BY_MACHINE[machine] ?? offeredDisks;
    const suggestedType = ['cloud_ssd', 'cloud_rssd', 'local_ssd', 'local_normal'].find((t) => offeredDisks.includes(t) && allowed.includes(t)) ?? '';
    const to = elsewhere((z) => ucloudZoneFits(z, machine, disk, imagePlatforms));
    const fixes = [
      suggestedType ? `set "boot_disk_type": "${suggestedType}"` : '',
      to ? `${moveFix(to)}` : '',
    ].filter(Boolean);
    issues.push({
      code: 'BOOT_DISK_TYPE_UNAVAILABLE',
      path: [...b.path, b.raw['boot_disk_type'] === undefined ? 'availability_zone' : 'boot_disk_type'],
      message: `${b.label}: zone ${c.availability_zone} of ${c.region} has no ${disk} boot disk${b.raw['boot_disk_type'] === undefined ? ' (the default boot_disk_type)' : ''}; it offers ${offeredDisks.join(', ')}. The build host would fail to start.`,
      hint: fixes.length > 0 ? `Either ${fixes.join(', or ')}.` : 'No region known to this console offers it; pick an offered boot disk type.',
      params: {
        label: b.label, region: c.region, zone: c.availability_zone, diskType: disk, offered: offeredDisks.join(', '),
        suggestedType, suggestedRegion: to?.region ?? '', suggestedZone: to?.zone ?? '',
      },
      fixes: [
        ...(suggestedType ? [setFix('setDiskType', [...b.path, 'boot_disk_type'], suggestedType, { diskType: suggestedType, zone: c.availability_zone })] : []),
        ...(to ? [moveEdits(to)] : []),
      ],
    });
  }

  const hostPlatforms = ucloudPlatforms(zone, machine);
  if (imagePlatforms.length > 0 && hostPlatforms !== undefined && hostPlatforms.length > 0 && !hostPlatforms.some((p) => imagePlatforms.includes(p))) {
    const to = elsewhere((z) => ucloudZoneFits(z, machine, disk, imagePlatforms));
    const instead = replacementImage(ctx, 'ucloud', c.region, image, c.source_image_id, (i) => (i.cpuPlatforms ?? []).length === 0 || hostPlatforms.some((p) => (i.cpuPlatforms ?? []).includes(p)));
    const hint = [
      instead ? `Use "source_image_id": "${instead.id}", the newest ${[image?.osFamily, image?.osVersion].filter(Boolean).join(' ')} image of ${c.region} that boots there: ${describeImage(instead)}` : `Choose a base image of ${c.region} that boots on ${hostPlatforms.join(', ')}`,
      to ? `build elsewhere and copy: ${moveFix(to)}` : '',
    ].filter(Boolean).join('; or ');
    issues.push({
      code: 'IMAGE_HOST_TYPE_MISMATCH',
      path: [...b.path, 'source_image_id'],
      message: `${b.label}: the image ${c.source_image_id}${image?.name ? ` (${image.name})` : ''} boots on ${imagePlatforms.join(', ')}, but ${machine} hosts in ${c.availability_zone} run ${hostPlatforms.join(', ')}; the build host would not start.`,
      hint: `${hint}.`,
      params: {
        label: b.label, region: c.region, zone: c.availability_zone, imageId: c.source_image_id, instanceType: c.instance_type,
        reason: 'cpu-platform', imagePlatforms: imagePlatforms.join(', '), hostPlatforms: hostPlatforms.join(', '),
        suggestedRegion: to?.region ?? '', suggestedZone: to?.zone ?? '', suggestedType: '', suggestedImage: instead?.id ?? '',
      },
      fixes: [
        ...(instead ? [replaceImageFix([...b.path, 'source_image_id'], c.region, instead)] : []),
        ...(to ? [moveEdits(to)] : []),
      ],
    });
  }
  return issues;
}

export function checkAmazonCapabilities(b: BuilderUnderCheck<TAmazonEbsConfig>, ctx: CapabilityContext): DraftIssue[] {
  if (!ctx.capabilities || (ctx.clouds && !ctx.clouds.includes('aws'))) return [];
  const issues: DraftIssue[] = [];
  const c = b.config;
  c.ami_regions.forEach((r, i) => {
    if (!ctx.capabilities?.('aws', r) && !ctx.notSynced?.('aws', r)) issues.push(copyRegionUnknown(b, 'aws', r, [...b.path, 'ami_regions', i]));
  });
  const region = ctx.capabilities('aws', c.region);
  if (!region) return [ctx.notSynced?.('aws', c.region) ? regionNotSynced(b, 'aws', c.region) : regionUnknown(b, 'aws', c.region, ctx), ...issues];
  if (ctx.notSynced?.('aws', c.region)) issues.push(regionNotSynced(b, 'aws', c.region));
  let zones = region.zones;
  if (c.availability_zone) {
    const zone = zones.find((z) => z.zone === c.availability_zone);
    if (!zone) {
      const names = zones.map((z) => z.zone);
      issues.push({
        code: 'ZONE_UNKNOWN',
        path: [...b.path, 'availability_zone'],
        message: `${b.label}: "${c.availability_zone}" is not an availability zone of ${c.region}; its zones are ${names.join(', ') || 'unknown'}.`,
        hint: names[0] ? `Set "availability_zone": "${names[0]}" or remove it.` : 'Remove "availability_zone".',
        params: { label: b.label, region: c.region, zone: c.availability_zone, zones: names.join(', ') },
        ...(names[0] ? { fixes: [setFix('setZone', [...b.path, 'availability_zone'], names[0], { zone: names[0] })] } : {}),
      });
      return issues;
    }
    zones = [zone];
  }
  const offered = new Set(zones.flatMap((z) => z.hostTypes));
  const type = c.instance_type;
  const others = rankRegions(c.region, ctx.regions?.('aws') ?? []);
  const offering = (t: string): RegionInfo | undefined => others.find((r) => r.zones.some((z) => z.hostTypes.includes(t)));
  const copy = `"ami_regions": [${quote(c.region)}]`;
  const awsMove = (to: RegionInfo, image: ImageFacts | undefined): IssueFix => {
    const there = sameImageIn(ctx, 'aws', to.id, image);
    const copies = Array.isArray(b.raw['ami_regions']) ? (b.raw['ami_regions'] as string[]) : [];
    const edits: FixEdit[] = [
      { path: [...b.path, 'region'], value: to.id },
      { path: [...b.path, 'ami_regions'], value: [...copies.filter((r) => r !== c.region), c.region] },
      ...(there ? [{ path: [...b.path, 'source_ami'], value: there.id }] : []),
    ];
    // An explicit zone or an AMI id of this region cannot move as they are: then the fix is advice only.
    const applicable = c.availability_zone === undefined && (there !== undefined || !c.source_ami);
    return { hintKey: there ? 'buildAndCopyAwsFrom' : 'buildAndCopyAws', params: { region: to.id, target: c.region, imageId: there?.id ?? '' }, ...(applicable ? { edits } : {}) };
  };

  if (offered.size > 0 && !offered.has(type)) {
    const to = offering(type);
    const sameFamily = [...offered].filter((t) => instanceFamily(t) === instanceFamily(type)).sort();
    issues.push({
      code: 'INSTANCE_TYPE_UNAVAILABLE',
      path: [...b.path, 'instance_type'],
      message: `${b.label}: the instance type ${type} is not offered in ${c.availability_zone ?? c.region}.`,
      hint: [
        sameFamily[0] ? `Use an offered type such as "instance_type": "${sameFamily[0]}"` : '',
        to ? `build in ${to.id} ("region": ${quote(to.id)}) and copy the AMI here with ${copy}` : '',
      ].filter(Boolean).join(', or ') + '.',
      params: { label: b.label, region: c.region, zone: c.availability_zone ?? '', instanceType: type, offered: [...offered].sort().join(', '), suggestedRegion: to?.id ?? '', suggestedZone: '', suggestedType: sameFamily[0] ?? '' },
      fixes: [
        ...(sameFamily[0] ? [setFix('useInstanceType', [...b.path, 'instance_type'], sameFamily[0], { instanceType: sameFamily[0] })] : []),
        ...(to ? [awsMove(to, c.source_ami ? ctx.imageInfo?.('aws', c.region, c.source_ami) ?? undefined : undefined)] : []),
      ],
    });
    return issues;
  }

  if (c.source_ami) {
    const absent = imageAbsent(b, 'aws', c.region, c.source_ami, ['source_ami'], ctx);
    if (absent) issues.push(absent);
  }
  if (requiresEna(type) && c.source_ami) {
    const image = ctx.imageInfo?.('aws', c.region, c.source_ami);
    if (image?.enaSupport === false) {
      const to = others.find((r) => r.zones.some((z) => z.hostTypes.includes(type)) && ctx.imageInfo?.('aws', r.id, c.source_ami ?? '')?.enaSupport !== false);
      const size = type.split('.')[1] ?? '';
      const xen = [...offered].filter((t) => !requiresEna(t)).sort((a, x) => Number(x.endsWith(`.${size}`)) - Number(a.endsWith(`.${size}`)) || a.localeCompare(x));
      const instead = replacementImage(ctx, 'aws', c.region, image, c.source_ami, (i) => i.enaSupport === true);
      const fixes = [
        instead ? `use "source_ami": "${instead.id}", the newest ${[image.osFamily, image.osVersion].filter(Boolean).join(' ')} AMI of ${c.region} with ENA: ${describeImage(instead)}` : '',
        to ? `build in ${to.id} ("region": ${quote(to.id)}, with that region's copy of the base image${image.name ? ` "${image.name}"` : ''}, e.g. through "source_ami_filter") and copy the AMI here with ${copy}` : '',
        xen[0] ? `use an instance type that does not need ENA, e.g. "instance_type": "${xen[0]}"` : '',
      ].filter(Boolean);
      issues.push({
        code: 'IMAGE_HOST_TYPE_MISMATCH',
        path: [...b.path, 'source_ami'],
        message: `${b.label}: ${type} is a Nitro instance type that needs ENA, but the AMI ${c.source_ami}${image.name ? ` (${image.name})` : ''} in ${c.region} lacks ENA support; the instance would not start.`,
        hint: fixes.length > 0 ? `Either ${fixes.join(', or ')}.` : 'Use an AMI with ENA support.',
        params: {
          label: b.label, region: c.region, zone: c.availability_zone ?? '', imageId: c.source_ami, instanceType: type,
          reason: 'ena', imagePlatforms: '', hostPlatforms: '', suggestedRegion: to?.id ?? '', suggestedZone: '', suggestedType: xen[0] ?? '', suggestedImage: instead?.id ?? '',
        },
        fixes: [
          ...(instead ? [replaceImageFix([...b.path, 'source_ami'], c.region, instead)] : []),
          ...(to ? [awsMove(to, image)] : []),
          ...(xen[0] ? [setFix('useInstanceType', [...b.path, 'instance_type'], xen[0], { instanceType: xen[0] })] : []),
        ],
      });
    }
  }
  return issues;
}

function regionUnknown(b: { label: string; path: JsonPath }, cloud: CloudKind, region: string, ctx: CapabilityContext): DraftIssue {
  const known = (ctx.regions?.(cloud) ?? []).map((r) => r.id);
  return {
    code: 'REGION_UNKNOWN',
    path: [...b.path, 'region'],
    message: `${b.label}: the ${cloud === 'aws' ? 'AWS' : 'UCloud'} account knows no region "${region}".`,
    hint: known.length > 0 ? `Known regions: ${known.join(', ')}.` : 'Check the region id, or sync the inventory of the cloud account.',
    params: { label: b.label, cloud, region, known: known.join(', ') },
  };
}

function regionNotSynced(b: { label: string; path: JsonPath }, cloud: CloudKind, region: string): DraftIssue {
  return {
    code: 'REGION_NOT_SYNCED',
    path: [...b.path, 'region'],
    message: `${b.label}: region ${region} has not been synced yet; region facts not checked (its base images, and before the first sync its zones).`,
    hint: 'Sync the inventory of the cloud account (Clouds → Sync now), then check again.',
    params: { label: b.label, cloud, region },
  };
}

/** IMAGE_NOT_FOUND / IMAGE_REMOVED when the image's region is known and the image is absent from it or gone. */
function imageAbsent(b: { label: string; path: JsonPath }, cloud: CloudKind, region: string, imageId: string, field: JsonPath, ctx: CapabilityContext): DraftIssue | undefined {
  if (imageId.includes('{{')) return undefined;
  const info = ctx.imageInfo?.(cloud, region, imageId);
  const what = cloud === 'aws' ? 'AMI' : 'image';
  if (info === null) {
    return {
      code: 'IMAGE_NOT_FOUND',
      path: [...b.path, ...field],
      message: `${b.label}: the ${what} ${imageId} does not exist in ${region}.`,
      hint: `Pick a base image of ${region} from the catalog (Base images), and set its id.`,
      params: { label: b.label, cloud, region, imageId },
    };
  }
  if (info?.removed) {
    const instead = replacementImage(ctx, cloud, region, info, imageId, () => true);
    return {
      code: 'IMAGE_REMOVED',
      path: [...b.path, ...field],
      message: `${b.label}: the ${what} ${imageId}${info.name ? ` (${info.name})` : ''} is no longer offered in ${region}.`,
      hint: instead ? `Use ${describeImage(instead)}, the newest ${[info.osFamily, info.osVersion].filter(Boolean).join(' ')} image of ${region}.` : `Pick a current base image of ${region} from the catalog (Base images), and set its id.`,
      params: { label: b.label, cloud, region, imageId, name: info.name ?? '' },
      ...(instead ? { fixes: [replaceImageFix([...b.path, ...field], region, instead)] } : {}),
    };
  }
  return undefined;
}

function copyRegionUnknown(b: { label: string }, cloud: CloudKind, region: string, path: JsonPath): DraftIssue {
  return {
    code: 'COPY_REGION_UNKNOWN',
    path,
    message: `${b.label}: the image is to be copied to "${region}", which is not a region of the ${cloud === 'aws' ? 'AWS' : 'UCloud'} account.`,
    hint: 'Remove it or fix the region id; the copy would fail after the image was built.',
    params: { label: b.label, cloud, region },
  };
}
