import { ZFindProducedImagesRequest, type TFindProducedImagesRequest } from '@/server/api/schemas/images';

export type ProducedQuery = TFindProducedImagesRequest;

// Short URL names, like the base images' view: /catalog?view=produced&role=access&region=cn-bj2
const PARAMS = {
  role: 'role',
  templateId: 'template',
  cloud: 'cloud',
  region: 'region',
  state: 'state',
  search: 'q',
  page: 'page',
  pageSize: 'size',
} as const satisfies Record<keyof ProducedQuery, string>;
type Key = keyof typeof PARAMS;
const NUMERIC = new Set<Key>(['page', 'pageSize']);

export const PRODUCED_DEFAULTS: ProducedQuery = ZFindProducedImagesRequest.parse({});

/** The view from URL search params; a bad value falls back to its default, keeping the rest. */
export function parseProducedQuery(get: (param: string) => string | null | undefined): ProducedQuery {
  const raw: Record<string, unknown> = {};
  for (const [field, param] of Object.entries(PARAMS) as [Key, string][]) {
    const value = get(param)?.trim();
    if (value) raw[field] = NUMERIC.has(field) ? Number(value) : value;
  }
  for (let attempt = 0; attempt <= Object.keys(PARAMS).length; attempt++) {
    const parsed = ZFindProducedImagesRequest.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
  }
  return PRODUCED_DEFAULTS;
}

/** Search params for a view (with `view=produced`), leaving out what equals the default. */
export function producedSearchParams(q: ProducedQuery): URLSearchParams {
  const out = new URLSearchParams({ view: 'produced' });
  for (const [field, param] of Object.entries(PARAMS) as [Key, string][]) {
    const value = q[field];
    if (value === undefined || value === '' || value === PRODUCED_DEFAULTS[field]) continue;
    out.set(param, String(value));
  }
  return out;
}

export function hasProducedFilters(q: ProducedQuery): boolean {
  return Boolean(q.role || q.templateId || q.cloud || q.region || q.state || q.search);
}

/** The detail page of an image (base or produced). */
export function imageHref(cloud: string, region: string, imageId: string): string {
  return `/catalog/images/${encodeURIComponent(cloud)}/${encodeURIComponent(region)}/${encodeURIComponent(imageId)}`;
}
