import { defaultSubnets, defaultVpcId, overlayTags, readOverlayTags, validateTag } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { RETURN_TRUE } from '../context';
import { Ec2Error, notFound } from '../errors';
import { applyFilters, paginate } from '../filters';
import { readFilters, readTags } from '../query';

// CreateTags / DeleteTags / DescribeTags over every taggable EC2 resource of the account in the
// scope's region. Things the account does not own but may tag (public base AMIs, the default
// VPC and subnets) get per-account tags, as on AWS where tags on a public AMI are private to
// the account that set them.

interface TagTarget {
  id: string;
  type: string;
  tags: Record<string, string>;
}

/** The writable tag record of one resource id, or the EC2 NotFound error for it. */
function resolve(ctx: Ec2Context, id: string): TagTarget {
  const { world, account } = ctx;
  const region = ctx.region.id;
  const mine = <T extends { cloud: string; region: string; ownerId: string }>(r: T | undefined) =>
    r && r.cloud === 'aws' && r.region === region && r.ownerId === account.id ? r : undefined;
  const prefix = id.slice(0, id.indexOf('-') + 1);
  switch (prefix) {
    case 'i-': {
      const h = mine(world.hosts.get(id));
      if (h) return { id, type: 'instance', tags: h.tags };
      break;
    }
    case 'ami-': {
      const image = world.findImage('aws', region, id, account.id);
      if (image) return { id, type: 'image', tags: image.ownerId === account.id ? image.tags : overlayTags(ctx, id) };
      break;
    }
    case 'snap-': {
      const s = mine(world.snapshots.get(id));
      if (s && s.state !== 'deleted') return { id, type: 'snapshot', tags: s.tags };
      break;
    }
    case 'vol-': {
      const v = mine(world.volumes.get(id));
      if (v && v.state !== 'deleted') return { id, type: 'volume', tags: v.tags };
      break;
    }
    case 'sg-': {
      const g = mine(world.firewalls.get(id));
      if (g) return { id, type: 'security-group', tags: g.tags };
      break;
    }
    case 'key-': {
      const k = mine(world.keyPairs.get(id));
      if (k) return { id, type: 'key-pair', tags: k.tags };
      break;
    }
    case 'vpc-':
      if (id === defaultVpcId(ctx)) return { id, type: 'vpc', tags: overlayTags(ctx, id) };
      break;
    case 'subnet-':
      if (defaultSubnets(ctx).some((s) => s.id === id)) return { id, type: 'subnet', tags: overlayTags(ctx, id) };
      break;
  }
  throw notFound(id);
}

function resourceIds(ctx: Ec2Context): string[] {
  const ids = ctx.params.list('ResourceId');
  if (!ids.length) throw new Ec2Error('MissingParameter', 'The request must contain the parameter resourceIdSet');
  return ids;
}

const createTags: Ec2Action = (ctx) => {
  const targets = resourceIds(ctx).map((id) => resolve(ctx, id));
  const tags = readTags(ctx.params);
  if (!tags.length) throw new Ec2Error('MissingParameter', 'The request must contain the parameter tagSet');
  tags.forEach((t) => validateTag(t.key, t.value));
  // Validate everything first: a refused call must not tag half of its resources.
  for (const target of targets) {
    const keys = new Set([...Object.keys(target.tags), ...tags.map((t) => t.key)]);
    if (keys.size > 50) throw new Ec2Error('TagLimitExceeded', `The maximum number of tags per resource (50) was exceeded for ${target.id}`);
  }
  for (const target of targets) for (const t of tags) target.tags[t.key] = t.value;
  return RETURN_TRUE;
};

/** Without Tag.N every tag goes; a Tag.N.Value (even empty) only deletes on an equal value. */
const deleteTags: Ec2Action = (ctx) => {
  const targets = resourceIds(ctx).map((id) => resolve(ctx, id));
  const tags = readTags(ctx.params);
  for (const target of targets) {
    if (!tags.length) {
      for (const k of Object.keys(target.tags)) delete target.tags[k];
      continue;
    }
    for (const t of tags) {
      if (!Object.hasOwn(target.tags, t.key)) continue;
      if (t.hasValue && target.tags[t.key] !== t.value) continue;
      delete target.tags[t.key];
    }
  }
  return RETURN_TRUE;
};

// A type alias (not an interface) so entries pass as XmlObjects as they are.
type TagEntry = {
  resourceId: string;
  resourceType: string;
  key: string;
  value: string;
};

function allTags(ctx: Ec2Context): TagEntry[] {
  const { world, account } = ctx;
  const region = ctx.region.id;
  const out: TagEntry[] = [];
  const push = (resourceId: string, resourceType: string, tags: Record<string, string>) => {
    for (const [key, value] of Object.entries(tags)) out.push({ resourceId, resourceType, key, value });
  };
  for (const h of world.listHosts('aws', region, account.id)) push(h.id, 'instance', h.tags);
  for (const i of world.listImages('aws', region, account.id)) push(i.id, 'image', i.ownerId === account.id ? i.tags : readOverlayTags(ctx, i.id));
  const owned = <T extends { cloud: string; region: string; ownerId: string }>(r: T) => r.cloud === 'aws' && r.region === region && r.ownerId === account.id;
  for (const s of world.snapshots.values()) if (owned(s) && s.state !== 'deleted') push(s.id, 'snapshot', s.tags);
  for (const v of world.volumes.values()) if (owned(v) && v.state !== 'deleted') push(v.id, 'volume', v.tags);
  for (const g of world.firewalls.values()) if (owned(g)) push(g.id, 'security-group', g.tags);
  for (const k of world.keyPairs.values()) if (owned(k)) push(k.id, 'key-pair', k.tags);
  push(defaultVpcId(ctx), 'vpc', readOverlayTags(ctx, defaultVpcId(ctx)));
  for (const s of defaultSubnets(ctx)) push(s.id, 'subnet', readOverlayTags(ctx, s.id));
  return out;
}

const describeTags: Ec2Action = (ctx) => {
  const entries = applyFilters(
    allTags(ctx),
    readFilters(ctx.params),
    {
      key: (e) => e.key,
      value: (e) => e.value,
      'resource-id': (e) => e.resourceId,
      'resource-type': (e) => e.resourceType,
    },
    (e) => ({ [e.key]: e.value }),
  );
  const { page, nextToken } = paginate(entries, (e) => `${e.resourceId}|${e.key}`, ctx.params, { min: 5, max: 1000 });
  return { tagSet: page, nextToken };
};

export const tagActions: Record<string, Ec2Action> = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
};
