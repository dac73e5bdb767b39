import { ZFindBuildsRequest, type TFindBuildsRequest } from '@/server/api/schemas/builds';

export type BuildsQuery = TFindBuildsRequest;

// Short URL names, so a shared link stays readable: /builds?status=running&cloud=aws&q=bj2
const PARAMS = {
  status: 'status',
  templateId: 'template',
  cloud: 'cloud',
  requestedBy: 'by',
  search: 'q',
  page: 'page',
  pageSize: 'size',
} as const satisfies Record<keyof BuildsQuery, string>;
type Key = keyof typeof PARAMS;
const NUMERIC = new Set<Key>(['page', 'pageSize']);

export const BUILDS_DEFAULTS: BuildsQuery = ZFindBuildsRequest.parse({});

/** The list's view from URL search params, through the request schema; a bad value falls back to its default. */
export function parseBuildsQuery(get: (param: string) => string | null | undefined): BuildsQuery {
  const raw: Record<string, unknown> = {};
  for (const [field, param] of Object.entries(PARAMS) as [Key, string][]) {
    const value = get(param)?.trim();
    if (value) raw[field] = NUMERIC.has(field) ? Number(value) : value;
  }
  // A hand-edited link with one bad value keeps the rest of its view.
  for (let attempt = 0; attempt <= Object.keys(PARAMS).length; attempt++) {
    const parsed = ZFindBuildsRequest.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
  }
  return BUILDS_DEFAULTS;
}

/** Search params for a view, leaving out what equals the default. */
export function buildsSearchParams(q: BuildsQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const [field, param] of Object.entries(PARAMS) as [Key, string][]) {
    const value = q[field];
    if (value === undefined || value === '' || value === BUILDS_DEFAULTS[field]) continue;
    out.set(param, String(value));
  }
  return out;
}

export const sameBuildsQuery = (a: BuildsQuery, b: BuildsQuery) => buildsSearchParams(a).toString() === buildsSearchParams(b).toString();

export const hasBuildFilters = (q: BuildsQuery) => Boolean(q.status || q.templateId || q.cloud || q.requestedBy || q.search);
