import { z } from 'zod';
import { boundedInt, safeString } from './common';
import { isTimeZone } from './locale';

/** Actions the console records; the log filter lists these, plus any other action found in the log. */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_in_locked',
  'me.change-password',
  'user.promote',
  'secrets.rotate',
  'user.create',
  'user.update',
  'user.reset-password',
  'me.update-preferences',
  'template.create',
  'template.update',
  'template.save',
  'template.restore',
  'cloud-account.create',
  'cloud-account.update',
  'cloud-account.delete',
  'cloud-account.test',
  'inventory.sync',
  'region.strategy',
  'region-group.create',
  'region-group.update',
  'region-group.delete',
  'build.start',
  'build.cancel',
  'build.retry',
  'build.sweep',
] as const;

/** Target types whose current name the log looks up; a target of these types that is gone shows "(deleted)". */
export const AUDIT_TARGET_TYPES = ['user', 'template', 'cloud-account', 'inventory', 'secret_key', 'region', 'region-group', 'build'] as const;
export const NAMED_TARGET_TYPES = ['user', 'template', 'cloud-account'] as const;

/** The actor filter's value for what the console did by itself (first-start seeding). */
export const SYSTEM_ACTOR = 'system';

export const AUDIT_PAGE_SIZES = [25, 50, 100] as const;
export const AUDIT_MAX_PAGE_SIZE = 100;
/** One CSV export holds at most this many rows (newest first); narrow the filters for more. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

// A calendar day between 2000 and 2999 (so no date arithmetic leaves JS's range).
const ZDay = safeString({ max: 10 }).refine((d) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || d < '2000-01-01' || d > '2999-12-31') return false;
    return new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  }, 'Use a date like 2026-01-31, between 2000 and 2999');

const ZCode = safeString({ max: 64, trim: true }).regex(/^[a-z][a-z0-9_.-]*$/, 'Letters, digits, dots, dashes and underscores only');

export const ZAuditFilter = z
  .object({
    /** An e-mail (exact, any case) or "system". */
    actor: safeString({ min: 1, max: 254, trim: true }).optional(),
    action: ZCode.optional(),
    targetType: ZCode.optional(),
    /** The target's id (exact) or part of its name. */
    target: safeString({ min: 1, max: 200, trim: true }).optional(),
    /** Free text over actor, action, target id and name, and details. */
    search: safeString({ min: 1, max: 200, trim: true }).optional(),
    /** Days (inclusive) in `timeZone`. */
    from: ZDay.optional(),
    to: ZDay.optional(),
    timeZone: safeString({ max: 64 }).refine(isTimeZone, 'Unknown time zone').default('UTC'),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'The end date is before the start date' });
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

export const ZFindAuditRequest = z.intersection(
  ZAuditFilter,
  z.object({
    page: boundedInt(1, 100_000).default(1),
    pageSize: boundedInt(1, AUDIT_MAX_PAGE_SIZE).default(50),
  }),
);
export type TFindAuditRequest = z.infer<typeof ZFindAuditRequest>;

// Short URL names, so a shared link stays readable: /settings/audit?action=user.create&q=ops
export const AUDIT_URL_PARAMS = {
  actor: 'actor',
  action: 'action',
  targetType: 'type',
  target: 'target',
  search: 'q',
  from: 'from',
  to: 'to',
  page: 'page',
  pageSize: 'size',
} as const satisfies Partial<Record<keyof TFindAuditRequest, string>>;
type UrlKey = keyof typeof AUDIT_URL_PARAMS;
const NUMERIC = new Set<UrlKey>(['page', 'pageSize']);

/**
 * The audit view from URL search params. Unlike the catalog, a bad value is not dropped
 * silently: the caller gets the field errors to show next to the filters.
 */
export function parseAuditSearchParams(
  get: (param: string) => string | null | undefined,
  timeZone: string,
): { ok: true; query: TFindAuditRequest } | { ok: false; query: TFindAuditRequest; errors: Partial<Record<UrlKey, string>> } {
  const raw: Record<string, unknown> = { timeZone };
  for (const [field, param] of Object.entries(AUDIT_URL_PARAMS) as [UrlKey, string][]) {
    const value = get(param)?.trim();
    if (value) raw[field] = NUMERIC.has(field) ? Number(value) : value;
  }
  const parsed = ZFindAuditRequest.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const errors: Partial<Record<UrlKey, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]) as UrlKey;
    errors[field] ??= issue.message;
    delete raw[field];
  }
  const fallback = ZFindAuditRequest.safeParse(raw);
  return { ok: false, query: fallback.success ? fallback.data : ZFindAuditRequest.parse({ timeZone }), errors };
}

/** Search params for a view, leaving out empty values and defaults. */
export function auditSearchParams(q: Partial<TFindAuditRequest>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [field, param] of Object.entries(AUDIT_URL_PARAMS) as [UrlKey, string][]) {
    const value = q[field];
    if (value === undefined || value === '' || (field === 'page' && value === 1) || (field === 'pageSize' && value === 50)) continue;
    out.set(param, String(value));
  }
  return out;
}
