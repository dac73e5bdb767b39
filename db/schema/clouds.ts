import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ZoneCapabilities } from '@/server/clouds/provider';
import { users } from './auth';
import { updatedAt } from './columns';

export const cloudKind = pgEnum('cloud_kind', ['ucloud', 'aws']);
/** A base image is 'available' while the cloud lists it and 'removed' once a sync no longer sees it (kept for history). */
export const baseImageStatus = pgEnum('base_image_status', ['available', 'removed']);
export const inventorySyncStatus = pgEnum('inventory_sync_status', ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export const inventorySyncTrigger = pgEnum('inventory_sync_trigger', ['schedule', 'manual', 'account-created']);
export type BaseImageStatus = (typeof baseImageStatus.enumValues)[number];
export type InventorySyncStatus = (typeof inventorySyncStatus.enumValues)[number];
export type InventorySyncTrigger = (typeof inventorySyncTrigger.enumValues)[number];
/** An account sync: 'partial' when some regions failed; 'interrupted' when its worker died or stopped. */
export const inventorySyncJobStatus = pgEnum('inventory_sync_job_status', ['queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted']);
export type InventorySyncJobStatus = (typeof inventorySyncJobStatus.enumValues)[number];

// Keys are stored only as AES-256-GCM ciphertext (server/lib/secrets.ts); `key_hint` keeps
// the last four characters so people can tell accounts apart without seeing the key.
export const cloudAccounts = pgTable('cloud_accounts', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: text('name').notNull().unique(),
  cloud: cloudKind('cloud').notNull(),
  environment: text('environment').notNull(),
  /** Sealed UCloud public key / AWS access key id. */
  keyIdSealed: text('key_id_sealed').notNull(),
  /** Sealed UCloud private key / AWS secret access key. */
  secretSealed: text('secret_sealed').notNull(),
  keyHint: text('key_hint').notNull(),
  projectId: text('project_id'),
  endpoint: text('endpoint'),
  /**
   * The SSH port build hosts answer on, when a cloud serves every host on one port (the sandbox
   * cloud's shared SSH server); null: the template's `ssh_port`, as on a real cloud.
   */
  sshPort: integer('ssh_port'),
  /** DescribeImage Limit / DescribeImages MaxResults for inventory syncs. */
  imagePageSize: integer('image_page_size').notNull().default(20),
  /** Regions synced at once for this account. */
  syncConcurrency: integer('sync_concurrency').notNull().default(4),
  /** Minutes between scheduled syncs; 0 = only on demand. */
  syncIntervalMinutes: integer('sync_interval_minutes').notNull().default(360),
  /**
   * Build runs of this account running at once across all workers; the others wait queued.
   * 25: a 24-region build of one account runs all at once; each run's API calls still queue
   * on the account's shared budget (api_budget_buckets).
   */
  maxConcurrentRuns: integer('max_concurrent_runs').notNull().default(25),
  enabled: boolean('enabled').notNull().default(true),
  /** Created by the embedded default for the sandbox cloud. */
  sandbox: boolean('sandbox').notNull().default(false),
  lastTestAt: timestamp('last_test_at', { withTimezone: true }),
  lastTestOk: boolean('last_test_ok'),
  lastTestError: text('last_test_error'),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: updatedAt(),
});

export const cloudRegions = pgTable(
  'cloud_regions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id')
      .notNull()
      .references(() => cloudAccounts.id, { onDelete: 'cascade' }),
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    name: text('name').notNull(),
    /** [{ zone, bootDiskTypes, hostTypes, cpuPlatforms? }] as the discovery actions report them. */
    zones: jsonb('zones').$type<ZoneCapabilities[]>().notNull().default([]),
    /** Still listed by the cloud at the last refresh. */
    active: boolean('active').notNull().default(true),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('cloud_regions_account_region_uq').on(t.accountId, t.region)],
);

export const baseImages = pgTable(
  'base_images',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id')
      .notNull()
      .references(() => cloudAccounts.id, { onDelete: 'cascade' }),
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    imageId: text('image_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    osFamily: text('os_family').notNull().default(''),
    osVersion: text('os_version').notNull().default(''),
    osName: text('os_name').notNull().default(''),
    architecture: text('architecture').notNull().default(''),
    sizeGb: integer('size_gb'),
    /** UCloud: the CPU platforms the image boots on (empty = any); the template check compares them with the hosts'. */
    cpuPlatforms: jsonb('cpu_platforms').$type<string[]>().notNull().default([]),
    /** EC2: whether the AMI has the ENA driver (null: not reported, e.g. UCloud). */
    enaSupport: boolean('ena_support'),
    vendorState: text('vendor_state').notNull().default(''),
    status: baseImageStatus('status').notNull().default('available'),
    imageCreatedAt: timestamp('image_created_at', { withTimezone: true }),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('base_images_account_region_image_uq').on(t.accountId, t.region, t.imageId),
    // The catalog filters by cloud/region/OS/status and sorts by name or date; keep those cheap at 100k rows.
    index('base_images_filter_idx').on(t.cloud, t.region, t.status, t.osFamily),
    index('base_images_name_idx').on(t.name),
    index('base_images_created_idx').on(t.imageCreatedAt),
  ],
);

/**
 * One inventory sync of one account (a "Sync now", a schedule tick, a new account): the job's
 * own record, written before it is queued, so a job that fails before reaching any region
 * (wrong keys, dead endpoint, keys that no longer decrypt) still leaves a row with its error.
 * Status: queued → running → succeeded | partial (some regions failed) | failed | interrupted
 * (its worker died or stopped; see server/jobs/reconcile.ts). Counters live on the region rows.
 */
export const inventorySyncJobs = pgTable(
  'inventory_sync_jobs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id')
      .notNull()
      .references(() => cloudAccounts.id, { onDelete: 'cascade' }),
    trigger: inventorySyncTrigger('trigger').notNull(),
    /** The regions asked for, or 'all'. */
    regions: jsonb('regions').$type<string[] | 'all'>().notNull(),
    status: inventorySyncJobStatus('status').notNull().default('queued'),
    /** pg-boss job id (set right after the send). */
    bossJobId: text('boss_job_id'),
    /** 1 for the first run; pg-boss retries of the same job count up. */
    attempt: integer('attempt').notNull().default(1),
    regionsTotal: integer('regions_total').notNull().default(0),
    regionsFailed: integer('regions_failed').notNull().default(0),
    /** Console-level code (CLOUD_AUTH_FAILED, CLOUD_UNREACHABLE, SECRET_UNREADABLE, …) the UI translates. */
    errorCode: text('error_code'),
    /** The vendor's own words (provider, action, code, message, request id); never keys. */
    error: text('error'),
    requestedBy: text('requested_by').references(() => users.id, { onDelete: 'set null' }),
    /** Bumped every few seconds while a worker runs the job: "running" means a fresh heartbeat. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    durationMs: integer('duration_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('inventory_sync_jobs_account_idx').on(t.accountId, t.createdAt),
    // One queued or running sync per account: a second "Sync now" meets this, race-free.
    uniqueIndex('inventory_sync_jobs_one_active_uq')
      .on(t.accountId)
      .where(sql`status in ('queued', 'running')`),
  ],
);

export const inventorySyncs = pgTable(
  'inventory_syncs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    accountId: uuid('account_id')
      .notNull()
      .references(() => cloudAccounts.id, { onDelete: 'cascade' }),
    /** The account sync this region sync belongs to (null on rows written before jobs had rows). */
    jobId: uuid('job_id').references(() => inventorySyncJobs.id, { onDelete: 'cascade' }),
    region: text('region').notNull(),
    trigger: inventorySyncTrigger('trigger').notNull(),
    status: inventorySyncStatus('status').notNull().default('queued'),
    pageSize: integer('page_size').notNull(),
    pagesFetched: integer('pages_fetched').notNull().default(0),
    apiCalls: integer('api_calls').notNull().default(0),
    imagesSeen: integer('images_seen').notNull().default(0),
    imagesAdded: integer('images_added').notNull().default(0),
    imagesRemoved: integer('images_removed').notNull().default(0),
    error: text('error'),
    requestedBy: text('requested_by').references(() => users.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    durationMs: integer('duration_ms'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [index('inventory_syncs_account_region_idx').on(t.accountId, t.region, t.createdAt), index('inventory_syncs_job_idx').on(t.jobId)],
);
