// Options of Packer's `amazon-ebs` builder (1.6.6; reference ec2-api.md §5), with defaults and
// Prepare-time checks. Credentials may be empty (the console supplies the account's keys);
// options that would read the server's files or other secret stores are refused. Spot
// instances are not supported, so `instance_type` is always required.
import { z } from 'zod';
import type { DraftIssue } from '../issues';
import {
  communicatorShape, exclusive, notSupported, zBool, zCidr, zFilePath, zInt, zRequired, zStr, zStrList, zStrMap,
  type ComponentRef,
} from '../schema-kit';

export const EBS_VOLUME_TYPES = ['standard', 'io1', 'io2', 'gp2', 'gp3', 'sc1', 'st1'] as const;

/** Template data amazon-ebs offers (`{{ .Name }}`), known only while the build runs. */
export const AMAZON_BUILD_FIELDS = ['BuildRegion', 'SourceAMI', 'SourceAMICreationDate', 'SourceAMIName', 'SourceAMIOwner', 'SourceAMIOwnerName', 'SourceAMITags'] as const;
/** Options in which Packer renders that data (the rest are interpolated at Prepare time). */
export const AMAZON_FIELD_OPTIONS = ['ami_description', 'tags', 'snapshot_tags', 'run_tags', 'run_volume_tags', 'spot_tags'] as const;

const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]+$/;

const ZBlockDevice = z.strictObject({
  device_name: zStr.optional(),
  delete_on_termination: zBool.optional(),
  encrypted: zBool.optional(),
  iops: zInt.optional(),
  throughput: zInt.optional(),
  kms_key_id: zStr.optional(),
  no_device: zBool.optional(),
  snapshot_id: zStr.optional(),
  virtual_name: zStr.optional(),
  volume_size: zInt.optional(),
  volume_type: z.enum(EBS_VOLUME_TYPES).optional(),
});

const ZFilterSet = z.strictObject({
  filters: zStrMap.default({}),
  most_free: zBool.optional(),
  random: zBool.optional(),
});

export const ZAmazonEbsConfig = z.strictObject({
  // AccessConfig
  access_key: zStr.optional(),
  secret_key: zStr.optional(),
  token: zStr.optional(),
  region: zRequired,
  custom_endpoint_ec2: zStr.pipe(z.url({ error: 'must be a URL such as "https://ec2.us-east-1.amazonaws.com"' })).optional(),
  skip_region_validation: zBool.default(false),
  insecure_skip_tls_verify: zBool.default(false),
  max_retries: zInt.optional(),
  mfa_code: zStr.optional(),
  skip_metadata_api_check: zBool.optional(),
  skip_credential_validation: zBool.optional(),
  decode_authorization_messages: zBool.optional(),
  aws_polling: z.strictObject({ delay_seconds: zInt.optional(), max_attempts: zInt.optional() }).optional(),
  profile: notSupported('credentials come from the console\'s cloud account, not from a profile on the server'),
  shared_credentials_file: notSupported('credentials come from the console\'s cloud account, not from a file on the server'),
  vault_aws_engine: notSupported('credentials come from the console\'s cloud account, not from Vault'),
  // Source
  source_ami: zStr.optional(),
  source_ami_filter: z.strictObject({
    filters: zStrMap.default({}),
    owners: zStrList.pipe(z.array(z.string()).min(1, { error: 'must name at least one owner ("self", "amazon" or an account id); Packer requires it for security' })),
    most_recent: zBool.default(false),
  }).optional(),
  // Run
  instance_type: zRequired,
  availability_zone: zStr.optional(),
  subnet_id: zStr.optional(),
  subnet_filter: ZFilterSet.optional(),
  vpc_id: zStr.optional(),
  vpc_filter: ZFilterSet.optional(),
  security_group_id: zStr.optional(),
  security_group_ids: zStrList.optional(),
  security_group_filter: ZFilterSet.optional(),
  temporary_security_group_source_cidrs: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(zCidr)).default(['0.0.0.0/0']),
  associate_public_ip_address: zBool.default(false),
  iam_instance_profile: zStr.optional(),
  skip_profile_validation: zBool.optional(),
  shutdown_behavior: z.enum(['stop', 'terminate']).default('stop'),
  user_data: zStr.optional(),
  user_data_file: zFilePath.optional(),
  disable_stop_instance: zBool.default(false),
  ebs_optimized: zBool.default(false),
  enable_t2_unlimited: zBool.default(false),
  tenancy: z.enum(['default', 'dedicated', 'host']).optional(),
  ssh_interface: z.enum(['public_ip', 'private_ip', 'public_dns', 'private_dns', 'session_manager']).optional(),
  run_tags: zStrMap.default({}),
  run_volume_tags: zStrMap.default({}),
  launch_block_device_mappings: z.array(ZBlockDevice).default([]),
  // AMI
  ami_name: zRequired.superRefine((v, ctx) => {
    if (v.includes('{{')) return;
    if (v.length < 3 || v.length > 128) ctx.addIssue({ code: 'custom', message: `must be 3–128 characters long, got ${v.length}` });
    else if (!AMI_NAME.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'may only hold letters, digits, ( ) [ ] spaces . / - \' @ _ (wrap it in {{clean_resource_name …}} to clean it)' });
    }
  }),
  ami_description: zStr.optional(),
  ami_virtualization_type: z.enum(['hvm', 'paravirtual']).optional(),
  ami_users: zStrList.default([]),
  ami_groups: zStrList.default([]),
  ami_product_codes: zStrList.default([]),
  ami_regions: zStrList.default([]),
  ami_block_device_mappings: z.array(ZBlockDevice).default([]),
  snapshot_users: zStrList.default([]),
  snapshot_groups: zStrList.default([]),
  tags: zStrMap.default({}),
  snapshot_tags: zStrMap.default({}),
  force_deregister: zBool.default(false),
  force_delete_snapshot: zBool.default(false),
  encrypt_boot: zBool.optional(),
  kms_key_id: zStr.optional(),
  region_kms_key_ids: zStrMap.optional(),
  skip_save_build_region: zBool.default(false),
  ena_support: zBool.optional(),
  sriov_support: zBool.optional(),
  ...communicatorShape,
  ssh_username: zStr.optional(),
});

export type TAmazonEbsConfig = z.output<typeof ZAmazonEbsConfig>;

/** Instance families on Xen (no ENA needed); every other current family runs on Nitro and needs ENA. */
const XEN_FAMILIES = new Set(['t1', 't2', 'm1', 'm2', 'm3', 'm4', 'c1', 'c3', 'c4', 'r3', 'r4', 'i2', 'i3', 'd2', 'g2', 'g3', 'p2', 'p3', 'h1', 'f1', 'x1', 'x1e', 'cc2', 'cr1', 'hs1', 'hi1']);

export function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[0] ?? instanceType;
}

/** True for Nitro instance types (t3, t3a, t4g, c5, m5, m6i…), which only boot images with ENA. */
export function requiresEna(instanceType: string): boolean {
  return !XEN_FAMILIES.has(instanceFamily(instanceType));
}

export function amazonCrossChecks(ref: ComponentRef, c: Record<string, unknown>): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const set = (k: string): boolean => c[k] !== undefined && c[k] !== '';
  if (!set('source_ami') && !set('source_ami_filter')) {
    issues.push({
      code: 'BUILDER_OPTION_REQUIRED',
      path: ref.path,
      message: `${ref.label}: a "source_ami" or "source_ami_filter" must be specified.`,
      hint: 'Add "source_ami": "ami-…" or "source_ami_filter": { "filters": { "name": "…" }, "owners": ["amazon"], "most_recent": true }.',
      params: { label: ref.label, type: ref.type, field: 'source_ami', detail: 'source_ami or source_ami_filter must be set' },
    });
  }
  if (set('access_key') !== set('secret_key')) {
    issues.push({
      code: 'OPTIONS_TOGETHER',
      path: [...ref.path, set('access_key') ? 'access_key' : 'secret_key'],
      key: true,
      message: `${ref.label}: "access_key" and "secret_key" must be set together.`,
      hint: 'Set both, or neither (the console then uses the keys of the cloud account).',
      params: { label: ref.label, type: ref.type, options: 'access_key, secret_key', detail: 'both or neither' },
    });
  }
  const communicator = c['communicator'] ?? 'ssh';
  if (communicator === 'ssh' && !set('ssh_username')) {
    issues.push({
      code: 'BUILDER_OPTION_REQUIRED',
      path: ref.path,
      message: `${ref.label}: an "ssh_username" must be specified (the login of the source AMI, e.g. "ubuntu" or "ec2-user").`,
      hint: 'Add "ssh_username": "ubuntu" (Ubuntu AMIs) or "ec2-user" (Amazon Linux).',
      params: { label: ref.label, type: ref.type, field: 'ssh_username', detail: 'must be set when communicator is ssh' },
    });
  }
  issues.push(...exclusive(ref, c, ['security_group_id', 'security_group_ids']));
  issues.push(...exclusive(ref, c, ['user_data', 'user_data_file']));
  return issues;
}
