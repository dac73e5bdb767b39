import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { cloudKind } from './clouds';
import { updatedAt } from './columns';

/** How images reach a region: built there, or built in another region of the same cloud and copied. */
export const regionBuildMode = pgEnum('region_build_mode', ['build', 'copy']);
export type RegionBuildMode = (typeof regionBuildMode.enumValues)[number];

/**
 * A region's build strategy for this fleet (field problem #2/#3's work-around as a setting).
 * Keyed by (cloud, region), not by account: it is a fact about the region, whichever account
 * builds there. No row = "build here". A copy source never copies itself (no chains).
 */
export const regionBuildStrategies = pgTable(
  'region_build_strategies',
  {
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    mode: regionBuildMode('mode').notNull(),
    /** The region of the same cloud the image is built in, when mode = 'copy'. */
    sourceRegion: text('source_region'),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.cloud, t.region] })],
);

/** A named, reusable set of (cloud, region): "Rome wave 1", "Asia", "all UCloud". */
export const regionGroups = pgTable('region_groups', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: updatedAt(),
});

export const regionGroupMembers = pgTable(
  'region_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => regionGroups.id, { onDelete: 'cascade' }),
    cloud: cloudKind('cloud').notNull(),
    region: text('region').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.cloud, t.region] }), index('region_group_members_region_idx').on(t.cloud, t.region)],
);
