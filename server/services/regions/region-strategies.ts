import { and, asc, eq, sql } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '@/db';
import type { TRegionRef, TRegionStrategyRefusal, TSetRegionStrategyRequest } from '@/server/api/schemas/regions';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { regionKey, suggestStrategies, type CurrentStrategy, type RegionFacts, type StrategySuggestion } from './strategy-suggestions';

type Cloud = 'ucloud' | 'aws';

/** The active regions of the inventory, one per (cloud, region), with the zones every account sees merged. */
export async function inventoryRegionFacts(db: DbOrTx): Promise<RegionFacts[]> {
  const r = tables.cloudRegions;
  const rows = await db
    .select({ cloud: r.cloud, region: r.region, name: r.name, zones: r.zones })
    .from(r)
    .where(eq(r.active, true))
    .orderBy(asc(r.cloud), asc(r.region), asc(r.createdAt));
  const ena = await db
    .select({
      region: tables.baseImages.region,
      withEna: sql<number>`count(*) filter (where ${tables.baseImages.enaSupport} is true)::int`,
      withoutEna: sql<number>`count(*) filter (where ${tables.baseImages.enaSupport} is false)::int`,
    })
    .from(tables.baseImages)
    .where(and(eq(tables.baseImages.cloud, 'aws'), eq(tables.baseImages.status, 'available')))
    .groupBy(tables.baseImages.region);
  const enaByRegion = new Map(ena.map((e) => [e.region, { withEna: e.withEna, withoutEna: e.withoutEna }]));
  const byKey = new Map<string, RegionFacts>();
  for (const row of rows) {
    const key = regionKey(row.cloud, row.region);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { cloud: row.cloud, region: row.region, name: row.name, zones: [...row.zones], images: row.cloud === 'aws' ? enaByRegion.get(row.region) : undefined });
      continue;
    }
    for (const z of row.zones) if (!seen.zones.some((s) => s.zone === z.zone)) seen.zones.push(z);
  }
  return [...byKey.values()];
}

async function currentStrategies(db: DbOrTx): Promise<Map<string, CurrentStrategy & { updatedAt: Date; updatedBy: string | null }>> {
  const s = tables.regionBuildStrategies;
  const rows = await db
    .select({ cloud: s.cloud, region: s.region, mode: s.mode, sourceRegion: s.sourceRegion, updatedAt: s.updatedAt, updatedBy: tables.users.email })
    .from(s)
    .leftJoin(tables.users, eq(tables.users.id, s.updatedBy));
  return new Map(rows.map((r) => [regionKey(r.cloud, r.region), r]));
}

export interface RegionStrategyDto {
  cloud: Cloud;
  region: string;
  name: string;
  /** Still an active region of the inventory (a strategy outlives a region that disappeared). */
  inInventory: boolean;
  mode: 'build' | 'copy';
  sourceRegion: string | null;
  /** Set by someone (null: the default "build here"). */
  updatedAt: Date | null;
  updatedBy: string | null;
  /** What the inventory suggests when this region cannot run usual builds; null when nothing is wrong. */
  suggestion: StrategySuggestion | null;
}

/** Every region of the inventory with its build strategy and suggestion (Settings → Regions). */
export async function findRegionStrategies(db: Db): Promise<RegionStrategyDto[]> {
  const [facts, current] = await Promise.all([inventoryRegionFacts(db), currentStrategies(db)]);
  const suggestions = suggestStrategies(facts, current);
  const out: RegionStrategyDto[] = facts.map((f) => {
    const key = regionKey(f.cloud, f.region);
    const cur = current.get(key);
    return {
      cloud: f.cloud,
      region: f.region,
      name: f.name,
      inInventory: true,
      mode: cur?.mode ?? 'build',
      sourceRegion: cur?.sourceRegion ?? null,
      updatedAt: cur?.updatedAt ?? null,
      updatedBy: cur?.updatedBy ?? null,
      suggestion: suggestions.get(key) ?? null,
    };
  });
  const known = new Set(out.map((o) => regionKey(o.cloud, o.region)));
  for (const [key, cur] of current) {
    if (known.has(key)) continue;
    const [cloud, region] = key.split(':') as [Cloud, string];
    out.push({ cloud, region, name: region, inInventory: false, mode: cur.mode, sourceRegion: cur.sourceRegion, updatedAt: cur.updatedAt, updatedBy: cur.updatedBy, suggestion: null });
  }
  return out;
}

function refuse(reason: TRegionStrategyRefusal, input: { cloud: Cloud; region: string; sourceRegion?: string | null }, userMessage: string): AppError<'REGION_STRATEGY_REFUSED'> {
  return new AppError('REGION_STRATEGY_REFUSED', {
    userMessage,
    details: { reason, cloud: input.cloud, region: input.region, sourceRegion: input.sourceRegion ?? null },
  });
}

// One writer of strategies at a time, so two admins cannot build a chain between them
// (A copies from B while B is set to copy from A).
const STRATEGY_LOCK = 0x5e6_1011;

/** Sets a region's strategy after checking it can work; audited. Returns the stored strategy. */
export async function setRegionStrategy(db: Db, actor: Actor, input: TSetRegionStrategyRequest) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${STRATEGY_LOCK})`);
    const facts = await inventoryRegionFacts(tx);
    const inInventory = (region: string) => facts.some((f) => f.cloud === input.cloud && f.region === region);
    const sourceRegion = input.mode === 'copy' ? input.sourceRegion : null;
    const ref = { cloud: input.cloud, region: input.region, sourceRegion };
    if (!inInventory(input.region)) throw refuse('UNKNOWN_REGION', ref, `${input.region} is not a region of ${input.cloud} in the inventory.`);
    const current = await currentStrategies(tx);
    if (sourceRegion !== null) {
      if (sourceRegion === input.region) throw refuse('COPY_FROM_ITSELF', ref, `${input.region} cannot copy from itself.`);
      if (!inInventory(sourceRegion)) throw refuse('UNKNOWN_SOURCE', ref, `${sourceRegion} is not a region of ${input.cloud} in the inventory; copy from a region of the same cloud.`);
      if (current.get(regionKey(input.cloud, sourceRegion))?.mode === 'copy')
        throw refuse('SOURCE_COPIES', ref, `${sourceRegion} itself copies from ${current.get(regionKey(input.cloud, sourceRegion))!.sourceRegion}; copy from a region that builds.`);
      const dependants = [...current.entries()].filter(([key, s]) => key.startsWith(`${input.cloud}:`) && s.mode === 'copy' && s.sourceRegion === input.region);
      if (dependants.length > 0)
        throw refuse('REGION_IS_SOURCE', ref, `${input.region} is the copy source of ${dependants.map(([k]) => k.split(':')[1]).join(', ')}; change those first.`);
    }
    const before = current.get(regionKey(input.cloud, input.region));
    const s = tables.regionBuildStrategies;
    await tx
      .insert(s)
      .values({ cloud: input.cloud, region: input.region, mode: input.mode, sourceRegion, updatedBy: actor.id })
      .onConflictDoUpdate({ target: [s.cloud, s.region], set: { mode: input.mode, sourceRegion, updatedBy: actor.id } });
    await recordAudit(tx, actor, {
      action: 'region.strategy',
      targetType: 'region',
      targetId: regionKey(input.cloud, input.region),
      details: {
        name: `${input.cloud} ${input.region}`,
        before: before ? { mode: before.mode, sourceRegion: before.sourceRegion } : { mode: 'build', sourceRegion: null },
        after: { mode: input.mode, sourceRegion },
      },
    });
    return { cloud: input.cloud, region: input.region, mode: input.mode, sourceRegion };
  });
}

/** Applies the inventory's suggestion for a region (the Regions page's one-click "Apply"). */
export async function applyRegionSuggestion(db: Db, actor: Actor, ref: TRegionRef) {
  const facts = await inventoryRegionFacts(db);
  const suggestion = suggestStrategies(facts, await currentStrategies(db)).get(regionKey(ref.cloud, ref.region));
  if (!suggestion?.sourceRegion) throw refuse('NO_SUGGESTION', { ...ref, sourceRegion: null }, `The inventory suggests nothing for ${ref.region}.`);
  return setRegionStrategy(db, actor, { cloud: ref.cloud, region: ref.region, mode: 'copy', sourceRegion: suggestion.sourceRegion });
}

/** The strategy of one region for a build plan: "build" unless set. */
export async function regionStrategyOf(db: DbOrTx, ref: TRegionRef): Promise<CurrentStrategy> {
  const s = tables.regionBuildStrategies;
  const [row] = await db.select({ mode: s.mode, sourceRegion: s.sourceRegion }).from(s).where(and(eq(s.cloud, ref.cloud), eq(s.region, ref.region)));
  return row ?? { mode: 'build', sourceRegion: null };
}
