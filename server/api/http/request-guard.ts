import { readBodyWithin } from '@/server/lib/read-body';
import { consoleOrigins } from '@/server/env';
import { logger } from '@/server/lib/logger';

/*
 * The one gate in front of every route handler that a session cookie authenticates
 * (/api/trpc, better-auth's /api/auth/*, and any route added later). Browsers attach the
 * cookie to requests that other sites start (a form posted from a page on another port of
 * the same host is even "same-site", so SameSite=Lax does not help); this refuses them:
 *
 * - A state-changing request (any method but GET/HEAD/OPTIONS) must carry
 *   `Content-Type: application/json`. A page of another site cannot send that without a CORS
 *   preflight, which the console never answers, so HTML forms (urlencoded, multipart,
 *   text/plain) and `fetch(…, { mode: 'no-cors' })` are refused whatever the headers below say.
 * - It is refused when `Origin` is present and is not one of the console's own origins
 *   (CONSOLE_URL), or when `Sec-Fetch-Site` is present and is not `same-origin`.
 * - With neither header the request is let through. Every browser the console supports sends
 *   `Origin` on a cross-origin POST and `Sec-Fetch-Site` on every request, so a request with
 *   neither comes from a non-browser client (curl, a script, a test). Such a client holds no
 *   ambient cookie of the victim: it can only send a cookie it already owns, which is not a
 *   cross-site write. The Content-Type rule above still applies to it.
 * - Reads (GET/HEAD) are checked only when the policy says `sameOriginReads`: then another
 *   site may not start them either, while `Sec-Fetch-Site: none` (an address typed or
 *   bookmarked by the user) is allowed.
 * - The body is read here, counting bytes as they arrive (a lying or missing Content-Length
 *   changes nothing), and refused with 413 past `maxBodyBytes`; the handler gets a request
 *   whose body is already in memory.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type RefusalCode = 'CROSS_SITE_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'BODY_TOO_LARGE';

export interface Refusal {
  status: 403 | 413 | 415;
  code: RefusalCode;
  message: string;
}

export interface RequestPolicy {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Refuse reads (GET/HEAD) that another site started, too: for APIs only the console's own pages call. */
  sameOriginReads: boolean;
  /** The console's own origins; by default those of CONSOLE_URL (server/env.ts `consoleOrigins`). */
  origins?: readonly string[];
}

export type GuardResult = { ok: true; request: Request } | { ok: false; refusal: Refusal };

function isSafe(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Refuses a request another site started (Origin / Sec-Fetch-Site), or null when it may go on. */
export function checkRequestSource(req: Request, policy: RequestPolicy): Refusal | null {
  const safe = isSafe(req.method);
  if (safe && !policy.sameOriginReads) return null;
  const origins = policy.origins ?? consoleOrigins();
  const origin = req.headers.get('origin');
  if (origin !== null && !origins.includes(origin)) {
    return {
      status: 403,
      code: 'CROSS_SITE_REQUEST',
      message: `Refused: this request came from ${origin === 'null' ? 'an opaque origin' : origin}, not from the console (${origins.join(', ')}). If that is the console's address, set CONSOLE_URL to it.`,
    };
  }
  const site = req.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && !(safe && site === 'none')) {
    return {
      status: 403,
      code: 'CROSS_SITE_REQUEST',
      message: `Refused: this request was started by another site (Sec-Fetch-Site: ${site}); only the console's own pages may send it.`,
    };
  }
  return null;
}

/** Refuses a state-changing request whose body is not declared as JSON, or null when it may go on. */
export function checkContentType(req: Request): Refusal | null {
  if (isSafe(req.method)) return null;
  const declared = req.headers.get('content-type');
  const essence = declared?.split(';')[0]!.trim().toLowerCase();
  if (essence === 'application/json') return null;
  return {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: declared
      ? `Refused: send the body as Content-Type: application/json, not ${declared}.`
      : 'Refused: send the body as Content-Type: application/json (the header is missing).',
  };
}

function tooLarge(maxBytes: number): Refusal {
  return {
    status: 413,
    code: 'BODY_TOO_LARGE',
    message: `Refused: the request body is larger than ${formatBytes(maxBytes)}.`,
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Runs every check; on success returns a request the handler may read (its body in memory). */
export async function guardRequest(req: Request, policy: RequestPolicy): Promise<GuardResult> {
  const refusal = checkRequestSource(req, policy) ?? checkContentType(req);
  if (refusal) return { ok: false, refusal };
  if (isSafe(req.method) || !req.body) return { ok: true, request: req };

  // A declared length past the limit is refused before reading; the count below decides otherwise.
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > policy.maxBodyBytes) return { ok: false, refusal: tooLarge(policy.maxBodyBytes) };
  const body = await readBodyWithin(req, policy.maxBodyBytes);
  if (!body) return { ok: false, refusal: tooLarge(policy.maxBodyBytes) };
  const headers = new Headers(req.headers);
  headers.set('content-length', String(body.byteLength));
  return { ok: true, request: new Request(req.url, { method: req.method, headers, body, signal: req.signal }) };
}

/** The default answer to a refused request: `{ error: { code, message } }` with the refusal's status. */
export function refusalResponse(refusal: Refusal): Response {
  return Response.json({ error: { code: refusal.code, message: refusal.message } }, { status: refusal.status });
}

export type RouteHandler = (req: Request) => Promise<Response>;

/** Wraps a route handler in the guard; `respond` shapes refusals the way that route's clients read errors. */
export function guardedRoute(
  policy: RequestPolicy,
  handler: RouteHandler,
  respond: (refusal: Refusal, req: Request) => Response = refusalResponse,
): RouteHandler {
  return async (req) => {
    const result = await guardRequest(req, policy);
    if (result.ok) return handler(result.request);
    logger.warn(
      {
        method: req.method,
        path: new URL(req.url).pathname.slice(0, 200),
        origin: req.headers.get('origin'),
        secFetchSite: req.headers.get('sec-fetch-site'),
        contentType: req.headers.get('content-type'),
        code: result.refusal.code,
      },
      'request refused',
    );
    return respond(result.refusal, req);
  };
}
