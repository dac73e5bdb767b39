import { createHash } from 'node:crypto';
import type { Eip, Firewall, FirewallRule, RegionSpec } from '../../world/types';
import { SandboxError } from '../../world/world';
import type { ActionContext, ActionTable, Payload } from '../context';
import { checkName, inProject, meta, requireRegion, unixSeconds } from '../context';
import { ApiError, RetCode, fromSandboxError } from '../errors';
import { page } from '../params';

// VPC and UNet actions (docs vpc-api/describe_vpc.md, describe_subnet.md; unet-api/*firewall*.md,
// *eip*.md; reference §2.11–2.13). Error codes from unet-api/error_code.md (4154, 4210–4218,
// 4358–4364) and 54002 for an unknown firewall (what Packer and Terraform test for).

const NETWORK_CREATED = unixSeconds(Date.UTC(2024, 0, 15));

// ---- VPC / subnet: one default of each per region ------------------------------------------

function describeVPC(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const vpcId = ctx.world.defaultVpcId('ucloud', region.id, ctx.account.id);
  const wanted = ctx.params.list('VPCIds');
  const tag = ctx.params.str('Tag');
  const all = [
    {
      VPCId: vpcId,
      Name: 'DefaultVPC',
      Tag: 'Default',
      Remark: '',
      VPCType: 'DefaultVPC',
      Network: ['10.0.0.0/8'],
      NetworkInfo: [{ Network: '10.0.0.0/8', SubnetCount: 1 }],
      SubnetCount: 1,
      CreateTime: NETWORK_CREATED,
      UpdateTime: NETWORK_CREATED,
      IPv6Network: '',
      OperatorName: '',
      IPv6NetworkInfos: [],
    },
  ].filter((v) => (wanted.length === 0 || wanted.includes(v.VPCId)) && (!tag || tag === v.Tag));
  return { TotalCount: all.length, DataSet: page(all, ctx.params.paging()) };
}

function describeSubnet(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const { world, account, params } = ctx;
  const vpcId = world.defaultVpcId('ucloud', region.id, account.id);
  const subnetId = world.defaultSubnetId('ucloud', region.id, account.id);
  const wanted = [...params.list('SubnetIds'), ...(params.str('SubnetId') ? [params.str('SubnetId')!] : [])];
  const wantedVpc = params.str('VPCId');
  const tag = params.str('Tag');
  const all = [
    {
      SubnetId: subnetId,
      SubnetName: 'DefaultNetwork',
      VPCId: vpcId,
      VPCName: 'DefaultVPC',
      Zone: '',
      Subnet: '10.0.0.0',
      Netmask: '8',
      Gateway: '10.0.0.1',
      SubnetType: 2,
      Tag: 'Default',
      Remark: '',
      CreateTime: NETWORK_CREATED,
      HasNATGW: false,
      RouteTableId: `route-${createHash('sha256').update(subnetId).digest('hex').slice(0, 8)}`,
      IPv6Network: '',
      ...(params.bool('ShowAvailableIPs', false) ? { AvailableIPs: 16_000_000 } : {}),
    },
  ].filter((s) => (wanted.length === 0 || wanted.includes(s.SubnetId)) && (!wantedVpc || wantedVpc === s.VPCId) && (!tag || tag === s.Tag));
  return { TotalCount: all.length, DataSet: page(all, params.paging()) };
}

// ---- firewalls ----------------------------------------------------------------------------

const SEEDED = new Set(['recommend web', 'recommend non web']);

/** Seeded ("recommend …") firewalls serve every project; user-defined ones belong to one. */
function firewallVisible(ctx: ActionContext, fw: Firewall): boolean {
  return SEEDED.has(fw.type) || inProject(ctx, fw.projectId);
}

function ownFirewalls(ctx: ActionContext, region: RegionSpec): Firewall[] {
  return ctx.world.listFirewalls('ucloud', region.id, ctx.account.id).filter((fw) => firewallVisible(ctx, fw));
}

export function findOwnFirewall(ctx: ActionContext, region: RegionSpec, id: string): Firewall | undefined {
  return ownFirewalls(ctx, region).find((fw) => fw.id === id);
}

export function defaultFirewall(ctx: ActionContext, region: RegionSpec, type: 'recommend web' | 'recommend non web'): Firewall | undefined {
  return ownFirewalls(ctx, region).find((fw) => fw.type === type);
}

function firewallNotFound(id: string): ApiError {
  return new ApiError(RetCode.FIREWALL_NOT_FOUND, `Firewall [${id}] does not exist`);
}

function firewallUsers(ctx: ActionContext, fw: Firewall) {
  return [...ctx.world.hosts.values()].filter((h) => h.securityGroupIds.includes(fw.id) && h.state !== 'terminated');
}

function ruleView(r: FirewallRule): Payload {
  const portless = r.protocol === 'ICMP' || r.protocol === 'GRE';
  return {
    ProtocolType: r.protocol,
    DstPort: portless ? '' : r.fromPort === r.toPort ? String(r.fromPort) : `${r.fromPort}-${r.toPort}`,
    SrcIP: r.source,
    RuleAction: r.action,
    Priority: r.priority ?? 'HIGH',
    Remark: r.remark ?? '',
  };
}

function firewallView(ctx: ActionContext, fw: Firewall): Payload {
  return {
    FWId: fw.id,
    GroupId: String(createHash('sha256').update(fw.id).digest().readUInt32BE(0) % 1_000_000),
    Name: fw.name,
    Tag: meta(ctx.world).firewalls.get(fw.id)?.tag ?? 'Default',
    Remark: fw.description,
    ResourceCount: firewallUsers(ctx, fw).length,
    CreateTime: unixSeconds(fw.createdAt),
    Type: fw.type,
    Rule: fw.rules.map(ruleView),
  };
}

function describeFirewall(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const { params } = ctx;
  const fwId = params.str('FWId');
  let list = ownFirewalls(ctx, region);
  if (fwId !== undefined) {
    list = list.filter((fw) => fw.id === fwId);
    // The one Describe that errors on an unknown id (reference §1.5).
    if (list.length === 0) throw firewallNotFound(fwId);
  }
  const resourceId = params.str('ResourceId');
  if (resourceId !== undefined) {
    const host = ctx.world.hosts.get(resourceId);
    list = list.filter((fw) => host?.securityGroupIds.includes(fw.id) ?? false);
  }
  // Docs: Limit defaults to 20; no practical maximum (documented as 10000000).
  return { TotalCount: list.length, DataSet: page(list, params.paging()).map((fw) => firewallView(ctx, fw)) };
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'ICMP', 'GRE']);
const PRIORITIES = new Set(['HIGH', 'MEDIUM', 'LOW']);

/** `PROTOCOL|PORT|SOURCE_CIDR|ACTION|PRIORITY|REMARK`, e.g. `TCP|22|0.0.0.0/0|ACCEPT|HIGH|ssh`. */
function parseRule(text: string, param: string): FirewallRule {
  const [protocol = '', port = '', source = '', action = '', priority = 'HIGH', ...remarkParts] = text.split('|');
  const remark = remarkParts.join('|');
  const bad = (why: string) => ApiError.invalid(param, `${why} in rule "${text}" (expected PROTOCOL|PORT|SOURCE_CIDR|ACTION|PRIORITY|REMARK)`);
  const proto = protocol.toUpperCase();
  if (!PROTOCOLS.has(proto)) throw bad(`unknown protocol ${protocol}`);
  let fromPort = 0;
  let toPort = 0;
  if (proto === 'TCP' || proto === 'UDP') {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
    if (!m) throw bad(`bad port ${port}`);
    fromPort = Number(m[1]);
    toPort = Number(m[2] ?? m[1]);
    if (fromPort < 1 || toPort > 65535 || fromPort > toPort) throw bad(`bad port ${port}`);
  }
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(source)) throw bad(`bad source ${source}`);
  if (action !== 'ACCEPT' && action !== 'DROP') throw bad(`bad action ${action}`);
  if (!PRIORITIES.has(priority)) throw new ApiError(4359, `Operation failed, invalid priority ${priority} in rule "${text}" (HIGH, MEDIUM or LOW)`);
  if (remark.length > 64) throw bad('remark longer than 64 characters');
  return { protocol: proto, fromPort, toPort, source, action, priority, remark: remark || undefined };
}

function createFirewall(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const { world, params, account } = ctx;
  const name = checkName(params.required('Name'), 'Name');
  const ruleTexts = params.list('Rule');
  if (ruleTexts.length === 0) throw ApiError.missing('Rule.0');
  const rules = ruleTexts.map((t, i) => parseRule(t, `Rule.${i}`));
  const tag = checkName(params.str('Tag') ?? 'Default', 'Tag');
  // The world only refuses duplicate names for EC2; UNet documents 4364 for it.
  if (ownFirewalls(ctx, region).some((fw) => fw.name === name)) {
    throw fromSandboxError(new SandboxError('DUPLICATE', `firewall ${name} exists in ${region.id}`, { name }), 'firewall');
  }
  // The business group is UCloud's only label; listing it as a tag (as for hosts and images) makes
  // /_sandbox/resources show run ids the same way for every kind.
  const fw = world.createFirewall({ cloud: 'ucloud', ownerId: account.id, region: region.id, name, description: params.str('Remark') ?? '', type: 'user defined', rules, tags: { Tag: tag } });
  fw.projectId = ctx.projectId;
  meta(world).firewalls.set(fw.id, { tag });
  return { FWId: fw.id };
}

function deleteFirewall(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const id = ctx.params.required('FWId');
  const fw = findOwnFirewall(ctx, region, id);
  if (!fw) throw firewallNotFound(id);
  if (SEEDED.has(fw.type)) throw new ApiError(RetCode.RECOMMENDED_FIREWALL, `Delete failed, recommended firewalls cannot be deleted (${fw.id} is "${fw.type}")`);
  ctx.world.deleteFirewall(fw); // IN_USE → 4361
  meta(ctx.world).firewalls.delete(fw.id);
  return {};
}

// ---- EIPs -----------------------------------------------------------------------------------

export const eipPayModes = new Set(['Traffic', 'Bandwidth', 'ShareBandwidth', 'Free', 'PostAccurateBandwidth']);

/**
 * AllocateEIP's line: the docs write both `Bgp` and `BGP` for mainland regions; Hong Kong also
 * offers `BGPPro`; everything else is `International`.
 */
function normaliseOperator(region: RegionSpec, given: string): string {
  const lower = given.toLowerCase();
  if (region.id.startsWith('cn-')) {
    if (lower === 'bgp') return 'Bgp';
  } else {
    if (lower === 'international') return 'International';
    if (region.id === 'hk' && lower === 'bgppro') return 'BGPPro';
  }
  const offered = region.id.startsWith('cn-') ? 'Bgp' : region.id === 'hk' ? 'International or BGPPro' : 'International';
  throw ApiError.invalid('OperatorName', `region ${region.id} offers ${offered}, not ${given}`);
}

/** DescribeEIP/AllocateEIP spell the BGP line `BGP` (docs examples). */
function addrOperator(eip: Eip): string {
  return eip.operatorName === 'Bgp' ? 'BGP' : eip.operatorName;
}

/** An unbound EIP has no host address yet; show a stable documentation-range address (TEST-NET-2). */
function placeholderAddress(id: string): string {
  const h = createHash('sha256').update(id).digest();
  return `198.51.100.${1 + (h[0]! % 254)}`;
}

function ownEips(ctx: ActionContext, region: RegionSpec): Eip[] {
  return [...ctx.world.eips.values()].filter((e) => e.cloud === 'ucloud' && e.ownerId === ctx.account.id && e.region === region.id && inProject(ctx, e.projectId));
}

function findOwnEip(ctx: ActionContext, region: RegionSpec, id: string): Eip {
  const eip = ownEips(ctx, region).find((e) => e.id === id);
  if (!eip) throw new ApiError(RetCode.UNET_NOT_FOUND, `Failed to get information, resource does not exist: EIP [${id}]`);
  return eip;
}

function allocateEIP(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const { world, params, account } = ctx;
  const operatorName = normaliseOperator(region, params.required('OperatorName'));
  const payMode = params.str('PayMode') ?? 'Bandwidth';
  if (!eipPayModes.has(payMode)) throw ApiError.invalid('PayMode', `unknown pay mode ${payMode}`);
  const bandwidth = params.int('Bandwidth');
  if (bandwidth === undefined) throw ApiError.missing('Bandwidth');
  const max = payMode === 'Traffic' ? 300 : 10_000;
  if (payMode === 'ShareBandwidth' ? bandwidth !== 0 : bandwidth < 1 || bandwidth > max) {
    throw ApiError.invalid('Bandwidth', payMode === 'ShareBandwidth' ? 'must be 0 with ShareBandwidth' : `1-${max} Mbps for ${payMode}`);
  }
  const count = params.int('Count', 1);
  if (count < 1 || count > 10) throw ApiError.invalid('Count', '1-10');
  const name = checkName(params.str('Name') ?? 'EIP', 'Name');
  const tag = checkName(params.str('Tag') ?? 'Default', 'Tag');
  const chargeType = params.str('ChargeType') ?? 'Month';
  const set: Payload[] = [];
  for (let i = 0; i < count; i++) {
    const eip = world.allocateEip({ cloud: 'ucloud', ownerId: account.id, region: region.id, bandwidth, payMode, operatorName });
    eip.projectId = ctx.projectId;
    eip.address = placeholderAddress(eip.id);
    // The business group as a tag, as for hosts and images (see /_sandbox/resources).
    eip.tags = { Tag: tag };
    meta(world).eips.set(eip.id, { name, tag, remark: params.str('Remark') ?? '', chargeType });
    set.push({ EIPId: eip.id, EIPAddr: [{ OperatorName: addrOperator(eip), IP: eip.address }] });
  }
  return { EIPSet: set };
}

function bindEIP(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const { world, params } = ctx;
  const eip = findOwnEip(ctx, region, params.required('EIPId'));
  const resourceType = params.required('ResourceType');
  const resourceId = params.required('ResourceId');
  if (resourceType !== 'uhost') throw new ApiError(RetCode.EIP_CANNOT_BIND, `Bind failed, the EIP cannot be bound to resource type ${resourceType} in the sandbox`);
  const host = world.findHost('ucloud', region.id, resourceId, ctx.account.id);
  if (!host || !inProject(ctx, host.projectId) || host.state === 'terminated' || host.state === 'terminating') {
    throw new ApiError(RetCode.UNET_NOT_FOUND, `Failed to get information, resource does not exist: ${resourceType} [${resourceId}]`);
  }
  if (eip.hostId === host.id) return {};
  if (eip.hostId) throw new ApiError(RetCode.EIP_IN_USE, `Operation failed, the EIP is in use: ${eip.id} is bound to ${eip.hostId}`);
  if (host.eipIds.length > 0) throw new ApiError(RetCode.EIP_ALREADY_ON_RESOURCE, `Operation failed, ${host.id} already has an EIP (${host.eipIds.join(', ')}); unbind it first`);
  world.bindEip(eip, host);
  return {};
}

function unBindEIP(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const { params } = ctx;
  const eip = findOwnEip(ctx, region, params.required('EIPId'));
  params.required('ResourceType');
  const resourceId = params.required('ResourceId');
  if (eip.hostId !== resourceId) {
    throw new ApiError(RetCode.EIP_NOT_BOUND, `Failed to get information, EIP ${eip.id} is not bound to ${resourceId}${eip.hostId ? ` (it is bound to ${eip.hostId})` : ''}`);
  }
  ctx.world.unbindEip(eip);
  return {};
}

function releaseEIP(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const eip = findOwnEip(ctx, region, ctx.params.required('EIPId'));
  ctx.world.releaseEip(eip); // bound → IN_USE → 4212
  meta(ctx.world).eips.delete(eip.id);
  return {};
}

function eipView(ctx: ActionContext, eip: Eip): Payload {
  const m = meta(ctx.world).eips.get(eip.id);
  const host = eip.hostId ? ctx.world.hosts.get(eip.hostId) : undefined;
  const chargeType = m?.chargeType ?? 'Month';
  const created = unixSeconds(eip.createdAt);
  return {
    EIPId: eip.id,
    Weight: 50,
    BandwidthType: eip.payMode === 'ShareBandwidth' ? 1 : 0,
    Bandwidth: eip.bandwidth,
    Status: eip.hostId ? 'used' : 'free',
    ChargeType: chargeType,
    CreateTime: created,
    ExpireTime: created + (chargeType === 'Year' ? 365 : 30) * 86_400,
    Resource: host ? { ResourceType: 'uhost', ResourceName: host.name, ResourceID: host.id, Zone: host.zone, EIPId: eip.id } : {},
    EIPAddr: [{ OperatorName: addrOperator(eip), IP: eip.address }],
    Name: m?.name ?? 'EIP',
    Tag: m?.tag ?? 'Default',
    Remark: m?.remark ?? '',
    PayMode: eip.payMode,
    ShareBandwidthSet: {},
    Expire: false,
  };
}

function describeEIP(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const ids = ctx.params.list('EIPIds');
  const ips = ctx.params.list('IPs');
  // Ids and IPs are a union filter (docs).
  const all = ownEips(ctx, region)
    .filter((e) => (ids.length === 0 && ips.length === 0) || ids.includes(e.id) || ips.includes(e.address))
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  return {
    TotalCount: all.length,
    UnbindCount: all.filter((e) => !e.hostId).length,
    TotalBandwidth: all.reduce((s, e) => s + e.bandwidth, 0),
    EIPSet: page(all, ctx.params.paging()).map((e) => eipView(ctx, e)),
  };
}

export const networkActions: ActionTable = {
  DescribeVPC: { run: describeVPC, errors: 'other' },
  DescribeSubnet: { run: describeSubnet, errors: 'other' },
  DescribeFirewall: { run: describeFirewall, errors: 'firewall' },
  CreateFirewall: { run: createFirewall, errors: 'firewall' },
  DeleteFirewall: { run: deleteFirewall, errors: 'firewall' },
  AllocateEIP: { run: allocateEIP, errors: 'eip' },
  BindEIP: { run: bindEIP, errors: 'eip' },
  UnBindEIP: { run: unBindEIP, errors: 'eip' },
  ReleaseEIP: { run: releaseEIP, errors: 'eip' },
  DescribeEIP: { run: describeEIP, errors: 'eip' },
};
