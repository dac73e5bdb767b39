import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { buildRuns, builds } from './builds';
import { baseImages, cloudAccounts, cloudKind } from './clouds';
import { updatedAt } from './columns';
import { templateRole, templates } from './templates';

/**
 * 'available': the run produced (or copied) it and it was kept; 'copy-failed': a copy the run
 * was asked for failed (no image id; `error` holds the vendor's words) — a retry of the copies
 * turns the same row available.
 */
export const producedImageState = pgEnum('produced_image_state', ['available', 'copy-failed']);
export type ProducedImageState = (typeof producedImageState.enumValues)[number];
export const producedImageKind = pgEnum('produced_image_kind', ['built', 'copy']);

// Every image a build run produced or copied, with its lineage. Written from the run's artifact
// when the run ends (services/images/record-produced-images.ts); one row per (run, region), so
// recording a run again (a retry of its failed copies) updates rows instead of adding them.
// Template name/role and the base image are copied in: lineage must survive a renamed template
// or a base image the cloud no longer lists.
export const producedImages = pgTable(
  'produced_images',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    /** Null for a failed copy (the cloud never gave it an id). */
    imageId: text('image_id'),
    name: text('name'),
    kind: producedImageKind('kind').notNull(),
    state: producedImageState('state').notNull(),
    error: text('error'),
    cloudAccountId: uuid('cloud_account_id').references(() => cloudAccounts.id, { onDelete: 'set null' }),
    templateId: uuid('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'restrict' }),
    templateVersion: integer('template_version').notNull(),
    role: templateRole('role').notNull(),
    buildId: uuid('build_id')
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => buildRuns.id, { onDelete: 'cascade' }),
    /** The base image the run started from (its region is the run's build region). */
    baseImageId: text('base_image_id'),
    baseImageRegion: text('base_image_region'),
    /** The inventory's row of that base image, when the inventory had it at recording time. */
    baseImageRowId: uuid('base_image_row_id').references(() => baseImages.id, { onDelete: 'set null' }),
    /** Copies: the region and image they were copied from. */
    sourceRegion: text('source_region'),
    sourceImageId: text('source_image_id'),
    startedBy: text('started_by').references(() => users.id, { onDelete: 'set null' }),
    /** When the image was made: the run's end. */
    producedAt: timestamp('produced_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('produced_images_run_region_uq').on(t.runId, t.region),
    index('produced_images_image_idx').on(t.cloud, t.region, t.imageId),
    index('produced_images_template_idx').on(t.templateId, t.templateVersion),
    index('produced_images_role_idx').on(t.role, t.cloud, t.region, t.producedAt),
    index('produced_images_base_idx').on(t.cloud, t.baseImageRegion, t.baseImageId),
    index('produced_images_produced_idx').on(t.producedAt),
  ],
);
