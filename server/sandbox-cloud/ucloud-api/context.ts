import type { Image, RegionSpec, UCloudAccount, ZoneSpec } from '../world/types';
import type { World } from '../world/world';
import { ApiError, type ErrorContext } from './errors';
import type { Params } from './params';

/** What every action gets: the authenticated account, the project it acts in, its parameters. */
export interface ActionContext {
  world: World;
  account: UCloudAccount;
  /** The request's ProjectId, or the account's default project when omitted. */
  projectId: string;
  params: Params;
  action: string;
}

/** Payload fields, placed at the top level of the response envelope next to RetCode/Action. */
export type Payload = Record<string, unknown>;

export interface ActionSpec {
  run: (ctx: ActionContext) => Payload | Promise<Payload>;
  /** Which SandboxError → RetCode flavour applies (e.g. INVALID_STATE is 8856 for terminate). */
  errors: ErrorContext;
}

export type ActionTable = Record<string, ActionSpec>;

export function defaultProjectId(account: UCloudAccount): string {
  return (account.projects.find((p) => p.isDefault) ?? account.projects[0])?.id ?? '';
}

/**
 * Whether a resource tagged with a project belongs to the caller's project. Resources made
 * before projects were tracked (or seeded by the world) count as the default project's.
 */
export function inProject(ctx: ActionContext, resourceProjectId: string | undefined): boolean {
  return (resourceProjectId ?? defaultProjectId(ctx.account)) === ctx.projectId;
}

/** Base images, and the caller's own custom images in the caller's project. */
export function imageVisible(ctx: ActionContext, image: Image): boolean {
  if (image.cloud !== 'ucloud' || image.state === 'deleted') return false;
  return image.kind === 'base' || (image.ownerId === ctx.account.id && inProject(ctx, image.projectId));
}

/** `Region` is required by every regional action; an unknown one is "not available" (230). */
export function requireRegion(ctx: ActionContext): RegionSpec {
  const id = ctx.params.required('Region');
  const region = ctx.world.region('ucloud', id);
  if (!region) throw ApiError.invalid('Region', `unknown region ${id}`);
  return region;
}

/** Optional `Zone`, which must belong to the region (else 230, as UCloud answers). */
export function optionalZone(ctx: ActionContext, region: RegionSpec): ZoneSpec | undefined {
  const id = ctx.params.str('Zone');
  if (id === undefined) return undefined;
  const zone = region.zones.find((z) => z.id === id);
  if (!zone) throw ApiError.invalid('Zone', `zone ${id} is not in region ${region.id}`);
  return zone;
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

// UCloud-only attributes the shared world model has no field for (business group, charge type,
// chosen CPU platform, EIP names, copy task ids…). Kept beside the world, per world instance;
// they are cosmetic, so losing them on a state-file restart only brings back the defaults.
export interface HostMeta {
  tag: string;
  chargeType: string;
  cpuPlatform: string;
  /** Set by StartUHostInstance so that a booting host reads `Starting`, not `Initializing`. */
  restarting?: boolean;
  remark?: string;
  /** Non-boot `Disks.N` of the create request, reported in DiskSet (no data-disk model in the world). */
  dataDisks?: { id: string; type: string; size: number }[];
}
export interface EipMeta {
  name: string;
  tag: string;
  remark: string;
  chargeType: string;
}
interface Meta {
  hosts: Map<string, HostMeta>;
  images: Map<string, { tag: string; taskId?: string }>;
  eips: Map<string, EipMeta>;
  firewalls: Map<string, { tag: string }>;
}

const metas = new WeakMap<World, Meta>();

export function meta(world: World): Meta {
  let m = metas.get(world);
  if (!m) {
    m = { hosts: new Map(), images: new Map(), eips: new Map(), firewalls: new Map() };
    metas.set(world, m);
  }
  return m;
}

/** Resource names: 1–63 letters, digits, CJK, `-`, `_`, `.` (docs "field specification"). */
export function checkName(name: string, param: string): string {
  if (!/^[\p{L}\p{N}\-_.]{1,63}$/u.test(name)) throw ApiError.invalid(param, 'names are 1-63 letters, digits, CJK characters, "-", "_" or "."');
  return name;
}
