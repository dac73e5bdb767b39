import { createHash } from 'node:crypto';
import type { Ec2Context } from './context';
import { Ec2Error } from './errors';
import { readTags, type Params } from './query';
import { ec2Extras } from './state';
import type { XmlObject } from './xml';
import type { RegionSpec, ZoneSpec } from '../world/types';

// Shapes several actions share: tag sets, TagSpecification, and the default VPC layout
// (one default VPC per account and region, one default subnet per Availability Zone).

export function tagSet(tags: Record<string, string>): XmlObject[] {
  return Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
}

/** Tags the caller sees on a resource: its own tags, or (for things it does not own) its overlay. */
export function visibleTags(ctx: Ec2Context, resource: { id: string; ownerId: string; tags: Record<string, string> }): Record<string, string> {
  return resource.ownerId === ctx.account.id ? resource.tags : readOverlayTags(ctx, resource.id);
}

export function readOverlayTags(ctx: Ec2Context, id: string): Record<string, string> {
  return ec2Extras(ctx.world).overlayTags.get(`${ctx.account.id}|${id}`) ?? {};
}

/** The caller's own (writable) tag record for a resource it does not own. */
export function overlayTags(ctx: Ec2Context, id: string): Record<string, string> {
  const table = ec2Extras(ctx.world).overlayTags;
  const key = `${ctx.account.id}|${id}`;
  let tags = table.get(key);
  if (!tags) {
    tags = {};
    table.set(key, tags);
  }
  return tags;
}

export function validateTag(key: string, value: string): void {
  if (key.length > 128) throw new Ec2Error('InvalidParameterValue', `Tag key exceeds the maximum length of 128 characters: ${key}`);
  if (value.length > 256) throw new Ec2Error('InvalidParameterValue', `Tag value exceeds the maximum length of 256 characters for key ${key}`);
  if (key.toLowerCase().startsWith('aws:')) throw new Ec2Error('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
}

/** `TagSpecification.N.ResourceType` + `.Tag.M.Key/Value`, by resource type. */
export function readTagSpecifications(params: Params, allowed: string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const spec of params.structs('TagSpecification')) {
    const type = spec.str('ResourceType');
    if (!type) throw new Ec2Error('InvalidParameterValue', 'Tag specifications must name a ResourceType');
    if (!allowed.includes(type)) throw new Ec2Error('InvalidParameterValue', `'${type}' is not a valid taggable resource type for this operation.`);
    const tags = (out[type] ??= {});
    for (const { key, value } of readTags(spec)) {
      validateTag(key, value);
      tags[key] = value;
    }
    if (Object.keys(tags).length > 50) throw new Ec2Error('TagLimitExceeded', 'The maximum number of tags per resource (50) was exceeded');
  }
  return out;
}

// ---- default VPC ------------------------------------------------------------------------

export const VPC_CIDR = '10.0.0.0/16';

export interface DefaultSubnet {
  id: string;
  zone: ZoneSpec;
  index: number;
  cidr: string;
}

export function defaultVpcId(ctx: Ec2Context): string {
  return ctx.world.defaultVpcId('aws', ctx.region.id, ctx.account.id);
}

/** The first zone's subnet is the world's own default subnet id; the others derive from it. */
export function defaultSubnets(ctx: Ec2Context): DefaultSubnet[] {
  const first = ctx.world.defaultSubnetId('aws', ctx.region.id, ctx.account.id);
  return ctx.region.zones.map((zone, index) => ({
    id: index === 0 ? first : `subnet-${createHash('sha256').update(`${first}|${zone.id}`).digest('hex').slice(0, 17)}`,
    zone,
    index,
    cidr: `10.0.${index * 16}.0/20`,
  }));
}

export function subnetForZone(ctx: Ec2Context, zoneId: string): DefaultSubnet | undefined {
  return defaultSubnets(ctx).find((s) => s.zone.id === zoneId);
}

/** AWS's zone ids: us-east-1 + index 0 → use1-az1, ap-southeast-2 → apse2-az1. */
export function zoneIdOf(region: RegionSpec, zone: ZoneSpec): string {
  const [geo = '', dir = '', num = ''] = region.id.split('-');
  const dirs: Record<string, string> = { east: 'e', west: 'w', north: 'n', south: 's', central: 'c', northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw' };
  return `${geo}${dirs[dir] ?? dir.slice(0, 1)}${num}-az${region.zones.indexOf(zone) + 1}`;
}

export function isoDate(ms: number): Date {
  return new Date(ms);
}
