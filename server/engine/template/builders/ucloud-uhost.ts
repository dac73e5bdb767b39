// Options of Packer's `ucloud-uhost` builder (reference ucloud-api.md §3.1–3.3), with its
// defaults and its Prepare-time checks. Credentials (public_key, private_key, project_id) may be
// empty: the console fills them from the cloud account a build runs with. `profile` and
// `shared_credentials_file` would read the server's files and are refused.
import { z } from 'zod';
import type { DraftIssue } from '../issues';
import {
  communicatorShape, exclusive, notSupported, zBool, zFilePath, zInt, zRequired, zStr,
  type ComponentRef,
} from '../schema-kit';

export const UCLOUD_BOOT_DISK_TYPES = ['cloud_ssd', 'local_normal', 'local_ssd', 'cloud_rssd'] as const;
export const UCLOUD_EIP_CHARGE_MODES = ['traffic', 'bandwidth', 'post_accurate_bandwidth'] as const;
export const UCLOUD_MIN_CPU_PLATFORMS = [
  'Intel/Auto', 'Intel/IvyBridge', 'Intel/Haswell', 'Intel/Broadwell', 'Intel/Skylake', 'Intel/Cascadelake', 'Amd/Auto', 'Amd/Epyc2',
] as const;

/** Boot disk types each machine family takes (reference §2.14). */
export const UCLOUD_BOOT_DISKS_BY_MACHINE: Record<string, readonly string[]> = {
  N: ['local_normal', 'cloud_ssd', 'local_ssd'],
  C: ['local_ssd', 'cloud_ssd'],
  O: ['cloud_rssd'],
};

const IMAGE_NAME = /^[A-Za-z0-9\p{Script=Han}\-_[\]:,.]{1,63}$/u;
const INSTANCE_NAME = /^[A-Za-z0-9\p{Script=Han}\-_.]{1,63}$/u;
const IMAGE_NAME_RULE = 'must be 1–63 characters: letters, digits, Chinese characters and - _ , . : [ ]';

export interface UHostSpec {
  machineType: 'N' | 'C' | 'O';
  cpu: number;
  memoryGb: number;
}

const SCALE_GB: Record<string, number> = { highcpu: 1, basic: 2, standard: 4, highmem: 8 };

/** Parses `instance_type` with Packer's rules (reference §3.3); a string is the reason it is invalid. */
export function parseUcloudInstanceType(value: string): UHostSpec | string {
  const parts = value.split('-');
  const [host = '', scale = '', cpuText = ''] = parts;
  if (!['n', 'o', 'c'].includes(host)) return `must start with a host type n, o or c (e.g. "n-basic-2"), got "${value}"`;
  if (scale === 'customized') {
    if (host !== 'n') return 'customized sizes exist only for host type n ("n-customized-<cpu>-<memGB>")';
    if (parts.length !== 4) return 'must look like "n-customized-<cpu>-<memGB>"';
    const cpu = Number(cpuText);
    const mem = Number(parts[3]);
    if (!Number.isInteger(cpu) || !Number.isInteger(mem)) return 'cpu and memory must be whole numbers';
    if (cpu !== 1 && cpu % 2 !== 0) return `cpu must be 1 or even, got ${cpu}`;
    if (mem !== 1 && mem % 2 !== 0) return `memory must be 1 or even (GB), got ${mem}`;
    if (cpu < 1 || cpu > 32) return `cpu must be 1–32, got ${cpu}`;
    if (mem < 1 || mem > 128) return `memory must be 1–128 GB, got ${mem}`;
    const ratio = mem / cpu;
    if (ratio < 0.5 || ratio > 12) return 'the memory:cpu ratio must be between 1:2 and 12:1';
    const named = Object.entries(SCALE_GB).find(([, gb]) => gb === ratio);
    if (named) return `use the named size "n-${named[0]}-${cpu}" instead of a customized one`;
    return { machineType: 'N', cpu, memoryGb: mem };
  }
  if (parts.length !== 3) return `must look like "<host>-<scale>-<cpu>" (e.g. "n-basic-2"), got "${value}"`;
  const perCpu = SCALE_GB[scale];
  if (perCpu === undefined) return `scale must be highcpu, basic, standard, highmem or customized, got "${scale}"`;
  const cpu = Number(cpuText);
  if (!/^\d+$/.test(cpuText)) return `cpu must be a whole number, got "${cpuText}"`;
  if (cpu !== 1 && cpu % 2 !== 0) return `cpu must be 1 or even, got ${cpu}`;
  if (host === 'o') {
    if (![2, 4, 8, 16, 32, 64, 96].includes(cpu)) return `o hosts take 2, 4, 8, 16, 32, 64 or 96 cpus, got ${cpu}`;
    if (scale === 'highmem' && cpu === 64) return 'o-highmem-64 does not exist';
  } else {
    if (cpu < 1 || cpu > 32) return `cpu must be 1–32, got ${cpu}`;
    if (scale === 'highmem' && cpu > 16) return `highmem sizes go up to 16 cpus, got ${cpu}`;
  }
  return { machineType: host.toUpperCase() as 'N' | 'C' | 'O', cpu, memoryGb: cpu * perCpu };
}

/** UCloud's Linux password rule: 8–30 legal characters, at least two classes. */
function passwordProblem(p: string): string | undefined {
  if (p.includes('{{')) return undefined;
  if (p.length < 8 || p.length > 30) return 'must be 8–30 characters';
  if (!/^[A-Za-z0-9()`~!@#$%^&*\-+=_|{}[\]:;'<>,.?/]+$/.test(p)) return 'may only hold letters, digits and ()`~!@#$%^&*-+=_|{}[]:;\'<>,.?/';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length;
  return classes < 2 ? 'must mix at least two of: upper case, lower case, digits, symbols' : undefined;
}

const imageName = (required: boolean) => (required ? zRequired : zStr).refine((v) => v.includes('{{') || IMAGE_NAME.test(v), { error: IMAGE_NAME_RULE });

export const ZUcloudImageCopyMapping = z.strictObject({
  project_id: zRequired,
  region: zRequired,
  name: imageName(false).optional(),
  description: zStr.optional(),
});

export const ZUcloudUhostConfig = z.strictObject({
  // AccessConfig
  public_key: zStr.default(''),
  private_key: zStr.default(''),
  region: zRequired,
  project_id: zStr.default(''),
  base_url: zStr.pipe(z.url({ error: 'must be a URL such as "https://api.ucloud.cn"' })).optional(),
  profile: notSupported('credentials come from the console\'s cloud account, not from a profile on the server'),
  shared_credentials_file: notSupported('credentials come from the console\'s cloud account, not from a file on the server'),
  // ImageConfig
  image_name: imageName(true),
  image_description: zStr.default(''),
  image_copy_to_mappings: z.array(ZUcloudImageCopyMapping).default([]),
  wait_image_ready_timeout: zInt.transform((v) => (v <= 0 ? 3600 : v)).default(3600),
  // RunConfig
  availability_zone: zRequired,
  source_image_id: zRequired,
  instance_type: zRequired.superRefine((v, ctx) => {
    const parsed = parseUcloudInstanceType(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  }),
  instance_name: zStr.refine((v) => v.includes('{{') || INSTANCE_NAME.test(v), { error: 'must be 1–63 characters: letters, digits, Chinese characters and - _ .' }).optional(),
  boot_disk_type: z.enum(UCLOUD_BOOT_DISK_TYPES).default('cloud_ssd'),
  boot_disk_size: zInt.pipe(z.number().min(20, { error: 'must be at least 20 (GB)' }).max(500, { error: 'must be at most 500 (GB)' })).optional(),
  vpc_id: zStr.optional(),
  subnet_id: zStr.optional(),
  security_group_id: zStr.optional(),
  eip_bandwidth: zInt.pipe(z.number().min(0, { error: 'must not be negative' })).transform((v) => (v === 0 ? 10 : v)).default(10),
  eip_charge_mode: z.enum(UCLOUD_EIP_CHARGE_MODES).default('traffic'),
  user_data: zStr.optional(),
  user_data_file: zFilePath.optional(),
  min_cpu_platform: z.enum(UCLOUD_MIN_CPU_PLATFORMS).default('Intel/Auto'),
  use_ssh_private_ip: zBool.default(false),
  // Communicator (ssh only in practice; root for CentOS, ubuntu for Ubuntu images)
  ...communicatorShape,
  ssh_username: zStr.default('root'),
  ssh_password: zStr.superRefine((v, ctx) => {
    const problem = passwordProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
});

export type TUcloudUhostConfig = z.output<typeof ZUcloudUhostConfig>;

/** Packer's cross-option checks (Prepare), run on the interpolated options whatever the schema said. */
export function ucloudCrossChecks(ref: ComponentRef, c: Record<string, unknown>): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const hasVpc = typeof c['vpc_id'] === 'string' && c['vpc_id'] !== '';
  const hasSubnet = typeof c['subnet_id'] === 'string' && c['subnet_id'] !== '';
  if (hasVpc !== hasSubnet) {
    issues.push({
      code: 'OPTIONS_TOGETHER',
      path: [...ref.path, hasVpc ? 'subnet_id' : 'vpc_id'],
      message: `${ref.label}: expected both "vpc_id" and "subnet_id" to be set or neither.`,
      hint: `Add "${hasVpc ? 'subnet_id' : 'vpc_id'}" or remove "${hasVpc ? 'vpc_id' : 'subnet_id'}".`,
      params: { label: ref.label, type: ref.type, options: 'vpc_id, subnet_id', detail: 'both or neither' },
    });
  }
  const privateIp = c['use_ssh_private_ip'] === true || c['use_ssh_private_ip'] === 'true';
  if (privateIp && !hasVpc) {
    issues.push({
      code: 'OPTIONS_TOGETHER',
      path: [...ref.path, 'use_ssh_private_ip'],
      message: `${ref.label}: "use_ssh_private_ip" needs "vpc_id" (and "subnet_id"): the build host gets no public IP and is reached inside that VPC.`,
      hint: 'Set "vpc_id" and "subnet_id", or remove "use_ssh_private_ip".',
      params: { label: ref.label, type: ref.type, options: 'use_ssh_private_ip, vpc_id', detail: 'use_ssh_private_ip needs vpc_id' },
    });
  }
  issues.push(...exclusive(ref, c, ['user_data', 'user_data_file']));
  return issues;
}
