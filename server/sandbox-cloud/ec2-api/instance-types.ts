// Sizes of the EC2 instance types the catalog offers (AWS's published figures). The world
// only knows type names; RunInstances needs cpu/memory for the host, DescribeInstanceTypes
// reports them.

export interface InstanceTypeInfo {
  vcpus: number;
  memoryMiB: number;
  architecture: 'x86_64' | 'arm64';
  hypervisor: 'nitro' | 'xen';
  burstable: boolean;
  network: string;
}

const t = (vcpus: number, memoryMiB: number, architecture: 'x86_64' | 'arm64', hypervisor: 'nitro' | 'xen', burstable: boolean, network: string): InstanceTypeInfo => ({
  vcpus,
  memoryMiB,
  architecture,
  hypervisor,
  burstable,
  network,
});

export const INSTANCE_TYPES: Record<string, InstanceTypeInfo> = {
  't3.micro': t(2, 1024, 'x86_64', 'nitro', true, 'Up to 5 Gigabit'),
  't3.small': t(2, 2048, 'x86_64', 'nitro', true, 'Up to 5 Gigabit'),
  't3.medium': t(2, 4096, 'x86_64', 'nitro', true, 'Up to 5 Gigabit'),
  't3.large': t(2, 8192, 'x86_64', 'nitro', true, 'Up to 5 Gigabit'),
  'c5.large': t(2, 4096, 'x86_64', 'nitro', false, 'Up to 10 Gigabit'),
  'c5.xlarge': t(4, 8192, 'x86_64', 'nitro', false, 'Up to 10 Gigabit'),
  'm5.large': t(2, 8192, 'x86_64', 'nitro', false, 'Up to 10 Gigabit'),
  'm5.xlarge': t(4, 16384, 'x86_64', 'nitro', false, 'Up to 10 Gigabit'),
  't2.micro': t(1, 1024, 'x86_64', 'xen', true, 'Low to Moderate'),
  't2.small': t(1, 2048, 'x86_64', 'xen', true, 'Low to Moderate'),
  't2.medium': t(2, 4096, 'x86_64', 'xen', true, 'Low to Moderate'),
  'm4.large': t(2, 8192, 'x86_64', 'xen', false, 'Moderate'),
  'c4.large': t(2, 3840, 'x86_64', 'xen', false, 'Moderate'),
  't4g.small': t(2, 2048, 'arm64', 'nitro', true, 'Up to 5 Gigabit'),
  'c6g.large': t(2, 4096, 'arm64', 'nitro', false, 'Up to 10 Gigabit'),
};

/** Types missing from the table (a catalog someone extended) get a modest default. */
export function instanceTypeInfo(type: string): InstanceTypeInfo {
  return INSTANCE_TYPES[type] ?? t(2, 4096, /^[a-z]+\d+g/.test(type) ? 'arm64' : 'x86_64', 'nitro', false, 'Moderate');
}
