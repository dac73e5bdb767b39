import type { MachineTypeSpec, RegionSpec, ZoneSpec } from './types';

// Real region and zone ids (UCloud's region list, AWS's public regions). Capabilities are
// made up but shaped like the field problems in PRODUCT.md:
//  #3 cn-gd and th-bkk offer no CLOUD_SSD boot disk (local disks only);
//  #2 hk's N hosts run on AMD EPYC only, so images built for Intel platforms do not boot
//     there; sa-east-1's base AMIs predate ENA, so Nitro instance types (t3, c5, m5…) refuse them.

const UCLOUD_ALL_DISKS = ['CLOUD_SSD', 'CLOUD_RSSD', 'LOCAL_NORMAL', 'LOCAL_SSD'];
const UCLOUD_TYPES: MachineTypeSpec[] = [
  { type: 'N', cpuPlatforms: ['Intel/Auto', 'Intel/Cascadelake', 'Intel/IceLake', 'Amd/Epyc2'] },
  { type: 'C', cpuPlatforms: ['Intel/Auto', 'Intel/Cascadelake'] },
  { type: 'O', cpuPlatforms: ['Intel/Auto', 'Intel/IceLake', 'Amd/Epyc2'] },
];

function uzones(region: string, suffixes: string[], overrides: Partial<ZoneSpec> = {}): ZoneSpec[] {
  return suffixes.map((s) => ({
    id: `${region}-${s}`,
    bootDiskTypes: UCLOUD_ALL_DISKS,
    machineTypes: UCLOUD_TYPES,
    ...overrides,
  }));
}

export const DEFAULT_UCLOUD_REGIONS: RegionSpec[] = [
  { cloud: 'ucloud', id: 'cn-bj2', name: 'North China (Beijing 2)', zones: uzones('cn-bj2', ['02', '03', '05']) },
  { cloud: 'ucloud', id: 'cn-sh2', name: 'East China (Shanghai 2)', zones: uzones('cn-sh2', ['01', '02', '03']) },
  {
    cloud: 'ucloud',
    id: 'cn-gd',
    name: 'South China (Guangzhou)',
    zones: uzones('cn-gd', ['02'], { bootDiskTypes: ['LOCAL_NORMAL', 'LOCAL_SSD'] }),
  },
  {
    cloud: 'ucloud',
    id: 'hk',
    name: 'Hong Kong',
    zones: uzones('hk', ['02', '03'], {
      machineTypes: [{ type: 'N', cpuPlatforms: ['Amd/Epyc2'] }, { type: 'O', cpuPlatforms: ['Amd/Epyc2'] }],
    }),
  },
  { cloud: 'ucloud', id: 'sg', name: 'Singapore', zones: uzones('sg', ['01', '02']) },
  { cloud: 'ucloud', id: 'jpn-tky', name: 'Japan (Tokyo)', zones: uzones('jpn-tky', ['01']) },
  { cloud: 'ucloud', id: 'kr-seoul', name: 'South Korea (Seoul)', zones: uzones('kr-seoul', ['01']) },
  { cloud: 'ucloud', id: 'th-bkk', name: 'Thailand (Bangkok)', zones: uzones('th-bkk', ['02'], { bootDiskTypes: ['LOCAL_NORMAL'] }) },
  { cloud: 'ucloud', id: 'us-ca', name: 'USA (Los Angeles)', zones: uzones('us-ca', ['01']) },
  { cloud: 'ucloud', id: 'us-ws', name: 'USA (Washington)', zones: uzones('us-ws', ['01']) },
  { cloud: 'ucloud', id: 'ge-fra', name: 'Germany (Frankfurt)', zones: uzones('ge-fra', ['01']) },
  { cloud: 'ucloud', id: 'uk-london', name: 'United Kingdom (London)', zones: uzones('uk-london', ['01']) },
  { cloud: 'ucloud', id: 'idn-jakarta', name: 'Indonesia (Jakarta)', zones: uzones('idn-jakarta', ['01']) },
];

const NITRO = ['t3.micro', 't3.small', 't3.medium', 't3.large', 'c5.large', 'c5.xlarge', 'm5.large', 'm5.xlarge'];
const XEN = ['t2.micro', 't2.small', 't2.medium', 'm4.large', 'c4.large'];
const GRAVITON = ['t4g.small', 'c6g.large'];

function azones(region: string, letters: string, opts: { without?: string[] } = {}): ZoneSpec[] {
  const types: MachineTypeSpec[] = [
    ...NITRO.map((type) => ({ type, requiresEna: true })),
    ...XEN.map((type) => ({ type })),
    ...GRAVITON.map((type) => ({ type, requiresEna: true })),
  ].filter((t) => !opts.without?.includes(t.type));
  return [...letters].map((l) => ({ id: `${region}${l}`, bootDiskTypes: ['gp2', 'gp3', 'io1', 'standard'], machineTypes: types }));
}

export const DEFAULT_AWS_REGIONS: RegionSpec[] = [
  { cloud: 'aws', id: 'us-east-1', name: 'US East (N. Virginia)', zones: azones('us-east-1', 'abcdef') },
  { cloud: 'aws', id: 'us-east-2', name: 'US East (Ohio)', zones: azones('us-east-2', 'abc') },
  { cloud: 'aws', id: 'us-west-1', name: 'US West (N. California)', zones: azones('us-west-1', 'ac', { without: GRAVITON }) },
  { cloud: 'aws', id: 'us-west-2', name: 'US West (Oregon)', zones: azones('us-west-2', 'abcd') },
  { cloud: 'aws', id: 'ca-central-1', name: 'Canada (Central)', zones: azones('ca-central-1', 'abd') },
  { cloud: 'aws', id: 'eu-west-1', name: 'Europe (Ireland)', zones: azones('eu-west-1', 'abc') },
  { cloud: 'aws', id: 'eu-west-2', name: 'Europe (London)', zones: azones('eu-west-2', 'abc') },
  { cloud: 'aws', id: 'eu-central-1', name: 'Europe (Frankfurt)', zones: azones('eu-central-1', 'abc') },
  { cloud: 'aws', id: 'ap-south-1', name: 'Asia Pacific (Mumbai)', zones: azones('ap-south-1', 'abc') },
  { cloud: 'aws', id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)', zones: azones('ap-southeast-1', 'abc') },
  { cloud: 'aws', id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)', zones: azones('ap-southeast-2', 'abc') },
  { cloud: 'aws', id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)', zones: azones('ap-northeast-1', 'acd') },
  { cloud: 'aws', id: 'ap-northeast-2', name: 'Asia Pacific (Seoul)', zones: azones('ap-northeast-2', 'abcd') },
  { cloud: 'aws', id: 'sa-east-1', name: 'South America (São Paulo)', zones: azones('sa-east-1', 'ac', { without: GRAVITON }) },
];

/** Regions whose base images lack ENA (field problem #2 on AWS). */
export const AWS_REGIONS_WITHOUT_ENA_IMAGES = new Set(['sa-east-1']);

/** Regions with hundreds of base images, so that paging matters. */
export const LARGE_CATALOG_REGIONS: Record<string, number> = {
  'cn-bj2': 260,
  'cn-sh2': 180,
  'us-east-1': 320,
  'eu-west-1': 140,
};

/** The AWS account that owns the public base AMIs ("amazon"). */
export const AMAZON_OWNER_ID = '137112412989';
