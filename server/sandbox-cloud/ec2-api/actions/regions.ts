import { zoneIdOf } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { Ec2Error } from '../errors';
import { applyFilters, paginate } from '../filters';
import { instanceTypeInfo } from '../instance-types';
import { readFilters } from '../query';
import type { XmlObject } from '../xml';
import type { RegionSpec, ZoneSpec } from '../../world/types';

// Regions, zones and what they offer, straight from the world's catalog. DescribeRegions must
// agree with the regions the endpoint serves: Packer validates `region` and `ami_regions`
// against it before doing anything else.

const describeRegions: Ec2Action = (ctx) => {
  const names = ctx.params.list('RegionName');
  const all = ctx.world.regions('aws');
  const unknown = names.filter((n) => !all.some((r) => r.id === n));
  if (unknown.length) throw new Ec2Error('InvalidParameterValue', `Invalid region names: [${unknown.join(', ')}]`);
  let regions = names.length ? all.filter((r) => names.includes(r.id)) : all;
  regions = applyFilters(regions, readFilters(ctx.params), {
    'region-name': (r) => r.id,
    endpoint: (r) => endpointOf(r),
    'opt-in-status': () => 'opt-in-not-required',
  }, () => ({}));
  return {
    regionInfo: regions.map((r) => ({ regionName: r.id, regionEndpoint: endpointOf(r), optInStatus: 'opt-in-not-required' })),
  };
};

function endpointOf(r: RegionSpec): string {
  return `ec2.${r.id}.amazonaws.com`;
}

const describeAvailabilityZones: Ec2Action = (ctx) => {
  const names = ctx.params.list('ZoneName');
  const ids = ctx.params.list('ZoneId');
  const region = ctx.region;
  for (const n of names) {
    if (!region.zones.some((z) => z.id === n)) throw new Ec2Error('InvalidParameterValue', `Invalid availability zone: [${n}]`);
  }
  for (const id of ids) {
    if (!region.zones.some((z) => zoneIdOf(region, z) === id)) throw new Ec2Error('InvalidParameterValue', `Invalid availability zone ID: [${id}]`);
  }
  let zones = region.zones.filter((z) => (!names.length && !ids.length) || names.includes(z.id) || ids.includes(zoneIdOf(region, z)));
  zones = applyFilters(zones, readFilters(ctx.params), {
    'zone-name': (z) => z.id,
    'zone-id': (z) => zoneIdOf(region, z),
    state: () => 'available',
    'region-name': () => region.id,
    'zone-type': () => 'availability-zone',
    'group-name': () => region.id,
    'opt-in-status': () => 'opt-in-not-required',
  }, () => ({}));
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneName: z.id,
      zoneState: 'available',
      regionName: region.id,
      zoneId: zoneIdOf(region, z),
      zoneType: 'availability-zone',
      optInStatus: 'opt-in-not-required',
      groupName: region.id,
      networkBorderGroup: region.id,
      messageSet: [],
    })),
  };
};

// ---- instance types ---------------------------------------------------------------------

/** Every instance type any AWS region of the catalog offers. */
export function knownInstanceTypes(ctx: Ec2Context): Set<string> {
  return new Set(ctx.world.regions('aws').flatMap((r) => r.zones.flatMap((z) => z.machineTypes.map((m) => m.type))));
}

/** Zones of the scope's region that offer the type (for the Unsupported hint). */
export function zonesOffering(ctx: Ec2Context, type: string): string[] {
  return ctx.region.zones.filter((z) => z.machineTypes.some((m) => m.type === type)).map((z) => z.id);
}

const describeInstanceTypeOfferings: Ec2Action = (ctx) => {
  const locationType = ctx.params.str('LocationType') ?? 'region';
  const region = ctx.region;
  let offerings: { instanceType: string; locationType: string; location: string }[];
  if (locationType === 'region') {
    const types = new Set(region.zones.flatMap((z) => z.machineTypes.map((m) => m.type)));
    offerings = [...types].map((t) => ({ instanceType: t, locationType, location: region.id }));
  } else if (locationType === 'availability-zone' || locationType === 'availability-zone-id') {
    offerings = region.zones.flatMap((z: ZoneSpec) =>
      z.machineTypes.map((m) => ({ instanceType: m.type, locationType, location: locationType === 'availability-zone' ? z.id : zoneIdOf(region, z) })),
    );
  } else {
    throw new Ec2Error('InvalidParameterValue', `Invalid value '${locationType}' for LocationType. Expecting region, availability-zone or availability-zone-id.`);
  }
  offerings = applyFilters(offerings, readFilters(ctx.params), {
    'instance-type': (o) => o.instanceType,
    location: (o) => o.location,
  }, () => ({}));
  const { page, nextToken } = paginate(offerings, (o) => `${o.location}|${o.instanceType}`, ctx.params, { min: 5, max: 1000 });
  return { instanceTypeOfferingSet: page, nextToken };
};

const describeInstanceTypes: Ec2Action = (ctx) => {
  const offered = [...new Set(ctx.region.zones.flatMap((z) => z.machineTypes.map((m) => m.type)))];
  const asked = ctx.params.list('InstanceType');
  const missing = asked.filter((t) => !offered.includes(t));
  if (missing.length) throw new Ec2Error('InvalidInstanceType', `The following supplied instance types do not exist: [${missing.join(', ')}]`);
  const requiresEna = (type: string) => ctx.region.zones.some((z) => z.machineTypes.some((m) => m.type === type && m.requiresEna));
  let types = asked.length ? asked : offered;
  types = applyFilters(types, readFilters(ctx.params), {
    'instance-type': (t) => t,
    'current-generation': (t) => instanceTypeInfo(t).hypervisor === 'nitro',
    'processor-info.supported-architecture': (t) => instanceTypeInfo(t).architecture,
    'vcpu-info.default-vcpus': (t) => instanceTypeInfo(t).vcpus,
    'memory-info.size-in-mib': (t) => instanceTypeInfo(t).memoryMiB,
    hypervisor: (t) => instanceTypeInfo(t).hypervisor,
    'burstable-performance-supported': (t) => instanceTypeInfo(t).burstable,
    'network-info.ena-support': (t) => (requiresEna(t) ? 'required' : 'unsupported'),
  }, () => ({}));
  const { page, nextToken } = paginate(types, (t) => t, ctx.params, { min: 5, max: 100 });
  return {
    instanceTypeSet: page.map((type): XmlObject => {
      const info = instanceTypeInfo(type);
      return {
        instanceType: type,
        currentGeneration: info.hypervisor === 'nitro',
        freeTierEligible: type === 't2.micro' || type === 't3.micro',
        supportedUsageClasses: ['on-demand', 'spot'],
        supportedRootDeviceTypes: ['ebs'],
        supportedVirtualizationTypes: ['hvm'],
        bareMetal: false,
        hypervisor: info.hypervisor,
        processorInfo: { supportedArchitectures: [info.architecture] },
        vCpuInfo: { defaultVCpus: info.vcpus, defaultCores: Math.max(1, Math.floor(info.vcpus / 2)), defaultThreadsPerCore: info.vcpus > 1 ? 2 : 1 },
        memoryInfo: { sizeInMiB: info.memoryMiB },
        instanceStorageSupported: false,
        ebsInfo: { ebsOptimizedSupport: info.hypervisor === 'nitro' ? 'default' : 'unsupported', encryptionSupport: 'supported', nvmeSupport: info.hypervisor === 'nitro' ? 'required' : 'unsupported' },
        networkInfo: {
          networkPerformance: info.network,
          maximumNetworkInterfaces: 3,
          ipv4AddressesPerInterface: 6,
          ipv6Supported: info.hypervisor === 'nitro',
          enaSupport: requiresEna(type) ? 'required' : 'unsupported',
        },
        burstablePerformanceSupported: info.burstable,
      };
    }),
    nextToken,
  };
};

export const regionActions: Record<string, Ec2Action> = {
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
  DescribeInstanceTypes: describeInstanceTypes,
};
