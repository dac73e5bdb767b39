import { SandboxError } from '../world/world';

// UCloud answers every failure with HTTP 200 and a non-zero RetCode. The codes below come from
// UCloud's docs (summary/public.md for the gateway, uhost-api/error_code.md, unet-api/error_code.md),
// except where noted: 230 is not in any published table but is what the gateway answers for a
// missing or unusable parameter (terraform-provider-ucloud issue #136: "230 Params [Zone] not
// available"), and 54002 is what Packer and Terraform treat as "firewall not found".
export const RetCode = {
  OK: 0,
  // gateway
  INTERNAL: 130,
  UNAVAILABLE: 150,
  THROTTLED: 153,
  MISSING_ACTION: 160,
  NO_SUCH_ACTION: 161,
  MISSING_SIGNATURE: 170,
  BAD_SIGNATURE: 171,
  NO_SUCH_USER: 172,
  BAD_PARAMS: 230,
  NO_SUCH_PROJECT: 292,
  // UHost
  HOST_MUST_BE_STOPPED: 8010,
  RETRY_LATER: 8024,
  HOST_DELETED: 8039,
  BAD_CPU: 8044,
  BAD_MEMORY: 8046,
  BOOT_DISK_SMALLER_THAN_IMAGE: 8315,
  BOOT_DISK_MUST_EQUAL_IMAGE: 8316,
  CLOUD_DISK_UNAVAILABLE: 8320,
  STOP_BEFORE_DELETE: 8856,
  GET_IMAGE_FAILED: 8874,
  POWER_STATE: 8905,
  NOT_CUSTOM_IMAGE: 8956,
  SOURCE_IMAGE_UNUSABLE: 8961,
  SAME_PROJECT: 8962,
  // UNet
  EIP_ALREADY_ON_RESOURCE: 4154,
  UNET_NOT_FOUND: 4210,
  EIP_NOT_BOUND: 4211,
  EIP_IN_USE: 4212,
  EIP_CANNOT_BIND: 4218,
  RECOMMENDED_FIREWALL: 4358,
  FIREWALL_IN_USE: 4361,
  FIREWALL_NAME_EXISTS: 4364,
  FIREWALL_NOT_FOUND: 54002,
} as const;

/** A UCloud error answer: RetCode plus Message, sent with HTTP 200. */
export class ApiError extends Error {
  constructor(
    readonly retCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static missing(name: string): ApiError {
    return new ApiError(RetCode.BAD_PARAMS, `Missing params [${name}]`);
  }

  static invalid(name: string, why?: string): ApiError {
    return new ApiError(RetCode.BAD_PARAMS, `Params [${name}] not available${why ? `: ${why}` : ''}`);
  }
}

/** What the action was doing when the world refused, for picking the vendor's code. */
export type ErrorContext = 'create-host' | 'host-power' | 'terminate-host' | 'create-image' | 'copy-image' | 'image' | 'eip' | 'firewall' | 'keypair' | 'other';

/**
 * Maps a world refusal to the code UCloud uses for the same situation. Messages keep the
 * world's details (zone, offered disk types, platforms) because a client only has the
 * message to tell the user what to change.
 */
export function fromSandboxError(err: SandboxError, ctx: ErrorContext): ApiError {
  const d = err.details;
  switch (err.kind) {
    case 'DISK_TYPE_UNAVAILABLE':
      // The vendor's "cloud disk resources are insufficient, choose a local disk" (8320).
      return new ApiError(
        RetCode.CLOUD_DISK_UNAVAILABLE,
        `${d.diskType?.startsWith('CLOUD_') ? 'Not enough cloud disk resources, please choose a local disk' : 'Create failed'}: boot disk type ${d.diskType ?? '?'} is not available in zone ${d.zone ?? '?'}; available boot disk types: ${d.offered || 'none'}`,
      );
    case 'IMAGE_NOT_SUPPORTED_ON_HOST':
      return new ApiError(
        RetCode.BAD_CPU,
        `Create failed: image ${d.imageId ?? '?'} does not support machine type ${d.machineType ?? '?'} in zone ${d.zone ?? '?'} (CPU platforms there: ${d.hostPlatforms || 'none'}; the image boots on: ${d.imagePlatforms || 'any'})`,
      );
    case 'MACHINE_TYPE_UNAVAILABLE':
      return new ApiError(
        RetCode.BAD_CPU,
        `Create failed: machine type ${d.machineType ?? '?'} is not available in zone ${d.zone ?? '?'}; available machine types: ${d.offered ?? 'none'}`,
      );
    case 'INVALID_ZONE':
      // Chosen over 293 ("no permission for the zone"): 230 is what UCloud answers for a zone
      // that does not belong to the region (terraform-provider-ucloud issue #136).
      return ApiError.invalid('Zone', err.message);
    case 'NOT_FOUND':
      if (d.imageId) {
        return ctx === 'copy-image' || ctx === 'image'
          ? new ApiError(RetCode.NOT_CUSTOM_IMAGE, `Resource does not exist or is not a custom image: ${d.imageId}`)
          : new ApiError(RetCode.GET_IMAGE_FAILED, `Failed to get image: image ${d.imageId} does not exist in this region`);
      }
      if (d.region) return ApiError.invalid(ctx === 'copy-image' ? 'TargetRegion' : 'Region', err.message);
      return new ApiError(RetCode.UNET_NOT_FOUND, `Resource does not exist: ${err.message}`);
    case 'IMAGE_NOT_AVAILABLE':
      return new ApiError(RetCode.SOURCE_IMAGE_UNUSABLE, `Source image state is not usable: image ${d.imageId ?? '?'} is ${imageStateWord(d.state)}`);
    case 'INVALID_STATE':
      if (ctx === 'terminate-host') return new ApiError(RetCode.STOP_BEFORE_DELETE, `Delete failed, please stop the host first (${err.message})`);
      if (ctx === 'create-image') return new ApiError(RetCode.HOST_MUST_BE_STOPPED, `Operation failed, please stop the host and retry (${err.message})`);
      return new ApiError(RetCode.POWER_STATE, `Host power state error, please retry later (${err.message})`);
    case 'IN_USE':
      if (ctx === 'firewall') return new ApiError(RetCode.FIREWALL_IN_USE, `Delete failed, the firewall is in use (${err.message})`);
      if (ctx === 'eip') return new ApiError(RetCode.EIP_IN_USE, `Operation failed, the EIP is in use (${err.message})`);
      return new ApiError(RetCode.STOP_BEFORE_DELETE, err.message);
    case 'COPY_LIMIT':
      return new ApiError(
        RetCode.THROTTLED,
        `Request throttled: too many concurrent image copies into region ${d.region ?? '?'} (limit ${d.limit ?? '?'}); retry later`,
      );
    case 'DUPLICATE':
      if (ctx === 'firewall') return new ApiError(RetCode.FIREWALL_NAME_EXISTS, `Firewall name already exists, please use another name (${err.message})`);
      return ApiError.invalid(d.name !== undefined ? 'KeyPairName' : 'Name', err.message);
    case 'ENA_REQUIRED':
      return new ApiError(RetCode.BAD_CPU, err.message);
    default:
      // A kind added to the world later: still an answer, never a crash.
      return new ApiError(RetCode.INTERNAL, err.message);
  }
}

function imageStateWord(state: string | undefined): string {
  if (state === 'pending') return 'Making';
  if (state === 'failed') return 'Unavailable';
  return state ?? 'unknown';
}

/** Any error thrown by an action → ApiError (unknown ones as the gateway's internal error). */
export function toApiError(err: unknown, ctx: ErrorContext): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SandboxError) return fromSandboxError(err, ctx);
  return new ApiError(RetCode.INTERNAL, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
}
