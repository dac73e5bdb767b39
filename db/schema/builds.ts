import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { cloudAccounts, cloudKind } from './clouds';
import { updatedAt } from './columns';
import { templates } from './templates';

/** How a build runs its runs (the build dialog's options). */
export interface BuildOptions {
  /** Runs of this build at once; 0 = all. */
  parallelism: number;
  /** The first failed run cancels the others. */
  failFast: boolean;
}

/** A build input given to this build: a path among the build's files and the stored blob (template_blobs). */
export interface BuildInputFile {
  path: string;
  sha256: string;
  size: number;
}

/** One image a run produced (the built one, or a copy of it with `sourceRegion`). */
export interface RunArtifactImage {
  region: string;
  imageId: string;
  sourceRegion?: string;
}

export interface RunArtifact {
  /** Packer's artifact id (ucloud `project:region:image,…`; aws `region:ami,…`). */
  id: string;
  images: RunArtifactImage[];
  copyFailures: { region: string; error: string }[];
}

export type BuildCloud = 'ucloud' | 'aws';

/** How a planned run's base image was chosen. */
export type BaseImageHow = 'template' | 'inventory' | 'override';

export interface PlannedBaseImage {
  imageId: string;
  name: string;
  osName: string;
  how: BaseImageHow;
  /** The template's own image id, when another one was resolved for this region. */
  templateImageId: string | null;
}

/** One run of a build plan: a builder of the template, derived for one region. */
export interface PlannedRun {
  cloud: BuildCloud;
  region: string;
  accountId: string;
  /** Unique in the build (field problem #4): the run's builder name. */
  builderName: string;
  /** The template's builder it is derived from. */
  sourceBuilder: string;
  builderType: 'ucloud-uhost' | 'amazon-ebs';
  /** The zone the build host runs in (amazon-ebs: null lets EC2 choose). */
  zone: string | null;
  baseImage: PlannedBaseImage;
  /** The boot disk type (ucloud `boot_disk_type`); null: amazon-ebs keeps the AMI's own volume type. */
  diskType: string | null;
  /** The builder's `instance_type`. */
  hostType: string;
  /** Regions the image is copied to after the build (regions whose strategy copies from here). */
  copyTo: string[];
  /** This region is no target: it is built only because targets copy from it. */
  onlyForCopies: boolean;
}

export interface PlannedCopy {
  cloud: BuildCloud;
  region: string;
  from: string;
  builderName: string;
}

export interface RefusedTarget {
  cloud: BuildCloud;
  region: string;
  code: string;
  reason: string;
  /** Values for the UI's translated text of `code`. */
  params: Record<string, string>;
}

/** What a build runs, computed from the request and the inventory (build.plan; stored on the build). */
export interface BuildPlan {
  runs: PlannedRun[];
  copies: PlannedCopy[];
  refused: RefusedTarget[];
}

/**
 * The request a build was started with, without the values of sensitive variables (only their
 * names): "Rebuild" starts it again with the plan's base images as overrides.
 */
export interface BuildRequestRecord {
  templateId: string;
  version: number;
  accountIds: string[];
  targets: { groupIds?: string[]; clouds?: BuildCloud[]; regions?: { cloud: BuildCloud; region: string }[] };
  variables: { name: string; value: string }[];
  sensitiveVariableNames: string[];
  inputs: { path: string; sha256: string }[];
  baseImageOverrides: { cloud: BuildCloud; region: string; imageId: string }[];
  parallelism: number;
  failFast: boolean;
}

/**
 * A run's builder: the template's builder `sourceBuilder` with `options` (Packer option names of
 * its type, e.g. region, availability_zone, source_image_id / source_ami, boot_disk_type,
 * image_copy_to_mappings / ami_regions) set over its resolved configuration.
 */
export interface RunBuilderSpec {
  sourceBuilder: string;
  type: 'ucloud-uhost' | 'amazon-ebs';
  options: Record<string, unknown>;
  baseImage: PlannedBaseImage;
  onlyForCopies: boolean;
}

export const buildStatus = pgEnum('build_status', ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export const buildRunStatus = pgEnum('build_run_status', ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export const buildStepStatus = pgEnum('build_step_status', ['running', 'succeeded', 'failed']);
export const buildStepPhase = pgEnum('build_step_phase', ['run', 'cleanup']);
/** Kinds of cloud resources a run creates (the engine's ResourceRef.kind); anything new is stored as `other`. */
export const BUILD_RESOURCE_KINDS = ['host', 'key-pair', 'firewall', 'image', 'eip', 'snapshot', 'volume', 'other'] as const;
export const buildResourceKind = pgEnum('build_resource_kind', BUILD_RESOURCE_KINDS);
export const buildLogStream = pgEnum('build_log_stream', ['stdout', 'stderr', 'engine']);

// A build: one template version (its body hash, so a rebuild can prove it built the same text)
// run as one run per planned (builder, region). Variable values are the non-sensitive ones only;
// sensitive values are stored sealed until the build ends, never in clear.
export const builds = pgTable(
  'builds',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    templateId: uuid('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'restrict' }),
    templateVersion: integer('template_version').notNull(),
    bodySha256: text('body_sha256').notNull(),
    /** The account of the build's first cloud; each run names its own (a template may span clouds). */
    cloudAccountId: uuid('cloud_account_id').references(() => cloudAccounts.id, { onDelete: 'set null' }),
    requestedBy: text('requested_by').references(() => users.id, { onDelete: 'set null' }),
    status: buildStatus('status').notNull().default('queued'),
    options: jsonb('options').$type<BuildOptions>().notNull(),
    variables: jsonb('variables').$type<Record<string, string>>().notNull().default({}),
    inputs: jsonb('inputs').$type<BuildInputFile[]>().notNull().default([]),
    /** The plan the runs were written from (null: builds started before plans). */
    plan: jsonb('plan').$type<BuildPlan>(),
    /** The request, sensitive values left out, for "Rebuild". */
    request: jsonb('request').$type<BuildRequestRecord>(),
    /**
     * The sensitive variables' values, sealed as one JSON object (secret-box); opened only by the
     * worker, and cleared when the build reaches a final state.
     */
    sealedVariables: text('sealed_variables'),
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [index('builds_created_idx').on(t.createdAt), index('builds_template_idx').on(t.templateId, t.templateVersion)],
);

export const buildRuns = pgTable(
  'build_runs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildId: uuid('build_id')
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    builderName: text('builder_name').notNull(),
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    cloudAccountId: uuid('cloud_account_id').references(() => cloudAccounts.id, { onDelete: 'set null' }),
    /** The derived builder this run builds (null: runs started before plans build `builder_name` as written). */
    builder: jsonb('builder').$type<RunBuilderSpec>(),
    /** When the run was handed to the queue; null while it waits for a slot under the build's parallelism. */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    status: buildRunStatus('status').notNull().default('queued'),
    currentStep: text('current_step'),
    /**
     * The engine's run id of the run's latest attempt (a build, or a copies-only retry): every cloud
     * resource of that attempt is tagged (and named) with it. Earlier attempts' tags stay in the ledger.
     */
    runTag: text('run_tag'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    errorCode: text('error_code'),
    error: text('error'),
    artifact: jsonb('artifact').$type<RunArtifact>(),
    attempt: integer('attempt').notNull().default(0),
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    bossJobId: text('boss_job_id'),
    /** When the run first found its account's run slots all taken (null: not waiting); a freed slot goes to the longest waiting. */
    slotWaitSince: timestamp('slot_wait_since', { withTimezone: true }),
    /** When the waiting run last asked for a slot: one that stopped asking (its job is gone) holds no younger run back. */
    slotAskedAt: timestamp('slot_asked_at', { withTimezone: true }),
    /** Bumped every few seconds by the worker running the run; a lapsed one means the worker is gone (reap-runs.ts). */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    /** When the sweeper last made sure nothing of this run's cloud resources is left (null: not yet, or to do again). */
    sweptAt: timestamp('swept_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [index('build_runs_build_idx').on(t.buildId), index('build_runs_status_idx').on(t.status)],
);

export const buildRunSteps = pgTable(
  'build_run_steps',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    runId: uuid('run_id')
      .notNull()
      .references(() => buildRuns.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    name: text('name').notNull(),
    phase: buildStepPhase('phase').notNull(),
    status: buildStepStatus('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [index('build_run_steps_run_idx').on(t.runId)],
);

// Log lines, numbered per run: a reader resumes from the last `seq` it saw.
export const buildRunLogs = pgTable(
  'build_run_logs',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => buildRuns.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    stream: buildLogStream('stream').notNull(),
    step: text('step'),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('build_run_logs_run_seq_uq').on(t.runId, t.seq)],
);

// Every cloud resource a run created, and when it was deleted (null: still there, or kept as
// the run's artifact when `kept`). The crash sweeper reads it by run tag.
export const buildResources = pgTable(
  'build_resources',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    runId: uuid('run_id')
      .notNull()
      .references(() => buildRuns.id, { onDelete: 'cascade' }),
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    kind: buildResourceKind('kind').notNull(),
    resourceId: text('resource_id').notNull(),
    runTag: text('run_tag').notNull(),
    kept: boolean('kept').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [index('build_resources_run_idx').on(t.runId), index('build_resources_tag_idx').on(t.runTag), uniqueIndex('build_resources_uq').on(t.runId, t.kind, t.region, t.resourceId)],
);
