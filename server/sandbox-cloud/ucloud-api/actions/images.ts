import { randomBytes } from 'node:crypto';
import type { Image } from '../../world/types';
import type { ActionContext, ActionTable, Payload } from '../context';
import { imageVisible, meta, optionalZone, requireRegion, unixSeconds } from '../context';
import { ApiError, RetCode } from '../errors';
import { page } from '../params';
import { bootDiskState, findOwnHost, osName } from './hosts';

// Image actions (docs uhost-api/describe_image.md, create_custom_image.md, copy_custom_image.md,
// terminate_custom_image.md; reference §2.3, §2.8–2.10).

/**
 * Image `State`: a copy in flight is `Copying`, an image being made from a host `Making`,
 * a failed one `Unavailable` (Packer's copy wait fails fast on it).
 */
function stateName(image: Image): string {
  switch (image.state) {
    case 'pending':
      return image.sourceRegion !== undefined ? 'Copying' : 'Making';
    case 'available':
      return 'Available';
    default:
      return 'Unavailable';
  }
}

/**
 * `MinimalCPU` is a hint ("" by default; UCloud marks some CentOS 7.x images `Broadwell`). Our
 * images that only boot on Intel (field problem #2) carry that same hint; the hard refusal
 * still comes from CreateUHostInstance (8044).
 */
function minimalCpu(image: Image): string {
  return image.cpuPlatforms.length > 0 && image.cpuPlatforms.every((p) => p.startsWith('Intel/')) ? 'Broadwell' : '';
}

function imageView(ctx: ActionContext, image: Image, zone: string): Payload {
  return {
    ImageId: image.id,
    ImageName: image.name,
    Zone: zone,
    Tag: meta(ctx.world).images.get(image.id)?.tag ?? 'Default',
    OsType: 'Linux',
    OsName: osName(image),
    ImageType: image.kind === 'base' ? 'Base' : 'Custom',
    Features: [...image.features],
    FuncType: '',
    IntegratedSoftware: '',
    Vendor: '',
    Links: '',
    State: stateName(image),
    ImageDescription: image.description,
    CreateTime: unixSeconds(image.createdAt),
    ImageSize: image.sizeGb,
    MinimalCPU: minimalCpu(image),
    MaintainEol: '',
    DataSnapshotIds: [],
    SupportedGPUTypes: [],
    SceneCategories: [],
    PrimarySoftware: '',
  };
}

function describeImage(ctx: ActionContext): Payload {
  const { world, params } = ctx;
  const region = requireRegion(ctx);
  const zone = optionalZone(ctx, region);
  const imageType = params.str('ImageType');
  const osType = params.str('OsType');
  const tag = params.str('Tag');
  const ids = new Set([...params.list('ImageIds'), ...(params.str('ImageId') ? [params.str('ImageId')!] : [])]);
  const images = world
    .listImages('ucloud', region.id, ctx.account.id)
    .filter((i) => imageVisible(ctx, i))
    .filter((i) => ids.size === 0 || ids.has(i.id))
    .filter((i) => !imageType || (imageType === 'Base' && i.kind === 'base') || (imageType === 'Custom' && i.kind === 'custom'))
    // Every sandbox image is Linux; OsType=Windows matches nothing.
    .filter(() => !osType || osType === 'Linux')
    .filter((i) => !tag || (meta(world).images.get(i.id)?.tag ?? 'Default') === tag)
    // Newest first, ties by id: a stable order so that Offset paging sees every image once.
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // The docs give a default Limit (20) but no maximum. We clamp at 100, DescribeUHostInstance's
  // documented maximum, so a client must page by TotalCount rather than ask for everything.
  const paging = params.paging({ max: 100 });
  const zoneId = zone?.id ?? region.zones[0]?.id ?? '';
  return { TotalCount: images.length, ImageSet: page(images, paging).map((i) => imageView(ctx, i, zoneId)) };
}

/** 1–63 characters (Packer also allows `[]:,` on top of the docs' name rule). */
function imageName(value: string, param: string): string {
  if (value.length > 63 || /[\u0000-\u001f]/.test(value)) throw ApiError.invalid(param, 'image names are 1-63 characters');
  return value;
}

async function createCustomImage(ctx: ActionContext): Promise<Payload> {
  const { world, params } = ctx;
  const region = requireRegion(ctx);
  const host = findOwnHost(ctx, region, params.required('UHostId'));
  const name = imageName(params.required('ImageName'), 'ImageName');
  if (host.state !== 'stopped') {
    throw new ApiError(RetCode.HOST_MUST_BE_STOPPED, `Operation failed, please stop the host and retry: UHost [${host.id}] is not stopped`);
  }
  if (bootDiskState(world, host) !== 'Normal') {
    // Docs (DescribeUHostInstance): a boot disk still initialising cannot be made into an image.
    throw new ApiError(RetCode.RETRY_LATER, `Operation failed, please retry later: the boot disk of UHost [${host.id}] is still Initializing`);
  }
  const tag = params.str('Tag') ?? 'Default';
  const image = await world.createImage(host, { name, description: params.str('ImageDescription') ?? '', tags: { Tag: tag } });
  meta(world).images.set(image.id, { tag });
  return { ImageId: image.id, DataSnapshotIds: [] };
}

function copyCustomImage(ctx: ActionContext): Payload {
  const { world, params, account } = ctx;
  const region = requireRegion(ctx);
  const sourceId = params.required('SourceImageId');
  const targetProject = params.required('TargetProjectId');
  if (!account.projects.some((p) => p.id === targetProject)) throw ApiError.invalid('TargetProjectId', `project ${targetProject} does not exist`);
  const targets = params.list('TargetRegionList');
  const single = params.str('TargetRegion') ?? (targets.length === 0 ? region.id : undefined);
  const regions = single !== undefined ? [single] : targets;
  for (const [i, r] of regions.entries()) {
    if (!world.region('ucloud', r)) throw ApiError.invalid(single !== undefined ? 'TargetRegion' : `TargetRegionList.${i}`, `unknown region ${r}`);
  }
  const source = world.findImage('ucloud', region.id, sourceId, account.id);
  if (!source || !imageVisible(ctx, source) || source.kind !== 'custom') {
    throw new ApiError(RetCode.NOT_CUSTOM_IMAGE, `Resource does not exist or is not a custom image: ${sourceId}`);
  }
  // Docs: 8962 "target project equals the source image's project, nothing to migrate" — only
  // when the region does not change either (copies across regions in one project are normal).
  if (regions.includes(region.id) && targetProject === ctx.projectId) {
    throw new ApiError(RetCode.SAME_PROJECT, 'The target project is the same as the source image project and region, no need to migrate');
  }
  const infos = regions.map((toRegion) => {
    // IMAGE_NOT_AVAILABLE → 8961, COPY_LIMIT → 153 (mapped by the handler).
    const copy = world.copyImage(source, {
      toRegion,
      ownerId: account.id,
      projectId: targetProject,
      name: params.str('TargetImageName') ?? source.name,
      description: params.str('TargetImageDescription') ?? source.description,
    });
    const taskId = `copyimage-${randomBytes(6).toString('hex')}`;
    const tag = params.str('TargetImageTag') ?? 'Default';
    copy.tags = { Tag: tag };
    meta(world).images.set(copy.id, { tag, taskId });
    return { TaskId: taskId, TargetImageId: copy.id, TargetRegion: toRegion };
  });
  if (single !== undefined) return { TargetImageId: infos[0]!.TargetImageId, TaskId: infos[0]!.TaskId };
  return { Infos: infos };
}

function terminateCustomImage(ctx: ActionContext): Payload {
  const { world, params } = ctx;
  const region = requireRegion(ctx);
  const id = params.required('ImageId');
  const image = world.findImage('ucloud', region.id, id, ctx.account.id);
  if (!image || !imageVisible(ctx, image) || image.kind !== 'custom') {
    throw new ApiError(RetCode.NOT_CUSTOM_IMAGE, `Resource does not exist or is not a custom image: ${id}`);
  }
  world.deleteImage(image);
  meta(world).images.delete(image.id);
  return { ImageId: image.id };
}

export const imageActions: ActionTable = {
  DescribeImage: { run: describeImage, errors: 'image' },
  CreateCustomImage: { run: createCustomImage, errors: 'create-image' },
  CopyCustomImage: { run: copyCustomImage, errors: 'copy-image' },
  TerminateCustomImage: { run: terminateCustomImage, errors: 'image' },
};
