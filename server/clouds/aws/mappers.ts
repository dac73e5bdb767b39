import type { Image, Instance, Tag } from '@aws-sdk/client-ec2';
import type { HostInfo, HostState, ImageInfo, ImageState } from '@/server/clouds/provider';
import { parseOs } from '@/server/clouds/os-info';

// EC2 shapes → the provider's vocabulary (reference ec2-api.md §3.1 for the state words).

const IMAGE_STATES: Record<string, ImageState> = {
  available: 'available',
  pending: 'pending',
  transient: 'pending',
  failed: 'failed',
  error: 'failed',
  invalid: 'failed',
  deregistered: 'deleted',
  disabled: 'deleted',
};

const HOST_STATES: Record<string, HostState> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};

/** The EBS volume types a boot disk can be (st1/sc1 cannot boot). */
export const EBS_BOOT_VOLUME_TYPES = ['gp2', 'gp3', 'io1', 'standard'];

export function fromTags(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

export function toTags(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function toImageInfo(region: string, image: Image): ImageInfo {
  const vendorState = image.State ?? '';
  const root = image.BlockDeviceMappings?.find((b) => b.DeviceName === image.RootDeviceName) ?? image.BlockDeviceMappings?.[0];
  const created = image.CreationDate ? new Date(image.CreationDate) : null;
  const state = IMAGE_STATES[vendorState] ?? 'unknown';
  return {
    id: image.ImageId ?? '',
    region,
    name: image.Name ?? '',
    description: image.Description ?? '',
    state,
    vendorState,
    // Amazon's and marketplace AMIs carry an owner alias; an account's own AMIs do not.
    kind: image.ImageOwnerAlias ? 'base' : 'custom',
    ...parseOs(image.Name, image.Description),
    osName: image.Description || image.Name || '',
    architecture: image.Architecture ?? '',
    sizeGb: root?.Ebs?.VolumeSize ?? null,
    createdAt: created && !Number.isNaN(created.getTime()) ? created : null,
    enaSupport: image.EnaSupport ?? false,
    tags: fromTags(image.Tags),
    failureReason: state === 'failed' ? image.StateReason?.Message : undefined,
  };
}

export function toHostInfo(region: string, i: Instance): HostInfo {
  const vendorState = i.State?.Name ?? '';
  const state = HOST_STATES[vendorState] ?? 'unknown';
  return {
    id: i.InstanceId ?? '',
    region,
    zone: i.Placement?.AvailabilityZone ?? '',
    state,
    vendorState,
    publicIp: i.PublicIpAddress ?? null,
    privateIp: i.PrivateIpAddress ?? null,
    imageId: i.ImageId ?? '',
    hostType: i.InstanceType ?? '',
    // EBS boot volumes are usable as soon as the instance is; there is no UCloud-style init.
    bootDiskReady: state === 'running' || state === 'stopped',
    tags: fromTags(i.Tags),
    stateReason: i.StateReason?.Message || undefined,
  };
}
