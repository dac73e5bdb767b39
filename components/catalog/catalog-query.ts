import { ZFindBaseImagesRequest, type TFindBaseImagesRequest } from '@/server/api/schemas/clouds';

export type CatalogQuery = TFindBaseImagesRequest;
export const PAGE_SIZES = [25, 50, 100, 200] as const;

// Short URL names, so a shared link stays readable: /catalog?region=cn-gd&q=ubuntu&sort=created&dir=desc
const PARAMS = {
  search: 'q',
  cloud: 'cloud',
  region: 'region',
  osFamily: 'os',
  osVersion: 'version',
  status: 'status',
  sort: 'sort',
  direction: 'dir',
  page: 'page',
  pageSize: 'size',
} as const satisfies Partial<Record<keyof CatalogQuery, string>>;
type Key = keyof typeof PARAMS;
const NUMERIC = new Set<Key>(['page', 'pageSize']);

export const CATALOG_DEFAULTS: CatalogQuery = ZFindBaseImagesRequest.parse({});

/** The catalog's view from URL search params, through the request schema; a bad value falls back to its default. */
export function parseCatalogQuery(get: (param: string) => string | null | undefined): CatalogQuery {
  const raw: Record<string, unknown> = {};
  for (const [field, param] of Object.entries(PARAMS) as [Key, string][]) {
    const value = get(param)?.trim();
    if (value) raw[field] = NUMERIC.has(field) ? Number(value) : value;
  }
  // A hand-edited link with one bad value keeps the rest of its view.
  for (let attempt = 0; attempt <= Object.keys(PARAMS).length; attempt++) {
    const parsed = ZFindBaseImagesRequest.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
  }
  return CATALOG_DEFAULTS;
}

/** Search params for a view, leaving out what equals the default. */
export function catalogSearchParams(q: CatalogQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const [field, param] of Object.entries(PARAMS) as [Key, string][]) {
    const value = q[field];
    if (value === undefined || value === '' || value === CATALOG_DEFAULTS[field]) continue;
    out.set(param, String(value));
  }
  return out;
}

export function sameQuery(a: CatalogQuery, b: CatalogQuery): boolean {
  return catalogSearchParams(a).toString() === catalogSearchParams(b).toString();
}

export function hasFilters(q: CatalogQuery): boolean {
  return Boolean(q.search || q.cloud || q.accountId || q.region || q.osFamily || q.osVersion || q.status !== CATALOG_DEFAULTS.status);
}
