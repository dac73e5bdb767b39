import { createHash } from 'node:crypto';
import { readTagSpecifications, tagSet, visibleTags } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { RETURN_TRUE } from '../context';
import { checkIdShape, Ec2Error, fromSandboxError, notFound } from '../errors';
import { applyFilters, paginate } from '../filters';
import { readFilters } from '../query';
import { ec2Extras, permissionsOf } from '../state';
import type { XmlObject } from '../xml';
import { AMAZON_OWNER_ID } from '../../world/catalog';
import type { Image } from '../../world/types';
import { SandboxError } from '../../world/world';

// AMIs: the account's own images plus the region's public base images. Packer looks its
// source up here, checks its AMI name is free, waits for `imageState` to become `available`
// (or `failed`), and reads `blockDeviceMapping/ebs/snapshotId` to tag and clean snapshots.

export const ROOT_DEVICE = '/dev/xvda';

/** Base images have no snapshot in the world; give them a stable id so mappings look real. */
export function snapshotIdOf(image: Image): string | undefined {
  if (image.snapshotIds[0]) return image.snapshotIds[0];
  if (image.kind !== 'base') return undefined;
  return `snap-${createHash('sha256').update(`base-snapshot|${image.id}`).digest('hex').slice(0, 17)}`;
}

export function isPublic(ctx: Ec2Context, image: Image): boolean {
  return image.kind === 'base' || (ec2Extras(ctx.world).launchPermissions.get(image.id)?.groups.has('all') ?? false);
}

function imageView(ctx: Ec2Context, image: Image): XmlObject {
  const base = image.kind === 'base';
  return {
    imageId: image.id,
    imageLocation: `${base ? 'amazon' : image.ownerId}/${image.name}`,
    imageState: image.state,
    imageOwnerId: image.ownerId,
    // A string field in the model, but Packer parses it as RFC 3339 for `most_recent`.
    creationDate: new Date(image.createdAt).toISOString(),
    isPublic: isPublic(ctx, image),
    architecture: image.architecture,
    imageType: 'machine',
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
    sriovNetSupport: 'simple',
    enaSupport: image.enaSupport,
    name: image.name,
    description: image.description || undefined,
    imageOwnerAlias: base ? 'amazon' : undefined,
    rootDeviceType: 'ebs',
    rootDeviceName: ROOT_DEVICE,
    blockDeviceMapping: blockDeviceMapping(image),
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    sourceImageId: image.sourceRegion ? image.sourceImageId : undefined,
    sourceImageRegion: image.sourceRegion,
    tagSet: tagSet(visibleTags(ctx, image)),
    stateReason:
      image.state === 'failed'
        ? { code: 'Server.InternalError', message: `Server.InternalError: ${image.failureReason ?? 'image creation failed'}` }
        : undefined,
  };
}

function blockDeviceMapping(image: Image): XmlObject[] {
  return [
    {
      deviceName: ROOT_DEVICE,
      ebs: { snapshotId: snapshotIdOf(image), volumeSize: image.sizeGb, deleteOnTermination: true, volumeType: 'gp2', encrypted: false },
    },
  ];
}

const describeImages: Ec2Action = (ctx) => {
  const { world, account, params } = ctx;
  const ids = params.list('ImageId');
  ids.forEach((id) => checkIdShape(id, 'ami-'));
  if (ids.length && params.str('MaxResults')) {
    throw new Ec2Error('InvalidParameterCombination', 'The parameter imageIdsSet cannot be used with the parameter maxResults');
  }
  let images = world.listImages('aws', ctx.region.id, account.id);
  if (ids.length) {
    const missing = ids.filter((id) => !images.some((i) => i.id === id));
    if (missing.length === 1) throw notFound(missing[0]!);
    if (missing.length > 1) throw new Ec2Error('InvalidAMIID.NotFound', `The image ids '[${missing.join(', ')}]' do not exist`);
    images = images.filter((i) => ids.includes(i.id));
  }
  const owners = params.list('Owner');
  if (owners.length) {
    const ownerIds = owners.map((o) => {
      if (o === 'self') return account.id;
      if (o === 'amazon') return AMAZON_OWNER_ID;
      if (o === 'aws-marketplace' || o === 'aws-backup-vault') return o; // no such images here
      if (/^\d{12}$/.test(o)) return o;
      throw new Ec2Error('InvalidUserID.Malformed', `Invalid user id: '${o}'`);
    });
    images = images.filter((i) => ownerIds.includes(i.ownerId));
  }
  const executableBy = params.list('ExecutableBy');
  if (executableBy.length) {
    images = images.filter((i) => executableBy.some((e) => (e === 'all' ? isPublic(ctx, i) : e === 'self' || e === account.id)));
  }
  images = applyFilters(
    images,
    readFilters(params),
    {
      'image-id': (i) => i.id,
      name: (i) => i.name,
      description: (i) => i.description,
      state: (i) => i.state,
      'owner-id': (i) => i.ownerId,
      'owner-alias': (i) => (i.kind === 'base' ? 'amazon' : undefined),
      architecture: (i) => i.architecture,
      'root-device-type': () => 'ebs',
      'root-device-name': () => ROOT_DEVICE,
      'virtualization-type': () => 'hvm',
      hypervisor: () => 'xen',
      'image-type': () => 'machine',
      'is-public': (i) => isPublic(ctx, i),
      'ena-support': (i) => i.enaSupport,
      'sriov-net-support': () => 'simple',
      platform: () => undefined,
      'platform-details': () => 'Linux/UNIX',
      'block-device-mapping.device-name': () => ROOT_DEVICE,
      'block-device-mapping.snapshot-id': (i) => snapshotIdOf(i),
      'block-device-mapping.volume-size': (i) => i.sizeGb,
      'block-device-mapping.volume-type': () => 'gp2',
      'block-device-mapping.encrypted': () => false,
      'block-device-mapping.delete-on-termination': () => true,
      'source-image-id': (i) => (i.sourceRegion ? i.sourceImageId : undefined),
      'source-image-region': (i) => i.sourceRegion,
      'creation-date': (i) => new Date(i.createdAt).toISOString(),
    },
    (i) => visibleTags(ctx, i),
  );
  const { page, nextToken } = paginate(images, (i) => i.id, params, { min: 5, max: 1000 });
  return { imagesSet: page.map((i) => imageView(ctx, i)), nextToken };
};

// ---- create / copy / deregister --------------------------------------------------------

const AMI_NAME = /^[A-Za-z0-9()[\]./\-'@_ ]{3,128}$/;

function validateAmiName(name: string): void {
  if (!AMI_NAME.test(name)) {
    throw new Ec2Error(
      'InvalidAMIName.Malformed',
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '[', ']', '.', '/', '-', ''', '@', '_' and spaces: '${name}'`,
    );
  }
}

function validateDescription(description: string | undefined): void {
  if (description && description.length > 255) throw new Ec2Error('InvalidParameterValue', 'AMI descriptions may be at most 255 characters long');
}

/**
 * Reserves an AMI name in the scope's region for the duration of `create`: EC2 names are
 * unique per account and region, and two concurrent calls must not both pass the check.
 */
async function withFreeName<T>(ctx: Ec2Context, name: string, create: () => T | Promise<T>): Promise<T> {
  const taken = ctx.world.listImages('aws', ctx.region.id, ctx.account.id).find((i) => i.ownerId === ctx.account.id && i.name === name);
  const inFlight = ec2Extras(ctx.world).imageNamesInFlight;
  const key = `${ctx.account.id}|${ctx.region.id}|${name}`;
  if (taken) throw new Ec2Error('InvalidAMIName.Duplicate', `AMI name '${name}' is already in use by AMI ${taken.id}`);
  if (inFlight.has(key)) throw new Ec2Error('InvalidAMIName.Duplicate', `AMI name '${name}' is already in use by an AMI being created`);
  inFlight.add(key);
  try {
    return await create();
  } finally {
    inFlight.delete(key);
  }
}

function tagSnapshots(ctx: Ec2Context, image: Image, tags: Record<string, string> | undefined): void {
  if (!tags) return;
  for (const id of image.snapshotIds) {
    const snap = ctx.world.snapshots.get(id);
    if (snap) Object.assign(snap.tags, tags);
  }
}

const createImage: Ec2Action = async (ctx) => {
  const { world, account, params } = ctx;
  const instanceId = params.required('InstanceId');
  checkIdShape(instanceId, 'i-');
  const name = params.required('Name');
  validateAmiName(name);
  const description = params.str('Description');
  validateDescription(description);
  const tags = readTagSpecifications(params, ['image', 'snapshot']);
  const host = world.findHost('aws', ctx.region.id, instanceId, account.id);
  if (!host || host.state === 'terminated') throw notFound(instanceId);
  if (host.state !== 'running' && host.state !== 'stopped') {
    // Packer retries exactly this message (substring "Instance is not in state") for 15 minutes.
    throw new Ec2Error('InvalidParameterValue', `Invalid value '${instanceId}' for instanceId. Instance is not in state 'running' or 'stopped'`);
  }
  const image = await withFreeName(ctx, name, () => world.createImage(host, { name, description, tags: tags.image }));
  tagSnapshots(ctx, image, tags.snapshot);
  return { imageId: image.id };
};

const copyImage: Ec2Action = async (ctx) => {
  const { world, account, params } = ctx;
  const sourceRegion = params.required('SourceRegion');
  const sourceImageId = params.required('SourceImageId');
  const name = params.required('Name');
  if (!world.region('aws', sourceRegion)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${sourceRegion}' for SourceRegion: no such region`);
  checkIdShape(sourceImageId, 'ami-');
  validateAmiName(name);
  const description = params.str('Description');
  validateDescription(description);
  const tags = readTagSpecifications(params, ['image', 'snapshot']);
  const source = world.findImage('aws', sourceRegion, sourceImageId, account.id);
  if (!source) throw notFound(sourceImageId);
  const copy = await withFreeName(ctx, name, () => {
    try {
      return world.copyImage(source, { toRegion: ctx.region.id, ownerId: account.id, name, description });
    } catch (err) {
      if (err instanceof SandboxError && err.kind === 'IMAGE_NOT_AVAILABLE') {
        throw new Ec2Error('InvalidAMIID.Unavailable', `AMI '${source.id}' is ${source.state}, and cannot be copied`);
      }
      throw err instanceof SandboxError ? fromSandboxError(err) : err;
    }
  });
  if (params.bool('CopyImageTags')) Object.assign(copy.tags, visibleTags(ctx, source));
  Object.assign(copy.tags, tags.image);
  tagSnapshots(ctx, copy, tags.snapshot);
  return { imageId: copy.id };
};

/** An image the caller may change: visible and its own. */
export function ownImage(ctx: Ec2Context, id: string): Image {
  checkIdShape(id, 'ami-');
  const image = ctx.world.findImage('aws', ctx.region.id, id, ctx.account.id);
  if (!image) throw notFound(id);
  if (image.ownerId !== ctx.account.id) {
    throw new Ec2Error('UnauthorizedOperation', `You are not authorized to perform this operation. Image ${id} belongs to account ${image.ownerId}.`);
  }
  return image;
}

const deregisterImage: Ec2Action = (ctx) => {
  const image = ownImage(ctx, ctx.params.required('ImageId'));
  ctx.world.deleteImage(image);
  // EC2 keeps the snapshots unless asked (newer API); Packer deletes them itself.
  const deleted: XmlObject[] = [];
  if (ctx.params.bool('DeleteAssociatedSnapshots')) {
    for (const id of image.snapshotIds) {
      const snap = ctx.world.snapshots.get(id);
      if (snap && snap.state !== 'deleted') {
        snap.state = 'deleted';
        deleted.push({ snapshotId: id, returnCode: 'success' });
      }
    }
  }
  return { ...RETURN_TRUE, deleteSnapshotResultSet: deleted.length ? deleted : undefined };
};

// ---- attributes -------------------------------------------------------------------------

const IMAGE_ATTRIBUTES = [
  'description',
  'kernel',
  'ramdisk',
  'launchPermission',
  'productCodes',
  'blockDeviceMapping',
  'sriovNetSupport',
  'bootMode',
  'tpmSupport',
  'uefiData',
  'lastLaunchedTime',
  'imdsSupport',
  'deregistrationProtection',
];

const describeImageAttribute: Ec2Action = (ctx) => {
  const id = ctx.params.required('ImageId');
  const attribute = ctx.params.required('Attribute');
  checkIdShape(id, 'ami-');
  const image = ctx.world.findImage('aws', ctx.region.id, id, ctx.account.id);
  if (!image) throw notFound(id);
  if (!IMAGE_ATTRIBUTES.includes(attribute)) throw new Ec2Error('InvalidParameterValue', `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  const extras = ec2Extras(ctx.world);
  switch (attribute) {
    case 'description':
      return { imageId: id, description: { value: image.description || undefined } };
    case 'launchPermission': {
      const perms = extras.launchPermissions.get(id);
      const groups = image.kind === 'base' ? ['all'] : [...(perms?.groups ?? [])];
      return { imageId: id, launchPermission: [...groups.map((group) => ({ group })), ...[...(perms?.userIds ?? [])].map((userId) => ({ userId }))] };
    }
    case 'productCodes':
      return { imageId: id, productCodes: (extras.productCodes.get(id) ?? []).map((productCode) => ({ productCode, type: 'marketplace' })) };
    case 'blockDeviceMapping':
      return { imageId: id, blockDeviceMapping: blockDeviceMapping(image) };
    case 'sriovNetSupport':
      return { imageId: id, sriovNetSupport: { value: 'simple' } };
    case 'bootMode':
      return { imageId: id, bootMode: { value: 'legacy-bios' } };
    case 'deregistrationProtection':
      return { imageId: id, deregistrationProtection: { value: 'disabled' } };
    default:
      return { imageId: id };
  }
};

/** Launch-permission changes: `LaunchPermission.Add.N.*` / `.Remove.N.*`, or `UserId.N`/`UserGroup.N` + OperationType. */
export function permissionChanges(ctx: Ec2Context, what: 'LaunchPermission' | 'CreateVolumePermission') {
  const { params } = ctx;
  const add = { userIds: new Set<string>(), groups: new Set<string>() };
  const remove = { userIds: new Set<string>(), groups: new Set<string>() };
  for (const [list, target] of [
    ['Add', add],
    ['Remove', remove],
  ] as const) {
    for (const p of params.child(what).structs(list)) {
      const user = p.str('UserId');
      const group = p.str('Group');
      if (user) target.userIds.add(user);
      if (group) target.groups.add(group);
    }
  }
  // Packer sends the flat form next to the structured one (same users twice) without an
  // OperationType; "add" is the only reading that makes sense then.
  const flatUsers = params.list('UserId');
  const flatGroups = params.list('UserGroup');
  if (flatUsers.length || flatGroups.length) {
    const op = params.str('OperationType') ?? 'add';
    if (op !== 'add' && op !== 'remove') throw new Ec2Error('InvalidParameterValue', `Invalid value '${op}' for OperationType. Expecting add or remove.`);
    const target = op === 'add' ? add : remove;
    flatUsers.forEach((u) => target.userIds.add(u));
    flatGroups.forEach((g) => target.groups.add(g));
  }
  for (const u of [...add.userIds, ...remove.userIds]) {
    if (!/^\d{12}$/.test(u)) throw new Ec2Error('InvalidAMIAttributeItemValue', `Invalid attribute item value "${u}" for userId item type.`);
  }
  for (const g of [...add.groups, ...remove.groups]) {
    if (g !== 'all') throw new Ec2Error('InvalidAMIAttributeItemValue', `Invalid attribute item value "${g}" for group item type.`);
  }
  const any = add.userIds.size + add.groups.size + remove.userIds.size + remove.groups.size > 0;
  return { add, remove, any };
}

export function applyPermissionChanges(target: { userIds: Set<string>; groups: Set<string> }, changes: ReturnType<typeof permissionChanges>): void {
  changes.add.userIds.forEach((u) => target.userIds.add(u));
  changes.add.groups.forEach((g) => target.groups.add(g));
  changes.remove.userIds.forEach((u) => target.userIds.delete(u));
  changes.remove.groups.forEach((g) => target.groups.delete(g));
}

const modifyImageAttribute: Ec2Action = (ctx) => {
  const { params } = ctx;
  const image = ownImage(ctx, params.required('ImageId'));
  let changed = false;
  const description = params.has('Description.Value')
    ? params.raw('Description.Value')
    : params.str('Attribute') === 'description'
      ? params.raw('Value')
      : undefined;
  if (description !== undefined) {
    validateDescription(description);
    image.description = description;
    changed = true;
  }
  const perms = permissionChanges(ctx, 'LaunchPermission');
  if (perms.any) {
    applyPermissionChanges(permissionsOf(ec2Extras(ctx.world).launchPermissions, image.id), perms);
    changed = true;
  }
  const codes = params.list('ProductCode');
  if (codes.length) {
    const table = ec2Extras(ctx.world).productCodes;
    table.set(image.id, [...new Set([...(table.get(image.id) ?? []), ...codes])]);
    changed = true;
  }
  if (!changed) throw new Ec2Error('InvalidParameterCombination', 'No attributes specified.');
  return RETURN_TRUE;
};

export const imageActions: Record<string, Ec2Action> = {
  DescribeImages: describeImages,
  CreateImage: createImage,
  CopyImage: copyImage,
  DeregisterImage: deregisterImage,
  DescribeImageAttribute: describeImageAttribute,
  ModifyImageAttribute: modifyImageAttribute,
};
