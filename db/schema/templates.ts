import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { TemplateCheckIssue } from '@/server/engine/template/validate';
import { users } from './auth';
import { updatedAt } from './columns';

/** A declared build input (server/api/schemas/template-files.ts ZBuildInput validates it). */
export interface StoredBuildInput {
  name: string;
  pattern: string;
  description: string;
  maxBytes?: number;
}

export const templateRole = pgEnum('template_role', ['access', 'forwarding', 'other']);

export const templates = pgTable('templates', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  name: text('name').notNull().unique(),
  role: templateRole('role').notNull(),
  description: text('description').notNull().default(''),
  // The optimistic-lock counter: a save moves it from N to N+1 only if it still is N.
  latestVersion: integer('latest_version').notNull().default(0),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: updatedAt(),
});

// A version's body (and message, author, parent) is immutable once written. `valid`, `issues` and
// `checked_at` are the derived result of the template check: after an inventory sync the latest
// version of every template is checked again (recheck-template-versions.ts), because a region's
// facts (its first sync, a removed image, a zone's disks) can change what the same body means.
export const templateVersions = pgTable(
  'template_versions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    templateId: uuid('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    body: text('body').notNull(),
    message: text('message').notNull(),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    parentVersion: integer('parent_version'),
    // A version saved with validation errors is a draft: kept, shown as invalid, never buildable.
    valid: boolean('valid').notNull(),
    issues: jsonb('issues').$type<TemplateCheckIssue[]>().notNull().default([]),
    /** When `valid`/`issues` were computed: at save, then after each inventory sync (latest version only). */
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
    // Files each build of this version must be given (the service release built by CI), by name pattern.
    inputs: jsonb('inputs').$type<StoredBuildInput[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('template_versions_template_version_uq').on(t.templateId, t.version)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => v,
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

// Attachment contents, content-addressed: a file attached to many versions (every save carries
// the set forward) is stored once. Rows are never updated; unreferenced ones may be swept.
export const templateBlobs = pgTable('template_blobs', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  content: bytea('content').notNull(),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: updatedAt(),
});

// The attachment set of a version (immutable like the version): a path inside the build's files
// and the blob it holds.
export const templateVersionAttachments = pgTable(
  'template_version_attachments',
  {
    versionId: uuid('version_id')
      .notNull()
      .references(() => templateVersions.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => templateBlobs.sha256, { onDelete: 'restrict' }),
    size: integer('size').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ name: 'template_version_attachments_pk', columns: [t.versionId, t.path] }), index('template_version_attachments_sha_idx').on(t.sha256)],
);
