import { createHash, timingSafeEqual } from 'node:crypto';

// UCloud's request signature (docs summary/signature.md; reference §1.4): every parameter except
// `Signature`, keys sorted in byte order, concatenated as key1value1key2value2… with no
// separators and no URL escaping, the private key appended, SHA-1, lowercase hex. It covers
// names and values only, so one signed set is valid as GET query, form body or JSON body.

/** Byte-order comparison of UTF-8 keys (plain JS sort compares UTF-16 units, which differs off ASCII). */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The string that is hashed, without the private key (what the reference's vectors show). */
export function stringToSign(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort(byteCompare)
    .map((k) => `${k}${params[k]}`)
    .join('');
}

export function computeSignature(params: Record<string, string>, privateKey: string): string {
  return createHash('sha1').update(stringToSign(params) + privateKey, 'utf8').digest('hex');
}

/** Constant-time check; the hex digest is compared case-insensitively. */
export function verifySignature(params: Record<string, string>, privateKey: string, signature: string): boolean {
  const expected = Buffer.from(computeSignature(params, privateKey), 'utf8');
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
