import { sql } from 'drizzle-orm';
import { doublePrecision, index, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cloudKind } from './clouds';
import { updatedAt } from './columns';

// The vendors' API budgets and the limits every worker of this database shares. Workers are
// separate processes (npm run worker, as many as wanted) that build with the same cloud
// accounts; each account's request buckets and copy slots exist once at the vendor, so they
// exist once here too (server/services/builds/shared-api-budget.ts).

export const apiActionClass = pgEnum('api_action_class', ['describe', 'mutate', 'copy']);

/**
 * Our model of one vendor token bucket (per cloud, account, region and action class), taken from
 * by every worker in small time-bound leases. `account_hash` is a SHA-256 of the account's key
 * id: the vendor meters per key, and the key id itself stays sealed in cloud_accounts.
 */
export const apiBudgetBuckets = pgTable(
  'api_budget_buckets',
  {
    cloud: cloudKind('cloud').notNull(),
    accountHash: text('account_hash').notNull(),
    /** The vendor region, or `*` for account-level calls. */
    region: text('region').notNull(),
    actionClass: apiActionClass('action_class').notNull(),
    /** Tokens left at `refilled_at` (fractional: refill is continuous). */
    tokens: doublePrecision('tokens').notNull(),
    refilledAt: timestamp('refilled_at', { withTimezone: true, precision: 3 }).notNull(),
    /** After a throttle: the slowed refill rate (tokens/s) and when it was cut; null when not slowed. */
    slowedRate: doublePrecision('slowed_rate'),
    slowedAt: timestamp('slowed_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.cloud, t.accountHash, t.region, t.actionClass] })],
);

/** `copy`: a concurrent image copy into one destination region; `account-run`: a build run of an account. */
export const leaseSlotKind = pgEnum('lease_slot_kind', ['copy', 'account-run']);
export type LeaseSlotKind = (typeof leaseSlotKind.enumValues)[number];

/**
 * A held slot of a limit shared by all workers. The holder renews `lease_expires_at` while it
 * holds the slot; a worker that dies stops renewing, and its slot counts no more once the lease
 * has passed (and is deleted by the next acquirer), so a dead worker cannot hold slots forever.
 */
export const leaseSlots = pgTable(
  'lease_slots',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: leaseSlotKind('kind').notNull(),
    /** copy: `cloud/account_hash/region`; account-run: the cloud account's id. */
    scope: text('scope').notNull(),
    /** Who holds it: the build run (account-run) or the worker process (copy). */
    holder: text('holder').notNull(),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, precision: 3 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [index('lease_slots_scope_idx').on(t.kind, t.scope, t.leaseExpiresAt)],
);
