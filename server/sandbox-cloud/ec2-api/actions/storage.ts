import { tagSet } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { RETURN_TRUE } from '../context';
import { checkIdShape, Ec2Error, notFound } from '../errors';
import { applyFilters, paginate } from '../filters';
import { readFilters } from '../query';
import { ec2Extras, permissionsOf } from '../state';
import type { XmlObject } from '../xml';
import type { Snapshot, Volume } from '../../world/types';
import { applyPermissionChanges, permissionChanges } from './images';

// EBS snapshots and volumes. Packer tags the snapshots behind its AMIs, deletes them after
// deregistering on failure or force_deregister, and after terminating its instance looks for
// leftover volumes (DescribeVolumes with a volume-id filter) to delete those still `available`.

function ownSnapshots(ctx: Ec2Context): Snapshot[] {
  return [...ctx.world.snapshots.values()].filter(
    (s) => s.cloud === 'aws' && s.region === ctx.region.id && s.ownerId === ctx.account.id && s.state !== 'deleted',
  );
}

function findSnapshot(ctx: Ec2Context, id: string): Snapshot {
  checkIdShape(id, 'snap-');
  const snap = ownSnapshots(ctx).find((s) => s.id === id);
  if (!snap) throw notFound(id);
  return snap;
}

function snapshotDescription(ctx: Ec2Context, s: Snapshot): string {
  const image = s.imageId ? ctx.world.images.get(s.imageId) : undefined;
  if (!image) return '';
  if (image.sourceRegion) return `Copied for DestinationAmi ${image.id} from SourceAmi ${image.sourceImageId} for SourceSnapshot in ${image.sourceRegion}`;
  const host = s.volumeId ? ctx.world.volumes.get(s.volumeId)?.hostId : undefined;
  return `Created by CreateImage(${host ?? 'unknown'}) for ${image.id}`;
}

function snapshotView(ctx: Ec2Context, s: Snapshot): XmlObject {
  return {
    snapshotId: s.id,
    volumeId: s.volumeId ?? 'vol-ffffffff',
    status: s.state,
    startTime: new Date(s.createdAt),
    progress: s.state === 'completed' ? '100%' : '0%',
    ownerId: s.ownerId,
    volumeSize: s.sizeGb,
    description: snapshotDescription(ctx, s),
    encrypted: false,
    storageTier: 'standard',
    tagSet: tagSet(s.tags),
  };
}

const describeSnapshots: Ec2Action = (ctx) => {
  const { params } = ctx;
  const ids = params.list('SnapshotId');
  ids.forEach((id) => checkIdShape(id, 'snap-'));
  let snaps = ownSnapshots(ctx);
  const missing = ids.filter((id) => !snaps.some((s) => s.id === id));
  if (missing.length) throw notFound(missing[0]!);
  if (ids.length) snaps = snaps.filter((s) => ids.includes(s.id));
  const owners = params.list('Owner');
  if (owners.length) snaps = snaps.filter((s) => owners.some((o) => o === 'self' || o === s.ownerId));
  snaps = applyFilters(
    snaps,
    readFilters(params),
    {
      'snapshot-id': (s) => s.id,
      'volume-id': (s) => s.volumeId,
      status: (s) => s.state,
      'owner-id': (s) => s.ownerId,
      'volume-size': (s) => s.sizeGb,
      description: (s) => snapshotDescription(ctx, s),
      encrypted: () => false,
      progress: (s) => (s.state === 'completed' ? '100%' : '0%'),
      'start-time': (s) => new Date(s.createdAt).toISOString(),
      'storage-tier': () => 'standard',
    },
    (s) => s.tags,
  );
  const { page, nextToken } = paginate(snaps, (s) => s.id, params, { min: 5, max: 1000 });
  return { snapshotSet: page.map((s) => snapshotView(ctx, s)), nextToken };
};

const deleteSnapshot: Ec2Action = (ctx) => {
  const snap = findSnapshot(ctx, ctx.params.required('SnapshotId'));
  const user = [...ctx.world.images.values()].find((i) => i.state !== 'deleted' && i.snapshotIds.includes(snap.id));
  if (user) throw new Ec2Error('InvalidSnapshot.InUse', `The snapshot ${snap.id} is currently in use by ${user.id}`);
  snap.state = 'deleted';
  return RETURN_TRUE;
};

const modifySnapshotAttribute: Ec2Action = (ctx) => {
  const snap = findSnapshot(ctx, ctx.params.required('SnapshotId'));
  const attribute = ctx.params.str('Attribute');
  if (attribute && attribute !== 'createVolumePermission') {
    throw new Ec2Error('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Only createVolumePermission can be modified.`);
  }
  const changes = permissionChanges(ctx, 'CreateVolumePermission');
  if (!changes.any) throw new Ec2Error('InvalidParameterCombination', 'No attributes specified.');
  applyPermissionChanges(permissionsOf(ec2Extras(ctx.world).volumePermissions, snap.id), changes);
  return RETURN_TRUE;
};

const describeSnapshotAttribute: Ec2Action = (ctx) => {
  const snap = findSnapshot(ctx, ctx.params.required('SnapshotId'));
  const attribute = ctx.params.required('Attribute');
  if (attribute === 'createVolumePermission') {
    const perms = ec2Extras(ctx.world).volumePermissions.get(snap.id);
    return {
      snapshotId: snap.id,
      createVolumePermission: [...[...(perms?.groups ?? [])].map((group) => ({ group })), ...[...(perms?.userIds ?? [])].map((userId) => ({ userId }))],
    };
  }
  if (attribute === 'productCodes') return { snapshotId: snap.id, productCodes: [] };
  throw new Ec2Error('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
};

// ---- volumes ----------------------------------------------------------------------------

function ownVolumes(ctx: Ec2Context): Volume[] {
  return [...ctx.world.volumes.values()].filter(
    (v) => v.cloud === 'aws' && v.region === ctx.region.id && v.ownerId === ctx.account.id && v.state !== 'deleted',
  );
}

function attachmentOf(ctx: Ec2Context, v: Volume): XmlObject | undefined {
  if (!v.hostId || v.state !== 'in-use') return undefined;
  const host = ctx.world.hosts.get(v.hostId);
  return {
    volumeId: v.id,
    instanceId: v.hostId,
    device: v.device,
    status: host?.state === 'terminating' ? 'detaching' : 'attached',
    attachTime: new Date(host?.createdAt ?? v.createdAt),
    deleteOnTermination: v.deleteOnTermination,
  };
}

function volumeView(ctx: Ec2Context, v: Volume): XmlObject {
  const attachment = attachmentOf(ctx, v);
  return {
    volumeId: v.id,
    size: v.sizeGb,
    snapshotId: v.snapshotId ?? '',
    availabilityZone: v.zone,
    status: v.state,
    createTime: new Date(v.createdAt),
    volumeType: v.type,
    iops: v.type === 'gp2' ? Math.min(16000, Math.max(100, v.sizeGb * 3)) : undefined,
    encrypted: false,
    multiAttachEnabled: false,
    attachmentSet: attachment ? [attachment] : [],
    tagSet: tagSet(v.tags),
  };
}

const describeVolumes: Ec2Action = (ctx) => {
  const { params } = ctx;
  const ids = params.list('VolumeId');
  ids.forEach((id) => checkIdShape(id, 'vol-'));
  let volumes = ownVolumes(ctx);
  const missing = ids.filter((id) => !volumes.some((v) => v.id === id));
  if (missing.length) throw notFound(missing[0]!);
  if (ids.length) volumes = volumes.filter((v) => ids.includes(v.id));
  volumes = applyFilters(
    volumes,
    readFilters(params),
    {
      'volume-id': (v) => v.id,
      status: (v) => v.state,
      size: (v) => v.sizeGb,
      'snapshot-id': (v) => v.snapshotId,
      'availability-zone': (v) => v.zone,
      'volume-type': (v) => v.type,
      encrypted: () => false,
      'multi-attach-enabled': () => false,
      'create-time': (v) => new Date(v.createdAt).toISOString(),
      'attachment.instance-id': (v) => (v.state === 'in-use' ? v.hostId : undefined),
      'attachment.device': (v) => (v.state === 'in-use' ? v.device : undefined),
      'attachment.status': (v) => (attachmentOf(ctx, v)?.status as string | undefined),
      'attachment.delete-on-termination': (v) => (v.state === 'in-use' ? v.deleteOnTermination : undefined),
    },
    (v) => v.tags,
  );
  const { page, nextToken } = paginate(volumes, (v) => v.id, params, { min: 5, max: 500 });
  return { volumeSet: page.map((v) => volumeView(ctx, v)), nextToken };
};

const deleteVolume: Ec2Action = (ctx) => {
  const id = ctx.params.required('VolumeId');
  checkIdShape(id, 'vol-');
  const volume = ownVolumes(ctx).find((v) => v.id === id);
  if (!volume) throw notFound(id);
  if (volume.state === 'in-use') throw new Ec2Error('VolumeInUse', `Volume ${id} is currently attached to ${volume.hostId}`);
  volume.state = 'deleted';
  return RETURN_TRUE;
};

export const storageActions: Record<string, Ec2Action> = {
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
  ModifySnapshotAttribute: modifySnapshotAttribute,
  DescribeSnapshotAttribute: describeSnapshotAttribute,
  DescribeVolumes: describeVolumes,
  DeleteVolume: deleteVolume,
};

