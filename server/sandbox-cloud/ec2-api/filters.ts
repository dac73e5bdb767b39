import { Ec2Error } from './errors';
import type { Filter, Params } from './query';

// Describe* filters: values inside one filter are OR-ed, different filters AND-ed; values may
// use `*` (any run) and `?` (one character) wildcards, `\` escapes them. Every resource type
// declares the filter names it understands; an unknown name is an error, as on AWS, so a typo
// in a template's filter fails loudly instead of matching everything.

export type FieldValue = string | number | boolean | undefined | null | (string | number | undefined)[];
export type FilterFields<T> = Record<string, (r: T) => FieldValue>;

export function applyFilters<T>(items: T[], filters: Filter[], fields: FilterFields<T>, tagsOf: (r: T) => Record<string, string>): T[] {
  const compiled = filters.map((f) => {
    if (f.values.length === 0) throw new Ec2Error('InvalidParameterValue', `The filter '${f.name}' must have at least one value`);
    const patterns = f.values.map(wildcard);
    const matches = (v: FieldValue) => toStrings(v).some((s) => patterns.some((p) => p.test(s)));
    if (f.name.startsWith('tag:')) {
      const key = f.name.slice(4);
      return (r: T) => {
        const tags = tagsOf(r);
        return Object.hasOwn(tags, key) && matches(tags[key]);
      };
    }
    if (f.name === 'tag-key') return (r: T) => matches(Object.keys(tagsOf(r)));
    if (f.name === 'tag-value') return (r: T) => matches(Object.values(tagsOf(r)));
    const field = fields[f.name];
    if (!field) throw new Ec2Error('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    return (r: T) => matches(field(r));
  });
  return items.filter((r) => compiled.every((test) => test(r)));
}

function toStrings(v: FieldValue): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(String);
  return [String(v)];
}

function wildcard(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegex(pattern[++i]!);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---- paging -----------------------------------------------------------------------------

/**
 * MaxResults/NextToken paging in a fixed order (by `key`). The token names the last key
 * returned, so pages stay exact while resources come and go between calls; it is base64url
 * so clients treat it as opaque.
 */
export function paginate<T>(items: T[], key: (r: T) => string, params: Params, limits: { min: number; max: number }): { page: T[]; nextToken?: string } {
  const maxResults = params.int('MaxResults');
  const token = params.str('NextToken');
  if (maxResults !== undefined && maxResults < limits.min) {
    throw new Ec2Error('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than ${limits.min}.`);
  }
  if (maxResults !== undefined && maxResults > limits.max) {
    throw new Ec2Error('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value less than ${limits.max}.`);
  }
  const sorted = [...items].sort((a, b) => cmp(key(a), key(b)));
  let start = 0;
  if (token) {
    const after = decodeToken(token);
    start = sorted.findIndex((r) => cmp(key(r), after) > 0);
    if (start < 0) start = sorted.length;
  }
  if (maxResults === undefined) return { page: sorted.slice(start) };
  const page = sorted.slice(start, start + maxResults);
  const more = start + maxResults < sorted.length;
  return { page, nextToken: more && page.length ? encodeToken(key(page[page.length - 1]!)) : undefined };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastKey })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: number; after?: unknown };
    if (parsed.v === 1 && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw new Ec2Error('InvalidPaginationToken', `The specified pagination token is not valid: ${token}`);
}
