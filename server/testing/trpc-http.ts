import superjson from 'superjson';
import { POST } from '@/app/api/trpc/[trpc]/route';
import { consoleUrl } from '@/server/env';
import { getAuth } from '@/server/services/auth/auth';

/** Signs in through better-auth's real endpoint; returns the session cookie header (null when refused). */
export async function signInCookie(email: string, password: string): Promise<string | null> {
  const auth = await getAuth();
  const res = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
  if (!res.ok) return null;
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

export interface TrpcHttpResult {
  status: number;
  /** The deserialized `result.data` of a success. */
  data?: unknown;
  /** The deserialized error shape (message, code, data) of a failure. */
  error?: { message: string; code: number; data: Record<string, unknown> & { code: string; httpStatus: number } };
}

/**
 * One call through the console's own fetch adapter (app/api/trpc/[trpc]/route.ts), as the
 * browser makes it: a same-origin JSON POST with the session cookie, the input in superjson.
 */
export async function callTrpcHttp(path: string, input: unknown, cookie: string | null): Promise<TrpcHttpResult> {
  const origin = consoleUrl();
  const headers = new Headers({ 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin' });
  if (cookie) headers.set('cookie', cookie);
  const res = await POST(new Request(`${origin}/api/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(superjson.serialize(input)) }));
  const body = (await res.json()) as { result?: { data: Parameters<typeof superjson.deserialize>[0] }; error?: Parameters<typeof superjson.deserialize>[0] };
  if (body.error) return { status: res.status, error: superjson.deserialize(body.error) };
  return { status: res.status, data: body.result ? superjson.deserialize(body.result.data) : undefined };
}
