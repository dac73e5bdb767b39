import { createHash } from 'node:crypto';
import { defaultSubnets, defaultVpcId, readOverlayTags, readTagSpecifications, tagSet, VPC_CIDR, zoneIdOf, type DefaultSubnet } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { RETURN_TRUE } from '../context';
import { checkIdShape, Ec2Error, notFound } from '../errors';
import { applyFilters, paginate } from '../filters';
import { readFilters } from '../query';
import type { XmlObject } from '../xml';
import type { Firewall, FirewallRule } from '../../world/types';
import { SandboxError } from '../../world/world';

// Security groups (the world's firewalls) and the default VPC. Packer creates a temporary
// group with an empty VpcId (= default VPC), waits for it with DescribeSecurityGroups,
// opens the communicator port (0 with communicator=none), and deletes it after terminating
// its instance, retrying while the group is still in use (DependencyViolation).

export function ownGroups(ctx: Ec2Context): Firewall[] {
  return ctx.world.listFirewalls('aws', ctx.region.id, ctx.account.id);
}

export function findGroup(ctx: Ec2Context, id: string): Firewall {
  checkIdShape(id, 'sg-');
  const fw = ownGroups(ctx).find((f) => f.id === id);
  if (!fw) throw notFound(id);
  return fw;
}

function findGroupByName(ctx: Ec2Context, name: string): Firewall {
  const vpc = defaultVpcId(ctx);
  const fw = ownGroups(ctx).find((f) => f.name === name && f.vpcId === vpc);
  if (!fw) throw new Ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc}'`);
  return fw;
}

/** `GroupId`, else `GroupName` (default VPC only, as on AWS). */
function groupFromParams(ctx: Ec2Context): Firewall {
  const id = ctx.params.str('GroupId');
  if (id) return findGroup(ctx, id);
  const name = ctx.params.str('GroupName');
  if (name) return findGroupByName(ctx, name);
  throw new Ec2Error('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

// ---- rules ------------------------------------------------------------------------------

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function normalizeProtocol(p: string): string {
  const lower = p.toLowerCase();
  const named = PROTOCOL_NAMES[lower] ?? lower;
  if (['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(named) || /^\d{1,3}$/.test(named)) return named;
  throw new Ec2Error('InvalidParameterValue', `Invalid value '${p}' for IP protocol. Unknown protocol.`);
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function checkCidr(cidr: string, v6: boolean): void {
  const ok = v6 ? /^[0-9a-fA-F:]+\/\d{1,3}$/.test(cidr) : CIDR4.test(cidr) && cidr.split(/[./]/).every((n, i) => Number(n) <= (i === 4 ? 32 : 255));
  if (!ok) throw new Ec2Error('InvalidParameterValue', `CIDR block ${cidr} is malformed`);
}

function portsFor(protocol: string, from: number | undefined, to: number | undefined): { fromPort: number; toPort: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) throw new Ec2Error('InvalidParameterValue', `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`);
    if (from < 0 || to > 65535 || from > to) throw new Ec2Error('InvalidParameterValue', `Invalid value '${from}-${to}' for portRange: ports must be 0-65535 and from <= to`);
    return { fromPort: from, toPort: to };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') return { fromPort: from ?? -1, toPort: to ?? -1 };
  return { fromPort: -1, toPort: -1 };
}

/** `IpPermissions.N.*` (or the legacy flat `IpProtocol`/`CidrIp`/… form) → world rules. */
function readRules(ctx: Ec2Context): FirewallRule[] {
  const { params } = ctx;
  const perms = params.structs('IpPermissions');
  const rules: FirewallRule[] = [];
  const add = (protocol: string, from: number | undefined, to: number | undefined, source: string, remark?: string) =>
    rules.push({ protocol, ...portsFor(protocol, from, to), source, action: 'ACCEPT', remark });
  if (!perms.length) {
    const proto = params.str('IpProtocol');
    if (!proto) throw new Ec2Error('MissingParameter', 'The request must contain the parameter ipPermissions');
    const protocol = normalizeProtocol(proto);
    const cidr = params.str('CidrIp');
    const sourceGroup = params.str('SourceSecurityGroupName');
    if (cidr) checkCidr(cidr, false);
    const source = cidr ?? (sourceGroup ? findGroupByName(ctx, sourceGroup).id : '0.0.0.0/0');
    add(protocol, params.int('FromPort'), params.int('ToPort'), source);
    return rules;
  }
  for (const p of perms) {
    const protocol = normalizeProtocol(p.required('IpProtocol'));
    const from = p.int('FromPort');
    const to = p.int('ToPort');
    for (const r of p.structs('IpRanges')) {
      const cidr = r.required('CidrIp');
      checkCidr(cidr, false);
      add(protocol, from, to, cidr, r.str('Description'));
    }
    for (const r of p.structs('Ipv6Ranges')) {
      const cidr = r.required('CidrIpv6');
      checkCidr(cidr, true);
      add(protocol, from, to, cidr, r.str('Description'));
    }
    for (const g of p.structs('Groups')) {
      const id = g.str('GroupId');
      const name = g.str('GroupName');
      const source = id ? findGroup(ctx, id).id : name ? findGroupByName(ctx, name).id : undefined;
      if (!source) throw new Ec2Error('MissingParameter', 'A group pair must name a GroupId or GroupName');
      add(protocol, from, to, source, g.str('Description'));
    }
  }
  return rules;
}

const sameRule = (a: FirewallRule, b: FirewallRule) => a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.source === b.source;

function describeRule(r: FirewallRule): string {
  return `peer: ${r.source}, ${r.protocol === '-1' ? 'ALL' : r.protocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
}

function ruleId(fw: Firewall, r: FirewallRule): string {
  return `sgr-${createHash('sha256').update(`${fw.id}|${r.protocol}|${r.fromPort}|${r.toPort}|${r.source}`).digest('hex').slice(0, 17)}`;
}

/** World rules grouped as EC2 reports them: one permission per protocol/port range. */
function ipPermissions(ctx: Ec2Context, rules: FirewallRule[]): XmlObject[] {
  const groups = new Map<string, FirewallRule[]>();
  for (const r of rules) {
    const key = `${r.protocol}|${r.fromPort}|${r.toPort}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const first = rs[0]!;
    const ported = first.protocol !== '-1' && !/^\d+$/.test(first.protocol);
    return {
      ipProtocol: first.protocol,
      fromPort: ported ? first.fromPort : undefined,
      toPort: ported ? first.toPort : undefined,
      groups: rs.filter((r) => r.source.startsWith('sg-')).map((r) => ({ groupId: r.source, userId: ctx.account.id, description: r.remark })),
      ipRanges: rs.filter((r) => CIDR4.test(r.source)).map((r) => ({ cidrIp: r.source, description: r.remark })),
      ipv6Ranges: rs.filter((r) => r.source.includes(':')).map((r) => ({ cidrIpv6: r.source, description: r.remark })),
      prefixListIds: [],
    };
  });
}

const ALLOW_ALL_EGRESS: FirewallRule = { protocol: '-1', fromPort: -1, toPort: -1, source: '0.0.0.0/0', action: 'ACCEPT' };

function groupView(ctx: Ec2Context, fw: Firewall): XmlObject {
  return {
    ownerId: fw.ownerId,
    groupId: fw.id,
    groupName: fw.name,
    groupDescription: fw.description,
    vpcId: fw.vpcId,
    securityGroupArn: `arn:aws:ec2:${fw.region}:${fw.ownerId}:security-group/${fw.id}`,
    ipPermissions: ipPermissions(ctx, fw.rules),
    // VPC groups allow all outbound traffic unless told otherwise; the world keeps no egress rules.
    ipPermissionsEgress: ipPermissions(ctx, [ALLOW_ALL_EGRESS]),
    tagSet: tagSet(fw.tags),
  };
}

// ---- security group actions -------------------------------------------------------------

const createSecurityGroup: Ec2Action = (ctx) => {
  const { params } = ctx;
  const name = params.required('GroupName');
  const description = params.required('GroupDescription');
  if (name.length > 255 || description.length > 255) throw new Ec2Error('InvalidParameterValue', 'Group names and descriptions may be at most 255 characters long');
  if (/^sg-/i.test(name)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${name}' for GroupName. Group names may not be in the format sg-*.`);
  if (name === 'default') throw new Ec2Error('InvalidGroup.Reserved', `The security group 'default' is reserved`);
  const vpcId = params.str('VpcId') ?? defaultVpcId(ctx);
  if (vpcId !== defaultVpcId(ctx)) {
    checkIdShape(vpcId, 'vpc-');
    throw notFound(vpcId);
  }
  const tags = readTagSpecifications(params, ['security-group']);
  try {
    const fw = ctx.world.createFirewall({ cloud: 'aws', ownerId: ctx.account.id, region: ctx.region.id, name, description, vpcId, tags: tags['security-group'] });
    return { return: true, groupId: fw.id, securityGroupArn: `arn:aws:ec2:${fw.region}:${fw.ownerId}:security-group/${fw.id}`, tagSet: tagSet(fw.tags) };
  } catch (err) {
    if (err instanceof SandboxError && err.kind === 'DUPLICATE') {
      throw new Ec2Error('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
    }
    throw err;
  }
};

const describeSecurityGroups: Ec2Action = (ctx) => {
  const { params } = ctx;
  const ids = params.list('GroupId');
  const names = params.list('GroupName');
  let groups = ownGroups(ctx);
  if (ids.length || names.length) {
    const wanted = [...ids.map((id) => findGroup(ctx, id)), ...names.map((n) => findGroupByName(ctx, n))];
    groups = groups.filter((g) => wanted.includes(g));
  }
  groups = applyFilters(
    groups,
    readFilters(params),
    {
      'group-id': (g) => g.id,
      'group-name': (g) => g.name,
      description: (g) => g.description,
      'vpc-id': (g) => g.vpcId,
      'owner-id': (g) => g.ownerId,
      'ip-permission.protocol': (g) => g.rules.map((r) => r.protocol),
      'ip-permission.from-port': (g) => g.rules.map((r) => r.fromPort),
      'ip-permission.to-port': (g) => g.rules.map((r) => r.toPort),
      'ip-permission.cidr': (g) => g.rules.map((r) => r.source).filter((s) => CIDR4.test(s)),
      'ip-permission.ipv6-cidr': (g) => g.rules.map((r) => r.source).filter((s) => s.includes(':')),
      'ip-permission.group-id': (g) => g.rules.map((r) => r.source).filter((s) => s.startsWith('sg-')),
    },
    (g) => g.tags,
  );
  const { page, nextToken } = paginate(groups, (g) => g.id, params, { min: 5, max: 1000 });
  return { securityGroupInfo: page.map((g) => groupView(ctx, g)), nextToken };
};

const authorizeSecurityGroupIngress: Ec2Action = (ctx) => {
  const fw = groupFromParams(ctx);
  const rules = readRules(ctx);
  for (const r of rules) {
    if (fw.rules.some((x) => sameRule(x, r)) || rules.filter((x) => sameRule(x, r)).length > 1) {
      throw new Ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
    }
  }
  fw.rules.push(...rules);
  return {
    return: true,
    securityGroupRuleSet: rules.map((r) => ({
      securityGroupRuleId: ruleId(fw, r),
      groupId: fw.id,
      groupOwnerId: fw.ownerId,
      isEgress: false,
      ipProtocol: r.protocol,
      fromPort: r.fromPort,
      toPort: r.toPort,
      cidrIpv4: CIDR4.test(r.source) ? r.source : undefined,
      cidrIpv6: r.source.includes(':') ? r.source : undefined,
      referencedGroupInfo: r.source.startsWith('sg-') ? { groupId: r.source, userId: ctx.account.id } : undefined,
      description: r.remark,
    })),
  };
};

const revokeSecurityGroupIngress: Ec2Action = (ctx) => {
  const fw = groupFromParams(ctx);
  const rules = readRules(ctx);
  for (const r of rules) {
    if (!fw.rules.some((x) => sameRule(x, r))) throw new Ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
  }
  fw.rules = fw.rules.filter((x) => !rules.some((r) => sameRule(x, r)));
  return RETURN_TRUE;
};

const deleteSecurityGroup: Ec2Action = (ctx) => {
  const fw = groupFromParams(ctx);
  if (fw.type === 'default') {
    throw new Ec2Error('CannotDelete', `the specified group: "${fw.id}" name: "${fw.name}" cannot be deleted by a user`);
  }
  try {
    ctx.world.deleteFirewall(fw);
  } catch (err) {
    if (err instanceof SandboxError && err.kind === 'IN_USE') throw new Ec2Error('DependencyViolation', `resource ${fw.id} has a dependent object`);
    throw err;
  }
  return { return: true, groupId: fw.id };
};

// ---- default VPC and subnets ------------------------------------------------------------

function vpcView(ctx: Ec2Context, vpcId: string): XmlObject {
  return {
    vpcId,
    ownerId: ctx.account.id,
    state: 'available',
    cidrBlock: VPC_CIDR,
    cidrBlockAssociationSet: [{ cidrBlock: VPC_CIDR, associationId: `vpc-cidr-assoc-${vpcId.slice(4)}`, cidrBlockState: { state: 'associated' } }],
    dhcpOptionsId: `dopt-${vpcId.slice(4)}`,
    instanceTenancy: 'default',
    isDefault: true,
    tagSet: tagSet(readOverlayTags(ctx, vpcId)),
  };
}

const describeVpcs: Ec2Action = (ctx) => {
  const vpcId = defaultVpcId(ctx);
  const ids = ctx.params.list('VpcId');
  for (const id of ids) {
    checkIdShape(id, 'vpc-');
    if (id !== vpcId) throw notFound(id);
  }
  const vpcs = applyFilters(
    [vpcId],
    readFilters(ctx.params),
    {
      'vpc-id': (v) => v,
      'is-default': () => true,
      isDefault: () => true,
      state: () => 'available',
      cidr: () => VPC_CIDR,
      'cidr-block-association.cidr-block': () => VPC_CIDR,
      'cidr-block-association.state': () => 'associated',
      'owner-id': () => ctx.account.id,
      'dhcp-options-id': (v) => `dopt-${v.slice(4)}`,
      'instance-tenancy': () => 'default',
    },
    (v) => readOverlayTags(ctx, v),
  );
  return { vpcSet: vpcs.map((v) => vpcView(ctx, v)) };
};

function usedAddresses(ctx: Ec2Context, subnet: DefaultSubnet): number {
  return ctx.world.listHosts('aws', ctx.region.id, ctx.account.id).filter((h) => h.zone === subnet.zone.id && h.state !== 'terminated').length;
}

function subnetView(ctx: Ec2Context, s: DefaultSubnet): XmlObject {
  return {
    subnetId: s.id,
    subnetArn: `arn:aws:ec2:${ctx.region.id}:${ctx.account.id}:subnet/${s.id}`,
    state: 'available',
    ownerId: ctx.account.id,
    vpcId: defaultVpcId(ctx),
    cidrBlock: s.cidr,
    availableIpAddressCount: 4091 - usedAddresses(ctx, s),
    availabilityZone: s.zone.id,
    availabilityZoneId: zoneIdOf(ctx.region, s.zone),
    defaultForAz: true,
    mapPublicIpOnLaunch: true,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    tagSet: tagSet(readOverlayTags(ctx, s.id)),
  };
}

/** A subnet the account may launch into (only the default ones exist). */
export function findSubnet(ctx: Ec2Context, id: string): DefaultSubnet {
  checkIdShape(id, 'subnet-');
  const subnet = defaultSubnets(ctx).find((s) => s.id === id);
  if (!subnet) throw notFound(id);
  return subnet;
}

const describeSubnets: Ec2Action = (ctx) => {
  const ids = ctx.params.list('SubnetId');
  let subnets = defaultSubnets(ctx);
  if (ids.length) subnets = ids.map((id) => findSubnet(ctx, id));
  subnets = applyFilters(
    subnets,
    readFilters(ctx.params),
    {
      'subnet-id': (s) => s.id,
      'vpc-id': () => defaultVpcId(ctx),
      vpcId: () => defaultVpcId(ctx),
      state: () => 'available',
      'availability-zone': (s) => s.zone.id,
      availabilityZone: (s) => s.zone.id,
      'availability-zone-id': (s) => zoneIdOf(ctx.region, s.zone),
      'default-for-az': () => true,
      defaultForAz: () => true,
      'cidr-block': (s) => s.cidr,
      cidrBlock: (s) => s.cidr,
      cidr: (s) => s.cidr,
      'owner-id': () => ctx.account.id,
      'map-public-ip-on-launch': () => true,
      'subnet-arn': (s) => `arn:aws:ec2:${ctx.region.id}:${ctx.account.id}:subnet/${s.id}`,
      'available-ip-address-count': (s) => 4091 - usedAddresses(ctx, s),
    },
    (s) => readOverlayTags(ctx, s.id),
  );
  const { page, nextToken } = paginate(subnets, (s) => s.id, ctx.params, { min: 5, max: 1000 });
  return { subnetSet: page.map((s) => subnetView(ctx, s)), nextToken };
};

export const networkActions: Record<string, Ec2Action> = {
  CreateSecurityGroup: createSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  DeleteSecurityGroup: deleteSecurityGroup,
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
};

