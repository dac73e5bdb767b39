import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { TemplateCheckIssue } from '@/server/engine/template/validate';
import { users } from './auth';
import { updatedAt } from './columns';

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('template_versions_template_version_uq').on(t.templateId, t.version)],
);
