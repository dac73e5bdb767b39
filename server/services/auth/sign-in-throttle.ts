import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';

// Back-off for password guessing, per account and per client address, in the database so
// that every console process counts the same attempts and an address change (or a forged
// X-Forwarded-For) does not start a fresh count for the account.
//
// An attempt is counted *before* the password is checked, inside one short row-locked
// transaction: a burst of parallel guesses cannot all pass a stale read. Once a streak
// reaches `max`, the attempt that reached it sets a lock of `base · 2^(streak − max)` (capped);
// while locked, every attempt — the right password included — is refused without being
// checked. After the lock, one attempt is allowed; failing it doubles the lock. A success
// forgets the account's streak; a quiet period forgets any streak.
export interface ThrottlePolicy {
  max: number;
  baseSeconds: number;
  capSeconds: number;
}

export const THROTTLE_POLICY = {
  account: { max: 5, baseSeconds: 30, capSeconds: 60 * 60 },
  address: { max: 20, baseSeconds: 60, capSeconds: 60 * 60 },
} as const satisfies Record<string, ThrottlePolicy>;
/** A streak is forgotten this long after its last attempt or lock, whichever is later. */
export const THROTTLE_QUIET_SECONDS = 15 * 60;

export type ThrottleScope = keyof typeof THROTTLE_POLICY;
export interface ThrottleKey {
  scope: ThrottleScope;
  key: string;
}

export const accountThrottleKey = (email: string): ThrottleKey => ({ scope: 'account', key: `account:${email.trim().toLowerCase()}` });
// Requests whose address is unknown share one bucket: better than none.
export const addressThrottleKey = (address: string | null): ThrottleKey => ({ scope: 'address', key: `address:${address ?? 'unknown'}` });

export type Reservation =
  | { allowed: true; /** Locks this attempt set (they stand if it fails). */ lockedNow: { scope: ThrottleScope; until: Date }[] }
  | { allowed: false; scope: ThrottleScope; retryAfterSeconds: number };

const t = tables.signInThrottles;

export function lockSeconds(policy: ThrottlePolicy, streak: number): number {
  return Math.min(policy.baseSeconds * 2 ** Math.max(0, streak - policy.max), policy.capSeconds);
}

/** Counts one attempt on every key, or refuses it (counting nothing) if any key is locked. */
export async function reserveAttempt(db: Db, keys: readonly ThrottleKey[], now = new Date()): Promise<Reservation> {
  const ordered = [...keys].sort((a, b) => a.key.localeCompare(b.key)); // one lock order: no deadlocks
  return db.transaction(async (tx) => {
    await tx
      .insert(t)
      .values(ordered.map((k) => ({ key: k.key, failures: 0, lastAttemptAt: now })))
      .onConflictDoNothing();
    const rows = await tx
      .select()
      .from(t)
      .where(inArray(t.key, ordered.map((k) => k.key)))
      .orderBy(asc(t.key))
      .for('update');
    const scopeOf = (key: string) => ordered.find((k) => k.key === key)!.scope;

    const locked = rows
      .filter((r) => r.lockedUntil && r.lockedUntil > now)
      .map((r) => ({ scope: scopeOf(r.key), until: r.lockedUntil! }))
      .sort((a, b) => b.until.getTime() - a.until.getTime());
    if (locked[0]) {
      return { allowed: false, scope: locked[0].scope, retryAfterSeconds: Math.max(1, Math.ceil((locked[0].until.getTime() - now.getTime()) / 1000)) };
    }

    const lockedNow: { scope: ThrottleScope; until: Date }[] = [];
    for (const row of rows) {
      const scope = scopeOf(row.key);
      const policy = THROTTLE_POLICY[scope];
      const lastActivity = Math.max(row.lastAttemptAt.getTime(), row.lockedUntil?.getTime() ?? 0);
      const quiet = now.getTime() - lastActivity > THROTTLE_QUIET_SECONDS * 1000;
      const failures = (quiet ? 0 : row.failures) + 1;
      const lockedUntil = failures >= policy.max ? new Date(now.getTime() + lockSeconds(policy, failures) * 1000) : null;
      if (lockedUntil) lockedNow.push({ scope, until: lockedUntil });
      await tx.update(t).set({ failures, lastAttemptAt: now, lockedUntil, updatedAt: now }).where(eq(t.key, row.key));
    }
    return { allowed: true, lockedNow };
  });
}

/**
 * Takes back the count of an attempt that did not fail: the password was right, or it was
 * never checked (a malformed request). A lock the attempt set is lifted with it.
 */
export async function releaseAttempt(db: Db, keys: readonly ThrottleKey[], now = new Date()): Promise<void> {
  for (const k of keys) {
    const policy = THROTTLE_POLICY[k.scope];
    await db
      .update(t)
      .set({
        failures: sql`greatest(${t.failures} - 1, 0)`,
        lockedUntil: sql`case when ${t.failures} - 1 < ${policy.max} then null else ${t.lockedUntil} end`,
        updatedAt: now,
      })
      .where(and(eq(t.key, k.key), sql`${t.failures} > 0`));
  }
}

/** Forgets an account's streak and lock: after a successful sign-in, or when an admin resets the password. */
export async function clearThrottle(db: Db, key: ThrottleKey): Promise<void> {
  await db.delete(t).where(eq(t.key, key.key));
}

/** Rows whose streak is forgotten anyway; the housekeeping job deletes them. */
export async function purgeIdleThrottles(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - THROTTLE_QUIET_SECONDS * 1000);
  const rows = await db
    .delete(t)
    .where(sql`greatest(${t.lastAttemptAt}, coalesce(${t.lockedUntil}, ${t.lastAttemptAt})) < ${cutoff.toISOString()}::timestamptz`)
    .returning({ key: t.key });
  return rows.length;
}
