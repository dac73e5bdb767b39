import { ApiError } from './errors';

// UCloud's wire format is a flat map of string keys to string values: structures are written
// as dotted keys with zero-based indexes (`Disks.0.Type`, `NetworkInterface.0.EIP.Bandwidth`,
// `UHostIds.1`). Every SDK flattens before signing, so the gateway only ever signs and reads
// flat pairs. We accept nested JSON too (the reference could not confirm whether the gateway
// does) by flattening it the same way, which keeps signing identical for both shapes.

/** Stringifies one scalar the way the SDKs do before signing (reference §1.4 step 3). */
export function wireString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}

// Floats are written without exponent, and `42.0` is `42` (JSON.parse already gives 42).
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/**
 * Flattens nested objects/arrays into dotted keys; `null`/`undefined` are dropped, as the
 * JS and Python SDKs drop them (and so never sign them).
 */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, prefix ? `${prefix}.${i}` : String(i), out));
    return out;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (prefix) out[prefix] = wireString(value);
  return out;
}

/** Inverse of flatten for one prefix: `Disks.0.Type` → [{ Type }]; indexes sorted numerically. */
export function indexedGroups(params: Record<string, string>, name: string): { index: number; fields: Record<string, string> }[] {
  const groups = new Map<number, Record<string, string>>();
  const prefix = `${name}.`;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const indexText = dot === -1 ? rest : rest.slice(0, dot);
    if (!/^\d+$/.test(indexText)) continue;
    const index = Number(indexText);
    const group = groups.get(index) ?? {};
    group[dot === -1 ? '' : rest.slice(dot + 1)] = value;
    groups.set(index, group);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([index, fields]) => ({ index, fields }));
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

/**
 * Typed, lenient access to one request's parameters. Values arrive as text whatever the body
 * format; booleans accept `true`/`True`/`TRUE` (the docs write `True`, Packer sends `true`).
 * Invalid values become RetCode 230 "Params [X] not available", the gateway's answer seen in
 * the wild (terraform-provider-ucloud issue #136).
 */
export class Params {
  constructor(readonly raw: Record<string, string>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== '';
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    return v === undefined || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw ApiError.missing(name);
    return v;
  }

  int(name: string): number | undefined;
  int(name: string, fallback: number): number;
  int(name: string, fallback?: number): number | undefined {
    const v = this.str(name);
    if (v === undefined) return fallback;
    if (!/^-?\d+(\.0+)?$/.test(v.trim())) throw ApiError.invalid(name);
    return Number.parseInt(v, 10);
  }

  bool(name: string, fallback = false): boolean {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const lower = v.trim().toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    throw ApiError.invalid(name);
  }

  /** `Name.0`, `Name.1`, … in index order (docs write these `Name.N`). */
  list(name: string): string[] {
    return indexedGroups(this.raw, name)
      .map((g) => g.fields[''])
      .filter((v): v is string => v !== undefined && v !== '');
  }

  /** `Name.N.Field…` as sub-parameter sets, each keyed by the rest of the key. */
  groups(name: string): { index: number; params: Params }[] {
    return indexedGroups(this.raw, name).map((g) => ({ index: g.index, params: new Params(g.fields) }));
  }

  /** Offset/Limit with the documented defaults (0 and 20); `max` clamps Limit. */
  paging(opts: { defaultLimit?: number; max?: number } = {}): { offset: number; limit: number } {
    const offset = Math.max(0, this.int('Offset', 0));
    let limit = this.int('Limit', opts.defaultLimit ?? 20);
    if (limit <= 0) limit = opts.defaultLimit ?? 20;
    if (opts.max !== undefined) limit = Math.min(limit, opts.max);
    return { offset, limit };
  }
}

export function page<T>(items: T[], paging: { offset: number; limit: number }): T[] {
  return items.slice(paging.offset, paging.offset + paging.limit);
}
