import { createHash } from 'node:crypto';

// UCloud request signing (reference §1.4). The signature covers parameter names and values
// only, so the same flattened set is what we sign and what we send as the JSON body.

export type FlatValue = string | number | boolean;
export type FlatParams = Record<string, FlatValue>;

/**
 * Dotted, zero-based keys: `Disks.0.Size`, `NetworkInterface.0.EIP.Bandwidth`, `UHostIds.1`.
 * undefined, null and '' are omitted (the Go form encoder drops empty strings; nothing that is
 * omitted is signed). Nullish array elements are dropped before numbering so that indexes stay
 * contiguous, which is what every SDK produces for a real list.
 */
export function flattenParams(params: Record<string, unknown>): FlatParams {
  const out: FlatParams = {};
  const visit = (key: string, value: unknown): void => {
    if (value === undefined || value === null || value === '') return;
    if (Array.isArray(value)) {
      value.filter((v) => v !== undefined && v !== null).forEach((v, i) => visit(`${key}.${i}`, v));
      return;
    }
    switch (typeof value) {
      case 'string':
      case 'boolean':
        out[key] = value;
        return;
      case 'number':
        if (!Number.isFinite(value)) throw new TypeError(`UCloud parameter ${key} is not a finite number`);
        out[key] = value;
        return;
      case 'object':
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(key ? `${key}.${k}` : k, v);
        return;
      default:
        throw new TypeError(`UCloud parameter ${key} has unsupported type ${typeof value}`);
    }
  };
  visit('', params);
  return out;
}

/** The wire form of a value: booleans lowercase, numbers in plain decimal (42.0 → "42", never "1e+21"). */
export function formatValue(value: FlatValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  return value;
}

// String() already prints 42.0 as "42" and is the shortest round-trip form; only its exponent
// notation (below 1e-6, from 1e21) needs rewriting, as Go's FormatFloat(f, 'f', -1) would print it.
function formatNumber(n: number): string {
  const s = String(n);
  return s.includes('e') ? expandExponent(s) : s;
}

function expandExponent(s: string): string {
  const [mantissa = '', expPart = '0'] = s.split('e');
  const exp = Number(expPart);
  const negative = mantissa.startsWith('-');
  const [intPart = '', fracPart = ''] = mantissa.replace('-', '').split('.');
  const digits = intPart + fracPart;
  const point = intPart.length + exp;
  let result: string;
  if (point <= 0) result = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) result = digits + '0'.repeat(point - digits.length);
  else result = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + result;
}

// Plain code-unit comparison, not localeCompare: the gateway sorts by bytes, so `CPU` < `ChargeType`
// and `Disks.10.Size` < `Disks.2.Size`. Keys are ASCII, where UTF-16 order equals byte order.
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `key1value1key2value2…` over every parameter except Signature, without the private key. */
export function stringToSign(params: Record<string, unknown>): string {
  const flat = flattenParams(params);
  return Object.keys(flat)
    .filter((k) => k !== 'Signature')
    .sort(byteOrder)
    .map((k) => k + formatValue(flat[k] as FlatValue))
    .join('');
}

/** Lowercase hex SHA-1 of the string to sign followed by the private key. */
export function signParams(params: Record<string, unknown>, privateKey: string): string {
  return createHash('sha1')
    .update(stringToSign(params) + privateKey, 'utf8')
    .digest('hex');
}
