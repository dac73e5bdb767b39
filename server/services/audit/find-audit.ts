import { and, count, desc, eq, gte, ilike, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '@/db';
import { tables } from '@/db';
import { NAMED_TARGET_TYPES, SYSTEM_ACTOR, type TAuditFilter, type TFindAuditRequest } from '@/server/api/schemas/audit';
import { nextDay, startOfDayInZone } from '@/server/lib/zoned-time';

const targetUser = alias(tables.users, 'target_user');
const targetTemplate = alias(tables.templates, 'target_template');
const targetAccount = alias(tables.cloudAccounts, 'target_account');
const a = tables.auditLog;

// The target's name now, or the name the entry itself recorded (a deleted account's), or null.
const currentName = sql<string | null>`coalesce(${targetUser.email}, ${targetTemplate.name}, ${targetAccount.name})`;
const targetName = sql<string | null>`coalesce(${currentName}, ${a.details}->>'name')`;
const targetExists = sql<boolean>`(${currentName} is not null)`;

/** `%` and `_` typed by a person are literal characters, not wildcards. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function whereOf(f: TAuditFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (f.actor) conditions.push(f.actor.toLowerCase() === SYSTEM_ACTOR ? isNull(a.actorEmail) : sql`lower(${a.actorEmail}) = ${f.actor.toLowerCase()}`);
  if (f.action) conditions.push(eq(a.action, f.action));
  if (f.targetType) conditions.push(eq(a.targetType, f.targetType));
  if (f.target) conditions.push(or(eq(a.targetId, f.target), ilike(targetName, contains(f.target))));
  if (f.from) conditions.push(gte(a.createdAt, startOfDayInZone(f.from, f.timeZone)));
  if (f.to) conditions.push(lt(a.createdAt, startOfDayInZone(nextDay(f.to), f.timeZone)));
  if (f.search) {
    const like = contains(f.search);
    conditions.push(
      or(
        ilike(sql`coalesce(${a.actorEmail}, ${SYSTEM_ACTOR})`, like),
        ilike(a.action, like),
        ilike(a.targetId, like),
        ilike(targetName, like),
        ilike(sql`${a.details}::text`, like),
      ),
    );
  }
  return and(...conditions);
}

function joined<T extends Record<string, unknown>>(db: Db, fields: T) {
  return db
    .select(fields as never)
    .from(a)
    .leftJoin(targetUser, and(eq(a.targetType, 'user'), eq(targetUser.id, a.targetId)))
    .leftJoin(targetTemplate, and(eq(a.targetType, 'template'), sql`${targetTemplate.id}::text = ${a.targetId}`))
    .leftJoin(targetAccount, and(eq(a.targetType, 'cloud-account'), sql`${targetAccount.id}::text = ${a.targetId}`));
}

const ENTRY_FIELDS = {
  id: a.id,
  actorId: a.actorId,
  actorEmail: a.actorEmail,
  action: a.action,
  targetType: a.targetType,
  targetId: a.targetId,
  targetName,
  targetExists,
  details: a.details,
  createdAt: a.createdAt,
};
interface Row {
  id: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  targetName: string | null;
  targetExists: boolean;
  details: unknown;
  createdAt: Date;
}

export interface AuditEntryDto {
  id: string;
  /** Null when the console itself acted. */
  actorEmail: string | null;
  action: string;
  target: { type: string; id: string; name: string | null; deleted: boolean };
  details: Record<string, unknown>;
  createdAt: Date;
}

function toDto(r: Row): AuditEntryDto {
  const named = (NAMED_TARGET_TYPES as readonly string[]).includes(r.targetType);
  return {
    id: r.id,
    actorEmail: r.actorEmail,
    action: r.action,
    target: { type: r.targetType, id: r.targetId, name: r.targetName, deleted: named && !r.targetExists },
    details: (r.details ?? {}) as Record<string, unknown>,
    createdAt: r.createdAt,
  };
}

/** Entries newest first, filtered and paged on the server, with the total for the pager. */
export async function findAudit(db: Db, q: TFindAuditRequest) {
  const where = whereOf(q);
  const [rows, [total]] = await Promise.all([
    joined(db, ENTRY_FIELDS)
      .where(where)
      .orderBy(desc(a.createdAt), desc(a.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize) as unknown as Promise<Row[]>,
    joined(db, { n: count() }).where(where) as unknown as Promise<{ n: number }[]>,
  ]);
  return { rows: rows.map(toDto), total: Number(total?.n ?? 0), page: q.page, pageSize: q.pageSize };
}

/** At most `limit` entries newest first, for the CSV export. */
export async function findAuditForExport(db: Db, f: TAuditFilter, limit: number): Promise<AuditEntryDto[]> {
  const rows = (await joined(db, ENTRY_FIELDS).where(whereOf(f)).orderBy(desc(a.createdAt), desc(a.id)).limit(limit)) as unknown as Row[];
  return rows.map(toDto);
}

/** What the filters offer: every action and actor that occurs in the log. */
export async function findAuditFacets(db: Db) {
  const [actions, actors] = await Promise.all([
    db.selectDistinct({ action: a.action }).from(a).orderBy(a.action),
    db.selectDistinct({ email: a.actorEmail }).from(a).orderBy(a.actorEmail),
  ]);
  return { actions: actions.map((r) => r.action), actors: actors.map((r) => r.email) };
}
