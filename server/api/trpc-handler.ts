import { getErrorShape, TRPCError, transformTRPCResponse, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { guardedRoute, type Refusal } from './http/request-guard';
import { MAX_BATCH_CALLS, MAX_TRPC_BODY_BYTES } from './http/limits';
import { appRouter } from './root';
import { createContextFromHeaders } from './trpc';

const ENDPOINT = '/api/trpc';

const REFUSAL_CODES: Record<Refusal['code'], TRPC_ERROR_CODE_KEY> = {
  CROSS_SITE_REQUEST: 'FORBIDDEN',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/** An error in tRPC's own envelope (through our error formatter), so the browser's client can read it. */
function trpcErrorResponse(code: TRPC_ERROR_CODE_KEY, message: string): Response {
  const error = new TRPCError({ code, message });
  const config = appRouter._def._config;
  const shape = getErrorShape({ config, error, type: 'unknown', path: undefined, input: undefined, ctx: undefined });
  return Response.json(transformTRPCResponse(config, { error: shape }), { status: getHTTPStatusCodeFromError(error) });
}

const trimSlashes = (s: string) => s.replace(/^\//, '').replace(/\/$/, '');

/** Calls in a batch request (`/api/trpc/a,b,c?batch=1`), counted the way tRPC splits them; null if the path is malformed. */
export function countBatchCalls(req: Request): number | null {
  const url = new URL(req.url);
  if (url.searchParams.get('batch') !== '1') return 1;
  const path = trimSlashes(trimSlashes(url.pathname).slice(trimSlashes(ENDPOINT).length));
  try {
    return decodeURIComponent(path).split(',').length;
  } catch {
    return null;
  }
}

async function handle(req: Request): Promise<Response> {
  const calls = countBatchCalls(req);
  if (calls === null) return trpcErrorResponse('BAD_REQUEST', 'Refused: the procedure path is not valid percent-encoding.');
  if (calls > MAX_BATCH_CALLS) {
    return trpcErrorResponse('BAD_REQUEST', `Refused: a batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${calls}.`);
  }
  return fetchRequestHandler({
    endpoint: ENDPOINT,
    req,
    router: appRouter,
    // Queries go as POST too: a template body does not fit in a URL.
    allowMethodOverride: true,
    // Counted above with a clearer message; kept so tRPC itself never runs a larger batch.
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: () => createContextFromHeaders(req.headers),
  });
}

/** GET|POST /api/trpc/* behind the request guard (server/api/http/request-guard.ts). */
export const handleTrpcRequest = guardedRoute(
  // Only the console's own pages call tRPC, so cross-site reads are refused as well.
  { maxBodyBytes: MAX_TRPC_BODY_BYTES, sameOriginReads: true },
  handle,
  (refusal) => trpcErrorResponse(REFUSAL_CODES[refusal.code], refusal.message),
);
