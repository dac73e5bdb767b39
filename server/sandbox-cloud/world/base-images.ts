import { createHash } from 'node:crypto';
import { AMAZON_OWNER_ID, AWS_REGIONS_WITHOUT_ENA_IMAGES, LARGE_CATALOG_REGIONS } from './catalog';
import type { OsSeed } from './rootfs';
import type { Image, RegionSpec } from './types';

export const OS_SEEDS: OsSeed[] = [
  { family: 'Ubuntu', version: '24.04', prettyName: 'Ubuntu 24.04 LTS', id: 'ubuntu', idLike: 'debian', defaultUser: 'ubuntu' },
  { family: 'Ubuntu', version: '22.04', prettyName: 'Ubuntu 22.04.4 LTS', id: 'ubuntu', idLike: 'debian', defaultUser: 'ubuntu' },
  { family: 'Ubuntu', version: '20.04', prettyName: 'Ubuntu 20.04.6 LTS', id: 'ubuntu', idLike: 'debian', defaultUser: 'ubuntu' },
  { family: 'Ubuntu', version: '18.04', prettyName: 'Ubuntu 18.04.6 LTS', id: 'ubuntu', idLike: 'debian', defaultUser: 'ubuntu' },
  { family: 'Debian', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', id: 'debian', defaultUser: 'admin' },
  { family: 'Debian', version: '11', prettyName: 'Debian GNU/Linux 11 (bullseye)', id: 'debian', defaultUser: 'admin' },
  { family: 'CentOS', version: '7.9', prettyName: 'CentOS Linux 7 (Core)', id: 'centos', idLike: 'rhel fedora', defaultUser: 'centos' },
  { family: 'Rocky', version: '9.3', prettyName: 'Rocky Linux 9.3 (Blue Onyx)', id: 'rocky', idLike: 'rhel centos fedora', defaultUser: 'rocky' },
  { family: 'Rocky', version: '8.9', prettyName: 'Rocky Linux 8.9 (Green Obsidian)', id: 'rocky', idLike: 'rhel centos fedora', defaultUser: 'rocky' },
  { family: 'AlmaLinux', version: '9.3', prettyName: 'AlmaLinux 9.3 (Shamrock Pampas Cat)', id: 'almalinux', idLike: 'rhel centos fedora', defaultUser: 'ec2-user' },
  { family: 'Amazon Linux', version: '2023', prettyName: 'Amazon Linux 2023', id: 'amzn', idLike: 'fedora', defaultUser: 'ec2-user' },
];

export function osSeedKey(os: OsSeed): string {
  return `${os.id}-${os.version}`;
}

export function findOsSeed(key: string): OsSeed | undefined {
  return OS_SEEDS.find((o) => osSeedKey(o) === key);
}

// Stable ids: the same world always has the same base image ids, so templates can pin them.
function stableId(prefix: string, length: number, ...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('|')).digest();
  if (prefix === 'ami-') return `ami-${hash.toString('hex').slice(0, length)}`;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `${prefix}${Array.from(hash.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('')}`;
}

// Images the example templates pin, so they build against the sandbox unchanged.
const PINNED: Record<string, Record<string, string>> = {
  'cn-bj2': { 'ubuntu-22.04': 'uimage-vmy3ld' },
  'us-east-1': { 'ubuntu-22.04': 'ami-0c7217cdde317cfec' },
};

const UCLOUD_FAMILIES = OS_SEEDS.filter((o) => o.id !== 'amzn' && o.id !== 'almalinux');
const AWS_FAMILIES = OS_SEEDS.filter((o) => o.id !== 'centos');
const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 9, 1);

/**
 * The base images of one region: the current build of every OS family, plus older dated
 * builds (hundreds in the large regions), so that listing them needs paging.
 */
export function generateBaseImages(region: RegionSpec): Image[] {
  const families = region.cloud === 'ucloud' ? UCLOUD_FAMILIES : AWS_FAMILIES;
  const target = Math.max(LARGE_CATALOG_REGIONS[region.id] ?? 24 + (region.id.length % 9), families.length);
  const images: Image[] = [];
  for (let i = 0; i < target; i++) {
    const os = families[i % families.length]!;
    const age = Math.floor(i / families.length); // 0 = newest build of that family
    const createdAt = EPOCH - age * 14 * DAY - (i % families.length) * 3_600_000;
    const date = new Date(createdAt).toISOString().slice(0, 10).replaceAll('-', '');
    const key = osSeedKey(os);
    const pinned = age === 0 ? PINNED[region.id]?.[key] : undefined;
    const common = {
      cloud: region.cloud,
      region: region.id,
      kind: 'base' as const,
      state: 'available' as const,
      osFamily: os.family,
      osVersion: os.version,
      osName: os.prettyName,
      architecture: 'x86_64' as const,
      defaultUser: region.cloud === 'ucloud' ? 'root' : os.defaultUser,
      createdAt,
      rootfs: { seed: key },
      tags: {},
      snapshotIds: [],
    };
    if (region.cloud === 'ucloud') {
      // Older CentOS/Ubuntu 18.04 builds only boot on Intel hosts (field problem #2 in hk).
      const intelOnly = os.id === 'centos' || os.version === '18.04';
      images.push({
        ...common,
        id: pinned ?? stableId('uimage-', 6, region.id, key, String(age)),
        ownerId: 'system',
        name: age === 0 ? `${os.family} ${os.version} 64位` : `${os.family} ${os.version} 64位 (${date})`,
        description: `${os.prettyName} standard image`,
        sizeGb: os.family === 'CentOS' ? 20 : 40,
        features: ['CloudInit', 'NetEnhnced', 'HotPlug', 'IPv6'],
        enaSupport: false,
        cpuPlatforms: intelOnly ? ['Intel/Auto', 'Intel/Cascadelake', 'Intel/IceLake'] : [],
      });
    } else {
      const slug = os.family.toLowerCase().replace(/\s+/g, '');
      images.push({
        ...common,
        id: pinned ?? stableId('ami-', 17, region.id, key, String(age)),
        ownerId: AMAZON_OWNER_ID,
        name: `${slug}/images/hvm-ssd/${slug}-${os.version}-amd64-server-${date}`,
        description: `${os.prettyName} (HVM), SSD volume type, build ${date}`,
        sizeGb: 8,
        features: [],
        enaSupport: !AWS_REGIONS_WITHOUT_ENA_IMAGES.has(region.id),
        cpuPlatforms: [],
      });
    }
  }
  return images;
}
