import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// AWS Signature Version 4, header form, as both clients send it:
//   Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/ec2/aws4_request,
//                  SignedHeaders=content-length;content-type;host;x-amz-date, Signature=<hex>
// The credential scope is also the only place a request names its region (Packer sends every
// region's calls to the same custom endpoint), so parsing it is not optional.

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const scope = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!scope || scope.length !== 5 || scope[4] !== 'aws4_request' || !signedHeaders || !signature) return undefined;
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service) return undefined;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';').filter(Boolean), signature: signature.toLowerCase() };
}

export interface SignedRequest {
  method: string;
  /** Candidate paths as the client may have signed them (the sandbox strips its /ec2 prefix). */
  paths: string[];
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/**
 * Recomputes the signature with the account's secret for each candidate path and compares.
 * `reason` explains a failure for the sandbox log/message; AWS itself says less.
 */
export function verifySignature(auth: ParsedAuthorization, secretAccessKey: string, req: SignedRequest): { ok: true } | { ok: false; reason: string } {
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return { ok: false, reason: 'missing or malformed X-Amz-Date header' };
  if (amzDate.slice(0, 8) !== auth.date) return { ok: false, reason: 'credential scope date does not match X-Amz-Date' };
  if (!auth.signedHeaders.includes('host')) return { ok: false, reason: 'the host header must be signed' };
  for (const h of auth.signedHeaders) {
    if (req.headers[h] === undefined) return { ok: false, reason: `signed header ${h} is missing from the request` };
  }

  const bodyHash = sha256Hex(req.body);
  const declared = req.headers['x-amz-content-sha256'];
  if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash) return { ok: false, reason: 'X-Amz-Content-Sha256 does not match the body' };
  const payloadHash = declared ?? bodyHash;

  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${normalizeHeaderValue(req.headers[h] ?? '')}\n`).join('');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const key = signingKey(secretAccessKey, auth.date, auth.region, auth.service);
  const expected = Buffer.from(auth.signature, 'hex');
  for (const path of req.paths) {
    const canonicalRequest = [req.method.toUpperCase(), canonicalUri(path), canonicalQuery(req.query), canonicalHeaders, auth.signedHeaders.join(';'), payloadHash].join('\n');
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const actual = createHmac('sha256', key).update(stringToSign).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return { ok: true };
  }
  return { ok: false, reason: 'signature mismatch' };
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Non-S3 services sign the path with every segment URI-encoded once more on top of the wire's
 * own encoding (aws-sdk-go's EscapePath; JS v3 gives the same result for the plain paths the
 * sandbox serves).
 */
function canonicalUri(path: string): string {
  if (!path) return '/';
  return path
    .split('/')
    .map((seg) => rfc3986(seg))
    .join('/');
}

function canonicalQuery(query: URLSearchParams): string {
  return [...query]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function normalizeHeaderValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}
