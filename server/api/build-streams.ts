import superjson from 'superjson';
import { z } from 'zod';
import { isFinalBuildStatus, MAX_LOG_PAGE, ZRunLogStreamQuery, type WireLogLine } from '@/server/api/schemas/builds';
import { ZUuid } from '@/server/api/schemas/common';
import { getDatabase, type Db } from '@/server/services/database';
import { getSessionUser } from '@/server/services/auth/get-actor';
import { getBuild, getRunStatus, getRunTitle, readRunLogs } from '@/server/services/builds/find-builds';
import { AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import { can } from '@/server/lib/permissions';
import { guardedRoute } from './http/request-guard';

// The Builds pages' live views, as Server-Sent Events. The server polls the database (every
// POLL_MS) rather than listening for notifications: PGlite has no LISTEN across connections, and
// a worker in another process writes the rows. Only changes are sent; a stream ends itself when
// what it shows is final, and stops polling the moment the client goes away (the response body
// is cancelled, or the request aborted).

/** A quarter second: a log line reaches the page within ~¼ s of its row (bench:console measures it). */
export const POLL_MS = 250;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** Log lines per SSE event: one event per line would cost the browser a dispatch per line at 100 000 lines. */
const LINES_PER_EVENT = 1_000;

const READ_POLICY = { maxBodyBytes: 0, sameOriginReads: true } as const;

function problem(status: number, message: string) {
  return Response.json({ error: { message } }, { status, headers: { 'cache-control': 'no-store' } });
}

async function reader(req: Request): Promise<{ db: Db } | { refusal: Response }> {
  const user = await getSessionUser(req.headers);
  if (!user) return { refusal: problem(401, 'Sign in first.') };
  if (!can(user.actor.role, 'read')) return { refusal: problem(403, `Your role (${user.actor.role}) may not do this.`) };
  return { db: (await getDatabase()).db };
}

let openStreams = 0;
/** Streams still polling in this process (tests check that a client going away stops one). */
export const openStreamCount = () => openStreams;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * An SSE response whose chunks come from `next` (null: the stream is over). Pull-based, so a slow
 * reader holds the producer back instead of a queue growing in memory.
 */
function sseResponse(req: Request, next: (signal: AbortSignal) => Promise<string | null>): Response {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  req.signal.addEventListener('abort', onAbort, { once: true });
  const encoder = new TextEncoder();
  let closed = false;
  openStreams++;
  const finish = () => {
    if (closed) return;
    closed = true;
    openStreams--;
    req.signal.removeEventListener('abort', onAbort);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = abort.signal.aborted ? null : await next(abort.signal);
        if (chunk === null || abort.signal.aborted) {
          finish();
          controller.close();
        } else controller.enqueue(encoder.encode(chunk));
      } catch (err) {
        finish();
        logger.warn({ err }, 'live build stream failed');
        controller.error(err);
      }
    },
    cancel() {
      abort.abort();
      finish();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: Next's compression would otherwise buffer the stream.
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    },
  });
}

const event = (name: string, data: string, id?: number) => `${id !== undefined ? `id: ${id}\n` : ''}event: ${name}\ndata: ${data}\n\n`;

/**
 * GET /api/builds/:buildId/events — the build and its runs as `event: build` (superjson), sent
 * when anything in it changed; `event: end` once the build is final, then the stream closes.
 */
export function handleBuildEvents(req: Request, buildId: string): Promise<Response> {
  return guardedRoute(READ_POLICY, async (r) => {
    const who = await reader(r);
    if ('refusal' in who) return who.refusal;
    if (!ZUuid.safeParse(buildId).success) return problem(404, 'No such build.');
    let first: Awaited<ReturnType<typeof getBuild>>;
    try {
      first = await getBuild(who.db, buildId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return problem(404, err.userMessage);
      throw err;
    }
    let last = '';
    let ended = false;
    let quietSince = Date.now();
    let pending: typeof first | null = first;
    return sseResponse(r, async (signal) => {
      if (ended) return null;
      for (;;) {
        const build = pending ?? (await getBuild(who.db, buildId));
        pending = null;
        const json = superjson.stringify(build);
        if (json !== last) {
          last = json;
          quietSince = Date.now();
          return `retry: 1000\n${event('build', json)}`;
        }
        if (isFinalBuildStatus(build.status)) {
          ended = true;
          return event('end', '{}');
        }
        if (Date.now() - quietSince > KEEPALIVE_MS) {
          quietSince = Date.now();
          return ': keep-alive\n\n';
        }
        await sleep(POLL_MS, signal);
        if (signal.aborted) return null;
      }
    });
  })(req);
}


/**
 * GET /api/build-runs/:runId/log?after=N — a run's log lines after `N` (or after the
 * `Last-Event-ID` an EventSource sends when it reconnects, whichever is later), as
 * `event: lines` with a JSON array of WireLogLine and `id:` the last line's seq, so a reader that
 * drops resumes with no gap and no line twice; `event: end` once the run is final and every line
 * was sent.
 */
export function handleRunLogStream(req: Request, runId: string): Promise<Response> {
  return guardedRoute(READ_POLICY, async (r) => {
    const who = await reader(r);
    if ('refusal' in who) return who.refusal;
    const url = new URL(r.url);
    const parsed = ZRunLogStreamQuery.safeParse({ runId, after: url.searchParams.get('after') ?? undefined });
    if (!parsed.success) return problem(400, `The request is not valid: ${parsed.error.issues[0]?.message ?? 'bad query'}.`);
    const lastEventId = z.coerce.number().int().min(0).safeParse(r.headers.get('last-event-id') ?? undefined);
    let after = Math.max(parsed.data.after, lastEventId.success ? lastEventId.data : 0);
    if ((await getRunStatus(who.db, runId)) === null) return problem(404, 'No such build run.');
    let ended = false;
    let quietSince = Date.now();
    return sseResponse(r, async (signal) => {
      if (ended) return null;
      for (;;) {
        // The status first: the worker writes a run's last lines before it marks the run final,
        // so a run seen final here has all its lines in the table for the read below.
        const status = await getRunStatus(who.db, runId);
        const { lines } = await readRunLogs(who.db, { runId, afterSeq: after, limit: LINES_PER_EVENT });
        if (lines.length) {
          after = lines.at(-1)!.seq;
          quietSince = Date.now();
          const wire: WireLogLine[] = lines.map((l) => [l.seq, l.at.getTime(), l.stream, l.step, l.text]);
          return event('lines', JSON.stringify(wire), after);
        }
        if (status === null || isFinalBuildStatus(status)) {
          ended = true;
          return event('end', JSON.stringify({ status }), after);
        }
        if (Date.now() - quietSince > KEEPALIVE_MS) {
          quietSince = Date.now();
          return ': keep-alive\n\n';
        }
        await sleep(POLL_MS, signal);
        if (signal.aborted) return null;
      }
    });
  })(req);
}

/** One log line as text: `2026-03-02T14:05:01.123Z stderr [provision] the line`. */
export const logLineText = (l: { at: Date; stream: string; step: string | null; text: string }) => `${l.at.toISOString()} ${l.stream.padEnd(6)} [${l.step ?? '-'}] ${l.text}\n`;

/**
 * GET /api/build-runs/:runId/log/download — the run's whole log as a text file (every line so
 * far), streamed page by page so a 100 000-line log never sits in memory at once.
 */
export function handleRunLogDownload(req: Request, runId: string): Promise<Response> {
  return guardedRoute(READ_POLICY, async (r) => {
    const who = await reader(r);
    if ('refusal' in who) return who.refusal;
    if (!ZUuid.safeParse(runId).success) return problem(404, 'No such build run.');
    const run = await getRunTitle(who.db, runId);
    if (!run) return problem(404, 'No such build run.');
    const encoder = new TextEncoder();
    let after = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { lines, lastSeq } = await readRunLogs(who.db, { runId, afterSeq: after, limit: MAX_LOG_PAGE });
        if (lines.length === 0) return controller.close();
        after = lastSeq;
        controller.enqueue(encoder.encode(lines.map(logLineText).join('')));
      },
    });
    const name = `${run.builderName.replace(/[^A-Za-z0-9._-]+/g, '_')}-${runId.slice(0, 8)}.log`;
    return new Response(body, {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  })(req);
}
