import { createHash } from 'node:crypto';
import { TIME_PROFILES } from '../../world/clock';
import type { Eip, Host, Image, RegionSpec, ZoneSpec } from '../../world/types';
import { SandboxError, type World } from '../../world/world';
import type { ActionContext, ActionTable, Payload } from '../context';
import { checkName, imageVisible, inProject, meta, optionalZone, requireRegion, unixSeconds } from '../context';
import { ApiError, RetCode, fromSandboxError } from '../errors';
import { page, type Params } from '../params';
import { SIZE_RULES } from './discovery';
import { defaultFirewall, eipPayModes, findOwnFirewall } from './network';

// UHost instance actions (docs uhost-api/*.md; reference §2.4–2.7 and §3.5 for what Packer sends).

const DISK_TYPES = new Set(['LOCAL_NORMAL', 'LOCAL_SSD', 'CLOUD_NORMAL', 'CLOUD_SSD', 'CLOUD_ESSD', 'CLOUD_RSSD', 'EXCLUSIVE_LOCAL_DISK']);
const CHARGE_TYPES = new Set(['Year', 'Month', 'Dynamic', 'Postpay', 'Spot']);
const LOGIN_MODES = new Set(['Password', 'KeyPair', 'ImagePasswd']);
const CPU_PLATFORMS = new Set([
  'Intel/Auto',
  'Intel/IvyBridge',
  'Intel/Haswell',
  'Intel/Broadwell',
  'Intel/Skylake',
  'Intel/Cascadelake',
  'Intel/CascadelakeR',
  'Intel/IceLake',
  'Intel/SapphireRapids',
  'Amd/Epyc2',
  'Amd/Auto',
  'Ampere/Auto',
  'Ampere/Altra',
]);

/** Local disks are formatted after boot; the docs warn it takes ~10 min (reference §5 #3, #4). */
const LOCAL_DISK_INIT_MS = { fast: 1500, realistic: 600_000 } as const;

/** `Initializing` for a short (scaled) moment after a host with a LOCAL_* boot disk boots, then `Normal`. */
export function bootDiskState(world: World, host: Host): 'Normal' | 'Initializing' {
  if (!host.bootDiskType.startsWith('LOCAL_')) return 'Normal';
  const { profile, scale } = world.clock;
  // The boot itself is jittered up to +15%; the disk is ready a fixed time after the slowest boot.
  const readyAt = host.createdAt + (TIME_PROFILES[profile].hostBoot * 1.15 + LOCAL_DISK_INIT_MS[profile]) * scale;
  return Date.now() < readyAt ? 'Initializing' : 'Normal';
}

/** The instance `State` enumeration (docs spelling); terminated hosts are not listed at all. */
function stateName(world: World, host: Host): string {
  switch (host.state) {
    case 'pending':
      return meta(world).hosts.get(host.id)?.restarting ? 'Starting' : 'Initializing';
    case 'running':
      return 'Running';
    case 'stopping':
      return 'Stopping';
    case 'stopped':
      return 'Stopped';
    default:
      return '';
  }
}

function gone(host: Host): boolean {
  return host.state === 'terminated' || host.state === 'terminating';
}

/**
 * The caller's live host, or 8039 ("host already deleted / does not exist"): UCloud deletes
 * hosts synchronously, so a terminated one is simply gone.
 */
export function findOwnHost(ctx: ActionContext, region: RegionSpec, id: string): Host {
  const host = ctx.world.findHost('ucloud', region.id, id, ctx.account.id);
  if (!host || !inProject(ctx, host.projectId) || gone(host)) {
    throw new ApiError(RetCode.HOST_DELETED, `UHost [${id}] does not exist or has been deleted`);
  }
  return host;
}

// ---- CreateUHostInstance ---------------------------------------------------------------------

interface DiskRequest {
  isBoot: boolean;
  type: string;
  size: number;
}

function parseDisks(params: Params): DiskRequest[] {
  const groups = params.groups('Disks');
  if (groups.length === 0) throw ApiError.missing('Disks.0.Type');
  const disks = groups.map(({ index, params: d }) => {
    const type = d.required('Type');
    // The docs list upper-case names; `cloud_ssd` (Packer's own option spelling) is not one.
    if (!DISK_TYPES.has(type)) throw ApiError.invalid(`Disks.${index}.Type`, `unknown disk type ${type}`);
    let isBoot: boolean;
    try {
      isBoot = d.bool('IsBoot', false);
    } catch {
      throw ApiError.invalid(`Disks.${index}.IsBoot`);
    }
    const sizeText = d.str('Size');
    if (sizeText === undefined) throw ApiError.missing(`Disks.${index}.Size`);
    if (!/^\d+$/.test(sizeText)) throw ApiError.invalid(`Disks.${index}.Size`);
    return { isBoot, type, size: Number(sizeText) };
  });
  const boots = disks.filter((d) => d.isBoot);
  if (boots.length !== 1) throw ApiError.invalid('Disks.N.IsBoot', `exactly one disk must be the boot disk, got ${boots.length}`);
  return disks;
}

const PASSWORD_CHARS = /^[A-Za-z0-9()`~!@#$%^&*\-+=_{}[\]:;'<>,.?/|]{8,30}$/;

/** `Password` travels base64-encoded (the Go SDK encodes it); the host keeps the plain text. */
function decodePassword(encoded: string): string {
  const clean = encoded.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw ApiError.invalid('Password', 'the password must be base64-encoded');
  }
  const plain = Buffer.from(clean, 'base64').toString('utf8');
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(plain)).length;
  if (!PASSWORD_CHARS.test(plain) || classes < 2) {
    throw ApiError.invalid('Password', 'after base64 decoding the password must be 8-30 allowed characters from at least 2 classes (upper, lower, digit, symbol)');
  }
  return plain;
}

/**
 * The platform the host lands on. `X/Auto` or an explicit platform picks the zone's matching
 * one; when the zone has none of that vendor the host lands on what the zone has (the image
 * compatibility check then decides, which is field problem #2).
 */
function resolvePlatform(requested: string, offered: string[]): string {
  if (offered.includes(requested)) return requested;
  const vendor = requested.split('/')[0];
  const sameVendor = offered.filter((p) => p.startsWith(`${vendor}/`));
  return sameVendor.find((p) => !p.endsWith('/Auto')) ?? sameVendor[0] ?? offered[0] ?? requested;
}

function checkSize(machineType: string, cpu: number, memoryMb: number): void {
  const rule = SIZE_RULES[machineType];
  if (!rule) return; // unknown letters are refused by the zone check (8044)
  if (!rule.cpus.includes(cpu)) {
    throw new ApiError(RetCode.BAD_CPU, `Create failed, wrong CPU size: ${cpu} vCPUs is not offered for machine type ${machineType} (offered: ${rule.cpus.join(', ')})`);
  }
  if (memoryMb % 1024 !== 0 || !rule.memoryGb(cpu).includes(memoryMb / 1024)) {
    throw new ApiError(
      RetCode.BAD_MEMORY,
      `Create failed, wrong memory size: ${memoryMb} MB with ${cpu} vCPUs on machine type ${machineType} (offered MB: ${rule
        .memoryGb(cpu)
        .map((g) => g * 1024)
        .join(', ')})`,
    );
  }
}

interface EipRequest {
  bandwidth: number;
  payMode: string;
  operatorName: string;
}

/** `NetworkInterface.0.EIP.*`: OperatorName is `Bgp` in mainland regions, `International` elsewhere. */
function parseEip(params: Params, region: RegionSpec): EipRequest | undefined {
  const nic = params.groups('NetworkInterface')[0];
  if (!nic) return undefined;
  const eip = nic.params;
  const p = (f: string) => `NetworkInterface.${nic.index}.EIP.${f}`;
  const keys = Object.keys(eip.raw).filter((k) => k.startsWith('EIP.'));
  if (keys.length === 0) return undefined;
  const operatorName = eip.str('EIP.OperatorName');
  if (operatorName === undefined) throw ApiError.missing(p('OperatorName'));
  const expected = region.id.startsWith('cn-') ? 'Bgp' : 'International';
  if (operatorName !== expected) throw ApiError.invalid(p('OperatorName'), `region ${region.id} offers the line ${expected}, not ${operatorName}`);
  const bandwidthText = eip.str('EIP.Bandwidth');
  if (bandwidthText === undefined) throw ApiError.missing(p('Bandwidth'));
  const bandwidth = Number(bandwidthText);
  const payMode = eip.str('EIP.PayMode') ?? 'Bandwidth';
  if (!eipPayModes.has(payMode)) throw ApiError.invalid(p('PayMode'), `unknown pay mode ${payMode}`);
  const max = payMode === 'Traffic' ? 300 : 800;
  if (!Number.isInteger(bandwidth) || bandwidth < 1 || bandwidth > max) throw ApiError.invalid(p('Bandwidth'), `1-${max} Mbps for ${payMode}`);
  return { bandwidth, payMode, operatorName };
}

function findImageFor(ctx: ActionContext, region: RegionSpec, id: string): Image {
  const image = ctx.world.findImage('ucloud', region.id, id, ctx.account.id);
  if (!image || !imageVisible(ctx, image)) throw new ApiError(RetCode.GET_IMAGE_FAILED, `Failed to get image: image ${id} does not exist in region ${region.id}`);
  if (image.state !== 'available') throw fromSandboxError(new SandboxError('IMAGE_NOT_AVAILABLE', '', { imageId: image.id, state: image.state }), 'create-host');
  return image;
}

function requireZone(ctx: ActionContext, region: RegionSpec): ZoneSpec {
  const zone = optionalZone(ctx, region);
  if (!zone) throw ApiError.missing('Zone');
  return zone;
}

async function createUHostInstance(ctx: ActionContext): Promise<Payload> {
  const { world, params, account } = ctx;
  const region = requireRegion(ctx);
  const zone = requireZone(ctx, region);
  const image = findImageFor(ctx, region, params.required('ImageId'));

  const disks = parseDisks(params);
  const boot = disks.find((d) => d.isBoot)!;
  const bootIndex = disks.indexOf(boot);
  if (boot.size < image.sizeGb) {
    throw new ApiError(RetCode.BOOT_DISK_SMALLER_THAN_IMAGE, `The boot disk (${boot.size} GB) is smaller than the image (${image.sizeGb} GB), please choose again`);
  }
  if (boot.type.startsWith('LOCAL_') && boot.size !== image.sizeGb) {
    // Docs: a local boot disk is created at exactly the image size.
    throw new ApiError(RetCode.BOOT_DISK_MUST_EQUAL_IMAGE, `When creating a host the ${boot.type} boot disk size must equal the image size (${image.sizeGb} GB), got ${boot.size} GB`);
  }
  if (boot.type.startsWith('CLOUD_') && boot.size > 500) throw ApiError.invalid(`Disks.${bootIndex}.Size`, 'cloud boot disks are 20-500 GB');

  const loginMode = params.str('LoginMode') ?? 'Password';
  if (!LOGIN_MODES.has(loginMode)) throw ApiError.invalid('LoginMode');
  let password: string | undefined;
  let keyName: string | undefined;
  let keyPairId: string | undefined;
  if (loginMode === 'Password') password = decodePassword(params.required('Password'));
  if (loginMode === 'KeyPair') {
    keyPairId = params.required('KeyPairId');
    const kp = world.keyPairs.get(keyPairId);
    if (!kp || kp.cloud !== 'ucloud' || kp.ownerId !== account.id || kp.region !== region.id) throw ApiError.invalid('KeyPairId', `key pair ${keyPairId} does not exist in ${region.id}`);
    keyName = kp.name;
  }

  const machineType = (params.str('MachineType') ?? 'N').toUpperCase();
  const cpu = params.int('CPU', 4);
  const memoryMb = params.int('Memory', 8192);
  checkSize(machineType, cpu, memoryMb);
  const requestedPlatform = params.str('MinimalCpuPlatform') ?? 'Intel/Auto';
  if (!CPU_PLATFORMS.has(requestedPlatform)) throw ApiError.invalid('MinimalCpuPlatform', `unknown CPU platform ${requestedPlatform}`);
  const machine = zone.machineTypes.find((m) => m.type === machineType);
  const cpuPlatform = resolvePlatform(requestedPlatform, machine?.cpuPlatforms ?? []);
  if (machine && image.cpuPlatforms.length > 0 && !image.cpuPlatforms.includes(cpuPlatform)) {
    // The world only checks "any platform in common"; an explicit non-Intel request must match too.
    throw fromSandboxError(
      new SandboxError('IMAGE_NOT_SUPPORTED_ON_HOST', '', {
        imageId: image.id,
        machineType,
        zone: zone.id,
        hostPlatforms: cpuPlatform,
        imagePlatforms: image.cpuPlatforms.join(','),
      }),
      'create-host',
    );
  }

  const name = checkName(params.str('Name') ?? 'UHost', 'Name');
  const tag = checkName(params.str('Tag') ?? 'Default', 'Tag');
  const chargeType = params.str('ChargeType') ?? 'Month';
  if (!CHARGE_TYPES.has(chargeType)) throw ApiError.invalid('ChargeType', `unknown charge type ${chargeType}`);
  const vpcId = params.str('VPCId');
  if (vpcId !== undefined && vpcId !== world.defaultVpcId('ucloud', region.id, account.id)) throw ApiError.invalid('VPCId', `VPC ${vpcId} does not exist`);
  const subnetId = params.str('SubnetId');
  if (subnetId !== undefined && subnetId !== world.defaultSubnetId('ucloud', region.id, account.id)) throw ApiError.invalid('SubnetId', `subnet ${subnetId} does not exist`);
  const firewallId = params.str('SecurityGroupId');
  const firewall = firewallId !== undefined ? findOwnFirewall(ctx, region, firewallId) : defaultFirewall(ctx, region, 'recommend web');
  if (!firewall) throw ApiError.invalid('SecurityGroupId', firewallId ? `firewall ${firewallId} does not exist` : 'the region has no default firewall');
  const userData = params.str('UserData');
  if (userData !== undefined && (!/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length > 16 * 1024 * 4 / 3 + 4)) {
    throw ApiError.invalid('UserData', 'user data must be base64-encoded and at most 16 KB');
  }
  const eipRequest = parseEip(params, region);
  const dataDisks = disks.filter((d) => !d.isBoot);

  let host: Host;
  try {
    host = await world.createHost({
      cloud: 'ucloud',
      ownerId: account.id,
      projectId: ctx.projectId,
      region: region.id,
      zone: zone.id,
      imageId: image.id,
      machineType,
      cpuPlatform,
      cpu,
      memoryMb,
      bootDiskType: boot.type,
      bootDiskSizeGb: boot.size,
      name,
      login: { password, keyName },
      securityGroupIds: [firewall.id],
      // The business group is UCloud's only label; listing it as a tag makes /_sandbox/resources
      // show run ids the same way for both clouds.
      tags: { Tag: tag },
    });
  } catch (err) {
    throw err instanceof SandboxError ? fromSandboxError(err, 'create-host') : err;
  }
  meta(world).hosts.set(host.id, { tag, chargeType, cpuPlatform, dataDisks: dataDisks.map((d, i) => ({ id: `bsi-${host.id.slice(6)}${i + 1}`, type: d.type, size: d.size })) });

  let eip: Eip | undefined;
  if (eipRequest) {
    eip = world.allocateEip({ cloud: 'ucloud', ownerId: account.id, region: region.id, ...eipRequest });
    eip.projectId = ctx.projectId;
    meta(world).eips.set(eip.id, { name: 'EIP', tag: 'Default', remark: '', chargeType: chargeType === 'Spot' ? 'Dynamic' : chargeType });
    world.bindEip(eip, host);
  }
  return { UHostIds: [host.id], IPs: [eip ? eip.address : host.privateIp] };
}

// ---- DescribeUHostInstance ---------------------------------------------------------------------

function diskId(host: Host): string {
  return `bsi-${createHash('sha256').update(host.id).digest('hex').slice(0, 8)}`;
}

function expireTime(createdAt: number, chargeType: string): number {
  const created = unixSeconds(createdAt);
  if (chargeType === 'Year') return created + 365 * 86_400;
  if (chargeType === 'Month') return created + 30 * 86_400;
  return created + 3_600;
}

export function hostView(ctx: ActionContext, host: Host): Payload {
  const { world } = ctx;
  const m = meta(world).hosts.get(host.id);
  const image = world.images.get(host.imageId);
  const chargeType = m?.chargeType ?? 'Month';
  const vpcId = world.defaultVpcId('ucloud', host.region, host.ownerId);
  const subnetId = world.defaultSubnetId('ucloud', host.region, host.ownerId);
  const macTail = createHash('sha256').update(host.id).digest('hex').slice(0, 8).match(/../g)!.join(':');
  // Private first: a client must pick the public entry by Type, as Packer does (`Type != Private`).
  const ipSet: Payload[] = [
    { IPMode: 'IPv4', Type: 'Private', IP: host.privateIp, Mac: `52:54:${macTail}`, VPCId: vpcId, SubnetId: subnetId, Default: 'true', NetworkInterfaceId: '' },
  ];
  for (const eipId of host.eipIds) {
    const eip = world.eips.get(eipId);
    if (!eip) continue;
    ipSet.push({ IPMode: 'IPv4', Type: eip.operatorName === 'International' ? 'International' : 'Bgp', IP: eip.address, IPId: eip.id, Bandwidth: eip.bandwidth, Weight: 50 });
  }
  const keyPair = host.keyName ? world.findKeyPair('ucloud', host.region, host.ownerId, host.keyName) : undefined;
  const local = host.bootDiskType.startsWith('LOCAL_') || (m?.dataDisks ?? []).some((d) => d.type.startsWith('LOCAL_'));
  return {
    UHostId: host.id,
    Zone: host.zone,
    Name: host.name,
    Tag: m?.tag ?? 'Default',
    Remark: m?.remark ?? '',
    State: stateName(world, host),
    MachineType: host.machineType,
    CpuPlatform: m?.cpuPlatform ?? 'Intel/Auto',
    UHostType: host.machineType === 'N' ? 'N2' : host.machineType,
    HostType: host.machineType === 'N' ? 'N2' : host.machineType,
    StorageType: local ? 'LocalDisk' : 'UDisk',
    CPU: host.cpu,
    Memory: host.memoryMb,
    GPU: 0,
    OsType: 'Linux',
    OsName: image ? osName(image) : '',
    BasicImageId: host.imageId,
    BasicImageName: image?.name ?? '',
    ImageId: host.imageId,
    ChargeType: chargeType === 'Spot' ? 'Preemptive' : chargeType,
    CreateTime: unixSeconds(host.createdAt),
    ExpireTime: expireTime(host.createdAt, chargeType),
    AutoRenew: 'No',
    BootDiskState: bootDiskState(world, host),
    DiskSet: [
      { DiskId: diskId(host), DiskType: host.bootDiskType, IsBoot: 'True', Size: host.bootDiskSizeGb, Drive: 'vda', Type: 'Boot', Name: '', Encrypted: 'false', BackupType: 'NONE' },
      ...(m?.dataDisks ?? []).map((d, i) => ({
        DiskId: d.id,
        DiskType: d.type,
        IsBoot: 'False',
        Size: d.size,
        Drive: `vd${String.fromCharCode(98 + i)}`,
        Type: d.type.startsWith('CLOUD_') ? 'Udisk' : 'Data',
        Name: '',
        Encrypted: 'false',
        BackupType: 'NONE',
      })),
    ],
    TotalDiskSpace: (m?.dataDisks ?? []).reduce((s, d) => s + d.size, 0),
    IPSet: ipSet,
    NetCapability: 'Normal',
    NetworkState: 'Connected',
    HotplugFeature: false,
    CloudInitFeature: image?.features.includes('CloudInit') ?? false,
    IPv6Feature: false,
    HpcFeature: false,
    NetFeatureTag: 'Firewall',
    KeyPair: { KeyPairId: keyPair?.id ?? '', KeyPairState: keyPair ? 'Normal' : '' },
    IsolationGroup: '',
    RdmaClusterId: '',
    LifeCycle: 'Normal',
    SubnetType: 'Private',
  };
}

/** "Ubuntu 22.04 64位": how UCloud names operating systems (docs example "CentOS 6.5 64位"). */
export function osName(image: Image): string {
  return `${image.osFamily} ${image.osVersion} 64位`;
}

function describeUHostInstance(ctx: ActionContext): Payload {
  const { world, params, account } = ctx;
  const region = requireRegion(ctx);
  const zone = optionalZone(ctx, region);
  const ids = new Set(params.list('UHostIds'));
  const tag = params.str('Tag');
  const vpcId = params.str('VPCId');
  const subnetId = params.str('SubnetId');
  const defaultVpc = world.defaultVpcId('ucloud', region.id, account.id);
  const defaultSubnet = world.defaultSubnetId('ucloud', region.id, account.id);
  const hosts = world
    .listHosts('ucloud', region.id, account.id)
    .filter((h) => inProject(ctx, h.projectId) && !gone(h))
    .filter((h) => ids.size === 0 || ids.has(h.id))
    .filter((h) => !zone || h.zone === zone.id)
    .filter((h) => !tag || (meta(world).hosts.get(h.id)?.tag ?? 'Default') === tag)
    // Every host sits in the region's default VPC and subnet; another id matches nothing.
    .filter(() => (!vpcId || vpcId === defaultVpc) && (!subnetId || subnetId === defaultSubnet))
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  // Docs: Limit defaults to 20, at most 100.
  const paging = params.paging({ max: 100 });
  return { TotalCount: hosts.length, UHostSet: page(hosts, paging).map((h) => hostView(ctx, h)) };
}

// ---- power and termination ---------------------------------------------------------------------

function stop(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const host = findOwnHost(ctx, region, ctx.params.required('UHostId'));
  ctx.world.stopHost(host);
  return { UHostId: host.id };
}

function start(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const host = findOwnHost(ctx, region, ctx.params.required('UHostId'));
  const wasStopped = host.state === 'stopped';
  ctx.world.startHost(host);
  if (wasStopped) {
    const m = meta(ctx.world).hosts.get(host.id);
    if (m) m.restarting = true;
    else meta(ctx.world).hosts.set(host.id, { tag: 'Default', chargeType: 'Month', cpuPlatform: 'Intel/Auto', restarting: true });
  }
  return { UHostId: host.id };
}

function terminate(ctx: ActionContext): Payload {
  const { world, params } = ctx;
  const region = requireRegion(ctx);
  const host = findOwnHost(ctx, region, params.required('UHostId'));
  // Docs: the host must be stopped first (8856); the world would terminate anything.
  if (host.state !== 'stopped') {
    throw new ApiError(RetCode.STOP_BEFORE_DELETE, `Delete failed, please stop the host first: UHost [${host.id}] is ${stateName(world, host)}`);
  }
  const releaseEips = params.bool('ReleaseEIP', false);
  params.bool('ReleaseUDisk', false); // validated; data disks go with the host either way
  const eipIds = [...host.eipIds];
  world.terminateHost(host, { releaseEips });
  if (releaseEips) for (const id of eipIds) meta(world).eips.delete(id);
  meta(world).hosts.delete(host.id);
  return { UHostId: host.id, InRecycle: 'No' };
}

export const hostActions: ActionTable = {
  CreateUHostInstance: { run: createUHostInstance, errors: 'create-host' },
  DescribeUHostInstance: { run: describeUHostInstance, errors: 'other' },
  StopUHostInstance: { run: stop, errors: 'host-power' },
  // The world has one way to stop; a power-off is a stop without waiting for the guest.
  PoweroffUHostInstance: { run: stop, errors: 'host-power' },
  StartUHostInstance: { run: start, errors: 'host-power' },
  TerminateUHostInstance: { run: terminate, errors: 'terminate-host' },
};
