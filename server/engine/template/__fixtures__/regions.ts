// Region capabilities shaped like the sandbox cloud's catalog (server/sandbox-cloud/world/catalog.ts)
// as the providers report them: cn-gd and th-bkk offer no cloud_ssd boot disk (#3); hk's N and O
// hosts run AMD only (#2); sa-east-1's base AMIs lack ENA (#2 on AWS) and it has no Graviton.
import type { CloudKind, RegionInfo, ZoneCapabilities } from '@/server/clouds/provider';
import type { CheckTemplateContext, ImageFacts } from '../check-template';

const ALL_DISKS = ['cloud_rssd', 'cloud_ssd', 'local_normal', 'local_ssd'];
const PLATFORMS = { N: ['Intel/Auto', 'Intel/Cascadelake', 'Intel/IceLake', 'Amd/Epyc2'], C: ['Intel/Auto', 'Intel/Cascadelake'], O: ['Intel/Auto', 'Intel/IceLake', 'Amd/Epyc2'] };

function uzones(region: string, suffixes: string[], over: Partial<ZoneCapabilities> = {}): ZoneCapabilities[] {
  return suffixes.map((s) => ({ zone: `${region}-${s}`, bootDiskTypes: ALL_DISKS, hostTypes: ['C', 'N', 'O'], cpuPlatforms: PLATFORMS, ...over }));
}

export const UCLOUD_REGIONS: RegionInfo[] = [
  { id: 'cn-bj2', name: 'North China (Beijing 2)', zones: uzones('cn-bj2', ['02', '03', '05']) },
  { id: 'cn-sh2', name: 'East China (Shanghai 2)', zones: uzones('cn-sh2', ['01', '02', '03']) },
  { id: 'cn-gd', name: 'South China (Guangzhou)', zones: uzones('cn-gd', ['02'], { bootDiskTypes: ['local_normal', 'local_ssd'] }) },
  { id: 'hk', name: 'Hong Kong', zones: uzones('hk', ['02', '03'], { hostTypes: ['N', 'O'], cpuPlatforms: { N: ['Amd/Epyc2'], O: ['Amd/Epyc2'] } }) },
  { id: 'sg', name: 'Singapore', zones: uzones('sg', ['01', '02']) },
  { id: 'th-bkk', name: 'Thailand (Bangkok)', zones: uzones('th-bkk', ['02'], { bootDiskTypes: ['local_normal'] }) },
  { id: 'us-ca', name: 'USA (Los Angeles)', zones: uzones('us-ca', ['01']) },
];

const NITRO = ['t3.micro', 't3.small', 't3.medium', 'c5.large', 'm5.large'];
const XEN = ['t2.micro', 't2.small', 't2.medium', 'm4.large', 'c4.large'];
const GRAVITON = ['t4g.small', 'c6g.large'];

function azones(region: string, letters: string, withGraviton = true): ZoneCapabilities[] {
  const types = [...NITRO, ...XEN, ...(withGraviton ? GRAVITON : [])].sort();
  return [...letters].map((l) => ({ zone: `${region}${l}`, bootDiskTypes: ['gp2', 'gp3', 'io1', 'standard'], hostTypes: types }));
}

export const AWS_REGIONS: RegionInfo[] = [
  { id: 'us-east-1', name: 'US East (N. Virginia)', zones: azones('us-east-1', 'abc') },
  { id: 'us-east-2', name: 'US East (Ohio)', zones: azones('us-east-2', 'abc') },
  { id: 'us-west-1', name: 'US West (N. California)', zones: azones('us-west-1', 'ac', false) },
  { id: 'eu-west-1', name: 'Europe (Ireland)', zones: azones('eu-west-1', 'abc') },
  { id: 'sa-east-1', name: 'South America (São Paulo)', zones: azones('sa-east-1', 'ac', false) },
];

const IMAGES: Record<string, ImageFacts> = {
  'ucloud/hk/uimage-centos7': { name: 'CentOS 7.9 64位', osFamily: 'CentOS', osVersion: '7.9', createdAt: '2023-01-10T00:00:00.000Z', cpuPlatforms: ['Intel/Auto', 'Intel/Cascadelake', 'Intel/IceLake'] },
  // Replacements of the same OS family in hk: the newest 7.9 that boots anywhere wins over an older 7.6.
  'ucloud/hk/uimage-centos79-any': { name: 'CentOS 7.9 64位 (any CPU)', osFamily: 'CentOS', osVersion: '7.9', createdAt: '2024-05-01T00:00:00.000Z', cpuPlatforms: [] },
  'ucloud/hk/uimage-centos76-any': { name: 'CentOS 7.6 64位', osFamily: 'CentOS', osVersion: '7.6', createdAt: '2024-09-01T00:00:00.000Z', cpuPlatforms: [] },
  'ucloud/hk/uimage-ubuntu22': { name: 'Ubuntu 22.04 64位', osFamily: 'Ubuntu', osVersion: '22.04', cpuPlatforms: [] },
  'ucloud/cn-bj2/uimage-vmy3ld': { name: 'Ubuntu 22.04 64位', osFamily: 'Ubuntu', osVersion: '22.04', cpuPlatforms: [] },
  'aws/sa-east-1/ami-0sa0noena0000000': { name: 'ubuntu/images/hvm-ssd/ubuntu-22.04-amd64-server-20240401', osFamily: 'Ubuntu', osVersion: '22.04', createdAt: '2024-04-01T00:00:00.000Z', enaSupport: false },
  'aws/sa-east-1/ami-0sa0ena000000000': { name: 'ubuntu/images/hvm-ssd/ubuntu-22.04-amd64-server-20240901', osFamily: 'Ubuntu', osVersion: '22.04', createdAt: '2024-09-01T00:00:00.000Z', enaSupport: true },
  'aws/us-east-1/ami-0c7217cdde317cfec': { name: 'ubuntu/images/hvm-ssd/ubuntu-22.04-amd64-server-20240401', osFamily: 'Ubuntu', osVersion: '22.04', enaSupport: true },
};

const byCloud = (cloud: CloudKind): RegionInfo[] => (cloud === 'ucloud' ? UCLOUD_REGIONS : AWS_REGIONS);

/** The inventory as checkTemplate sees it. */
export const inventory: Pick<CheckTemplateContext, 'capabilities' | 'regions' | 'imageInfo' | 'catalog'> = {
  capabilities: (cloud, region) => byCloud(cloud).find((r) => r.id === region),
  regions: byCloud,
  imageInfo: (cloud, region, imageId) => IMAGES[`${cloud}/${region}/${imageId}`],
  catalog: (cloud, region) => Object.entries(IMAGES)
    .filter(([key]) => key.startsWith(`${cloud}/${region}/`))
    .map(([key, facts]) => ({ id: key.split('/')[2] ?? '', ...facts })),
};
