// Slots of a limit shared by every worker of this database (at most N copies into a region, at
// most N runs of an account): a slot is a row with a lease. The holder's process renews its
// leases while it holds them; a process that dies stops renewing, so its slots stop counting
// once their lease has passed — a dead worker cannot hold a limit forever.
import { hostname } from 'node:os';
import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { LeaseSlotKind } from '@/db/schema/budgets';
import { logger } from '@/server/lib/logger';

/** This process, as written into the slots it holds (for people reading the table). */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}`;

export interface SlotLimit {
  kind: LeaseSlotKind;
  scope: string;
  limit: number;
}

/**
 * Takes a slot when fewer than `limit` live ones exist. Under a transaction-scoped advisory lock
 * on the scope, so two workers counting at once cannot both take the last slot. Expired slots of
 * the scope are deleted on the way (their holders are gone). Answers the slot's id, or the
 * number of live slots when all are taken.
 */
export async function tryTakeSlot(db: Db, want: SlotLimit, holder: string, leaseMs: number): Promise<{ id: string } | { inUse: number }> {
  const s = tables.leaseSlots;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${want.kind}/${want.scope}`}, 0))`);
    await tx.delete(s).where(and(eq(s.kind, want.kind), eq(s.scope, want.scope), lt(s.leaseExpiresAt, sql`now()`)));
    const [live] = await tx.select({ n: count() }).from(s).where(and(eq(s.kind, want.kind), eq(s.scope, want.scope)));
    const inUse = Number(live?.n ?? 0);
    if (inUse >= want.limit) return { inUse };
    const [row] = await tx
      .insert(s)
      .values({ kind: want.kind, scope: want.scope, holder, leaseExpiresAt: sql`now() + make_interval(secs => ${leaseMs / 1000}::float8)` })
      .returning({ id: s.id });
    return { id: row!.id };
  });
}

/** Live slots of a scope (expired ones do not count). */
export async function slotsInUse(db: Db, kind: LeaseSlotKind, scope: string): Promise<number> {
  const s = tables.leaseSlots;
  const [live] = await db.select({ n: count() }).from(s).where(and(eq(s.kind, kind), eq(s.scope, scope), gte(s.leaseExpiresAt, sql`now()`)));
  return Number(live?.n ?? 0);
}

/**
 * Renews the leases of the slots this process holds, all in one statement every third of the
 * lease, and deletes a slot when it is released. One per database and lease length.
 */
export class LeaseKeeper {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    readonly leaseMs: number,
  ) {}

  hold(id: string): () => void {
    this.held.add(id);
    this.timer ??= setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(id);
      if (this.held.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
      this.db
        .delete(tables.leaseSlots)
        .where(eq(tables.leaseSlots.id, id))
        .catch((err: unknown) => logger.warn({ err, slot: id }, 'a released slot could not be deleted; its lease ends it'));
    };
  }

  get size(): number {
    return this.held.size;
  }

  private async renew(): Promise<void> {
    const ids = [...this.held];
    if (ids.length === 0) return;
    const s = tables.leaseSlots;
    try {
      const renewed = await this.db
        .update(s)
        .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${this.leaseMs / 1000}::float8)` })
        .where(inArray(s.id, ids))
        .returning({ id: s.id });
      // Gone: this process stalled past its lease and another took the slot over. Nothing to
      // do but say so; the work it guards goes on (the vendor's own limit still stands).
      if (renewed.length < ids.length) logger.warn({ lost: ids.length - renewed.length }, 'slot leases lapsed before they were renewed');
    } catch (err) {
      logger.warn({ err }, 'slot leases could not be renewed');
    }
  }
}
