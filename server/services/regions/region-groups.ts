import { asc, eq, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '@/db';
import type { TCreateRegionGroupRequest, TRegionRef, TUpdateRegionGroupRequest } from '@/server/api/schemas/regions';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { nameTaken, withUniqueName } from '../unique-names';
import { inventoryRegionFacts } from './region-strategies';
import { regionKey } from './strategy-suggestions';

type Cloud = 'ucloud' | 'aws';

function dedupe(members: TRegionRef[]): TRegionRef[] {
  const seen = new Map<string, TRegionRef>();
  for (const m of members) seen.set(regionKey(m.cloud, m.region), { cloud: m.cloud, region: m.region });
  return [...seen.values()].sort((a, b) => a.cloud.localeCompare(b.cloud) || a.region.localeCompare(b.region));
}

/** New members must be regions of the inventory (members kept from before may have gone: resolve says so). */
async function refuseUnknown(tx: DbOrTx, members: TRegionRef[], keep: Set<string> = new Set()) {
  const known = new Set((await inventoryRegionFacts(tx)).map((f) => regionKey(f.cloud, f.region)));
  const unknown = members.filter((m) => !known.has(regionKey(m.cloud, m.region)) && !keep.has(regionKey(m.cloud, m.region)));
  if (unknown.length > 0)
    throw new AppError('REGION_UNKNOWN', {
      userMessage: `Not in the inventory: ${unknown.map((m) => `${m.cloud} ${m.region}`).join(', ')}.`,
      details: { regions: unknown },
    });
}

async function membersOf(db: DbOrTx, groupId: string): Promise<TRegionRef[]> {
  const m = tables.regionGroupMembers;
  return db.select({ cloud: m.cloud, region: m.region }).from(m).where(eq(m.groupId, groupId)).orderBy(asc(m.cloud), asc(m.region));
}

/** Every group with its members, by name. */
export async function findRegionGroups(db: Db) {
  const g = tables.regionGroups;
  const groups = await db
    .select({ id: g.id, name: g.name, description: g.description, updatedAt: g.updatedAt, updatedBy: tables.users.email })
    .from(g)
    .leftJoin(tables.users, eq(tables.users.id, sql`coalesce(${g.updatedBy}, ${g.createdBy})`))
    .orderBy(asc(sql`lower(${g.name})`));
  const m = tables.regionGroupMembers;
  const members = await db.select({ groupId: m.groupId, cloud: m.cloud, region: m.region }).from(m).orderBy(asc(m.cloud), asc(m.region));
  return groups.map((group) => ({ ...group, members: members.filter((x) => x.groupId === group.id).map(({ cloud, region }) => ({ cloud, region })) }));
}

export async function createRegionGroup(db: Db, actor: Actor, input: TCreateRegionGroupRequest) {
  const members = dedupe(input.members);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: tables.regionGroups.id }).from(tables.regionGroups).where(eq(tables.regionGroups.name, input.name));
    if (taken) throw nameTaken('region_groups_name_unique', input.name);
    await refuseUnknown(tx, members);
    const [row] = await withUniqueName('region_groups_name_unique', input.name, () =>
      tx.insert(tables.regionGroups).values({ name: input.name, description: input.description, createdBy: actor.id, updatedBy: actor.id }).returning({ id: tables.regionGroups.id }),
    );
    if (members.length > 0) await tx.insert(tables.regionGroupMembers).values(members.map((m) => ({ groupId: row!.id, ...m })));
    await recordAudit(tx, actor, {
      action: 'region-group.create',
      targetType: 'region-group',
      targetId: row!.id,
      details: { name: input.name, members: members.map((m) => regionKey(m.cloud, m.region)) },
    });
    return { id: row!.id, name: input.name, members };
  });
}

export async function updateRegionGroup(db: Db, actor: Actor, input: TUpdateRegionGroupRequest) {
  return db.transaction(async (tx) => {
    const g = tables.regionGroups;
    const [before] = await tx.select().from(g).where(eq(g.id, input.id)).for('update');
    if (!before) throw new AppError('NOT_FOUND', { userMessage: 'No such region group.' });
    const beforeMembers = await membersOf(tx, before.id);
    const changes: Record<string, unknown> = {};
    const was: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== before.name) {
      const [taken] = await tx.select({ id: g.id }).from(g).where(eq(g.name, input.name));
      if (taken) throw nameTaken('region_groups_name_unique', input.name);
      changes.name = input.name;
      was.name = before.name;
    }
    if (input.description !== undefined && input.description !== before.description) {
      changes.description = input.description;
      was.description = before.description;
    }
    let members: TRegionRef[] | null = null;
    if (input.members !== undefined) {
      const next = dedupe(input.members);
      const keys = (xs: TRegionRef[]) => xs.map((m) => regionKey(m.cloud, m.region));
      if (keys(next).join(',') !== keys(beforeMembers).join(',')) {
        await refuseUnknown(tx, next, new Set(keys(beforeMembers)));
        members = next;
        changes.members = keys(next);
        was.members = keys(beforeMembers);
      }
    }
    if (Object.keys(changes).length === 0) return { id: before.id, changed: [] as string[] };
    await withUniqueName('region_groups_name_unique', input.name ?? before.name, () =>
      tx
        .update(g)
        .set({ ...(changes.name !== undefined && { name: changes.name as string }), ...(changes.description !== undefined && { description: changes.description as string }), updatedBy: actor.id })
        .where(eq(g.id, before.id)),
    );
    if (members) {
      await tx.delete(tables.regionGroupMembers).where(eq(tables.regionGroupMembers.groupId, before.id));
      if (members.length > 0) await tx.insert(tables.regionGroupMembers).values(members.map((m) => ({ groupId: before.id, ...m })));
    }
    await recordAudit(tx, actor, {
      action: 'region-group.update',
      targetType: 'region-group',
      targetId: before.id,
      details: { name: (changes.name as string | undefined) ?? before.name, before: was, after: changes },
    });
    return { id: before.id, changed: Object.keys(changes) };
  });
}

export async function deleteRegionGroup(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [gone] = await tx.delete(tables.regionGroups).where(eq(tables.regionGroups.id, id)).returning({ id: tables.regionGroups.id, name: tables.regionGroups.name });
    if (!gone) throw new AppError('NOT_FOUND', { userMessage: 'No such region group.' });
    await recordAudit(tx, actor, { action: 'region-group.delete', targetType: 'region-group', targetId: gone.id, details: { name: gone.name } });
    return { id: gone.id };
  });
}

export interface ResolvedRegionGroup {
  id: string;
  name: string;
  /** Members that are regions of the inventory now. */
  members: { cloud: Cloud; region: string }[];
  /** Members that are not (the region is gone or its account was removed), with the reason. */
  refused: { cloud: Cloud; region: string; reason: string }[];
}

/** A group's members for a build or rollout: those still in the inventory, and the others with why. */
export async function resolveRegionGroup(db: DbOrTx, id: string): Promise<ResolvedRegionGroup> {
  const [group] = await db.select({ id: tables.regionGroups.id, name: tables.regionGroups.name }).from(tables.regionGroups).where(eq(tables.regionGroups.id, id));
  if (!group) throw new AppError('NOT_FOUND', { userMessage: 'No such region group.' });
  const known = new Set((await inventoryRegionFacts(db)).map((f) => regionKey(f.cloud, f.region)));
  const members: ResolvedRegionGroup['members'] = [];
  const refused: ResolvedRegionGroup['refused'] = [];
  for (const m of await membersOf(db, id)) {
    if (known.has(regionKey(m.cloud, m.region))) members.push(m);
    else refused.push({ ...m, reason: `${m.cloud} ${m.region} is no longer a region of the inventory (no account lists it).` });
  }
  return { ...group, members, refused };
}
