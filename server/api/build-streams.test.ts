// The Builds pages' reads on a real database: the list's filters (in SQL), the live log over SSE
// (resuming after a seq with no gap and no duplicate, ending when the run is final, stopping when
// the client goes away), the build's live state, the log download, and the routes' guards.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type Db } from '@/db';
import { createCaller } from '@/server/api/root';
import { consoleUrl } from '@/server/env';
import type { Actor } from '@/server/lib/permissions';
import { createCloudAccount } from '@/server/services/clouds/create-cloud-account';
import { createTemplate } from '@/server/services/templates/create-template';
import { makeActor } from '@/server/testing/actors';
import { seedTemplateFiles } from '@/server/testing/seed-template';
import { createTestDatabase, type TestDatabase } from '@/server/testing/test-db';
import { signInCookie } from '@/server/testing/trpc-http';
import type { WireLogLine } from './schemas/builds';
import { handleBuildEvents, handleRunLogDownload, handleRunLogStream, openStreamCount } from './build-streams';

const PASSWORD = 'correct horse battery staple';

interface SseEvent { id?: string; event: string; data: string }

/** Reads SSE events off a response body as they arrive. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<SseEvent | null> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = { event: 'message', data: '' };
          let isComment = true;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            if (field === 'id') ev.id = value;
            else if (field === 'event') ev.event = value;
            else if (field === 'data') ev.data = value;
            else continue;
            isComment = false;
          }
          if (!isComment) return ev;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

async function addLines(db: Db, runId: string, from: number, to: number, stream: 'stdout' | 'stderr' | 'engine' = 'stdout') {
  for (let start = from; start <= to; start += 1_000) {
    const rows = [];
    for (let seq = start; seq <= Math.min(to, start + 999); seq++) rows.push({ runId, seq, at: new Date(1_700_000_000_000 + seq), stream, step: 'provision', text: `line ${seq}` });
    await db.insert(tables.buildRunLogs).values(rows);
  }
}

describe('builds pages: list, live state, live log and download', () => {
  let t: TestDatabase;
  let admin: Actor;
  let builder: Actor;
  let templateA: string;
  let templateB: string;
  let accountId: string;
  const db = () => t.database.db;
  const origin = () => consoleUrl();
  const headers = (cookie?: string, extra: Record<string, string> = {}) => ({ origin: origin(), 'sec-fetch-site': 'same-origin', ...(cookie ? { cookie } : {}), ...extra });

  async function insertBuild(over: { templateId: string; by: Actor; status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'; at: string; runs: { cloud: 'ucloud' | 'aws'; region: string; status?: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'; imageId?: string }[] }) {
    const [build] = await db()
      .insert(tables.builds)
      .values({ templateId: over.templateId, templateVersion: 1, bodySha256: 'x', cloudAccountId: accountId, requestedBy: over.by.id, status: over.status, options: { parallelism: 0, failFast: false }, createdAt: new Date(over.at), startedAt: new Date(over.at) })
      .returning({ id: tables.builds.id });
    const runs = await db()
      .insert(tables.buildRuns)
      .values(
        over.runs.map((r) => ({
          buildId: build!.id, builderName: `${r.cloud}-${r.region}`, cloud: r.cloud, region: r.region, cloudAccountId: accountId, status: r.status ?? over.status,
          startedAt: new Date(over.at), artifact: r.imageId ? { id: r.imageId, images: [{ region: r.region, imageId: r.imageId }, { region: `${r.region}-copy`, imageId: `${r.imageId}-c`, sourceRegion: r.region }], copyFailures: [] } : null,
        })),
      )
      .returning({ id: tables.buildRuns.id });
    return { id: build!.id, runIds: runs.map((r) => r.id) };
  }

  let b1: { id: string; runIds: string[] };
  let b2: { id: string; runIds: string[] };
  let b3: { id: string; runIds: string[] };

  beforeAll(async () => {
    t = await createTestDatabase();
    admin = await makeActor(db(), 'admin', 'pages-admin@rome.test');
    builder = await makeActor(db(), 'builder', 'pages-builder@rome.test');
    await db().update(tables.users).set({ name: 'Bea Builder' }).where(eq(tables.users.id, builder.id));
    accountId = (await createCloudAccount(db(), admin, { environment: 'sandbox', syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true, imagePageSize: 20, name: 'u', cloud: 'ucloud', keyId: 'k', secret: 's', projectId: 'p', endpoint: 'http://127.0.0.1:9/ucloud' }, { sync: false })).id;
    const seed = await seedTemplateFiles(db(), 'rome-access');
    templateA = (await createTemplate(db(), admin, { name: 'alpha-access', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs })).id;
    templateB = (await createTemplate(db(), admin, { name: 'beta-edge', role: 'access', description: '', body: seed.body, message: 'first', asDraft: false, attachments: seed.attachments, inputs: seed.inputs })).id;
    b1 = await insertBuild({ templateId: templateA, by: admin, status: 'succeeded', at: '2026-01-01T10:00:00Z', runs: [{ cloud: 'ucloud', region: 'cn-bj2', imageId: 'uimage-abc123' }, { cloud: 'aws', region: 'us-east-1', imageId: 'ami-0f00' }] });
    b2 = await insertBuild({ templateId: templateB, by: builder, status: 'running', at: '2026-01-02T10:00:00Z', runs: [{ cloud: 'aws', region: 'eu-west-1' }] });
    b3 = await insertBuild({ templateId: templateA, by: builder, status: 'failed', at: '2026-01-03T10:00:00Z', runs: [{ cloud: 'ucloud', region: 'cn-sh2' }] });
  });
  afterAll(() => t.drop());

  it('lists builds newest first and filters by status, template, cloud, who and text, in SQL', async () => {
    const api = createCaller({ db: db(), actor: builder });
    const ids = async (q: Parameters<typeof api.build.list>[0]) => (await api.build.list(q)).rows.map((r) => r.id);
    const all = await api.build.list({});
    expect(all.rows.map((r) => r.id)).toEqual([b3.id, b2.id, b1.id]);
    expect(all.total).toBe(3);
    const first = all.rows[2]!;
    expect(first).toMatchObject({ templateName: 'alpha-access', templateVersion: 1, requestedByName: 'Test admin', status: 'succeeded' });
    // In the clouds' order (the enum's: ucloud first), then by region.
    expect(first.targets).toEqual([
      { cloud: 'ucloud', region: 'cn-bj2', status: 'succeeded', copies: ['cn-bj2-copy'] },
      { cloud: 'aws', region: 'us-east-1', status: 'succeeded', copies: ['us-east-1-copy'] },
    ]);
    expect(await ids({ status: 'running' })).toEqual([b2.id]);
    expect(await ids({ templateId: templateA })).toEqual([b3.id, b1.id]);
    expect(await ids({ cloud: 'aws' })).toEqual([b2.id, b1.id]);
    expect(await ids({ cloud: 'ucloud', status: 'failed' })).toEqual([b3.id]);
    expect(await ids({ requestedBy: builder.id })).toEqual([b3.id, b2.id]);
    expect(await ids({ search: 'eu-west' })).toEqual([b2.id]);
    expect(await ids({ search: 'UIMAGE-ABC' })).toEqual([b1.id]);
    expect(await ids({ search: 'beta' })).toEqual([b2.id]);
    expect(await ids({ search: 'bea builder' })).toEqual([b3.id, b2.id]);
    expect(await ids({ search: b3.id.slice(0, 8) })).toEqual([b3.id]);
    expect(await ids({ search: '100%_' })).toEqual([]);
    const paged = await api.build.list({ pageSize: 10, page: 2 });
    expect(paged).toMatchObject({ rows: [], total: 3 });
    const facets = await api.build.facets();
    expect(facets.templates.map((x) => x.name)).toEqual(['alpha-access', 'beta-edge']);
    expect(facets.users.map((x) => x.name).sort()).toEqual(['Bea Builder', 'Test admin']);
    await expect(api.build.list({ search: 'a'.repeat(101) })).rejects.toThrow();
  });

  it('streams a run log after the Last-Event-ID with no gap and no duplicate, live, and ends when the run is final', { timeout: 30_000 }, async () => {
    const runId = b2.runIds[0]!;
    await addLines(db(), runId, 1, 2_500);
    const cookie = (await signInCookie('pages-builder@rome.test', PASSWORD))!;
    // Last-Event-ID (an EventSource reconnecting) wins over an earlier ?after=.
    const res = await handleRunLogStream(new Request(`${origin()}/api/build-runs/${runId}/log?after=5`, { headers: headers(cookie, { 'last-event-id': '1200' }) }), runId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = sseReader(res);
    const seen: number[] = [];
    const readUntil = async (seq: number) => {
      while (seen.at(-1) !== seq) {
        const ev = await sse.next();
        expect(ev?.event).toBe('lines');
        const lines = JSON.parse(ev!.data) as WireLogLine[];
        expect(Number(ev!.id)).toBe(lines.at(-1)![0]);
        seen.push(...lines.map((l) => l[0]));
        expect(lines[0]![4]).toBe(`line ${lines[0]![0]}`);
      }
    };
    await readUntil(2_500);
    // Lines the worker writes while the reader waits arrive too.
    await addLines(db(), runId, 2_501, 2_510, 'stderr');
    await readUntil(2_510);
    expect(seen).toEqual(Array.from({ length: 2_510 - 1_200 }, (_, i) => 1_201 + i));
    await db().update(tables.buildRuns).set({ status: 'succeeded', finishedAt: sql`now()` }).where(eq(tables.buildRuns.id, runId));
    const end = await sse.next();
    expect(end).toMatchObject({ event: 'end', id: '2510' });
    expect(JSON.parse(end!.data)).toEqual({ status: 'succeeded' });
    expect(await sse.next()).toBeNull();

    // A finished run's log stays readable: from ?after= to the end, then `end`.
    const again = sseReader(await handleRunLogStream(new Request(`${origin()}/api/build-runs/${runId}/log?after=2505`, { headers: headers(cookie) }), runId));
    const tail = await again.next();
    expect((JSON.parse(tail!.data) as WireLogLine[]).map((l) => [l[0], l[2]])).toEqual([2506, 2507, 2508, 2509, 2510].map((s) => [s, 'stderr']));
    expect((await again.next())?.event).toBe('end');
    expect(await again.next()).toBeNull();
  });

  it('stops polling when the client goes away', async () => {
    const runId = b3.runIds[0]!;
    await db().update(tables.buildRuns).set({ status: 'running' }).where(eq(tables.buildRuns.id, runId));
    const cookie = (await signInCookie('pages-builder@rome.test', PASSWORD))!;
    const before = openStreamCount();
    const abort = new AbortController();
    const res = await handleRunLogStream(new Request(`${origin()}/api/build-runs/${runId}/log`, { headers: headers(cookie), signal: abort.signal }), runId);
    const reader = res.body!.getReader();
    const pending = reader.read();
    await new Promise((r) => setTimeout(r, 700));
    expect(openStreamCount()).toBe(before + 1);
    await reader.cancel();
    await pending.catch(() => undefined);
    expect(openStreamCount()).toBe(before);

    // The request being aborted (the browser closing the page) ends it as well.
    const res2 = await handleRunLogStream(new Request(`${origin()}/api/build-runs/${runId}/log`, { headers: headers(cookie), signal: abort.signal }), runId);
    const r2 = res2.body!.getReader();
    const read2 = r2.read();
    await new Promise((r) => setTimeout(r, 300));
    expect(openStreamCount()).toBe(before + 1);
    abort.abort();
    expect((await read2).done).toBe(true);
    expect(openStreamCount()).toBe(before);
    await db().update(tables.buildRuns).set({ status: 'failed' }).where(eq(tables.buildRuns.id, runId));
  });

  it('streams a build state on change and ends once the build is final', { timeout: 20_000 }, async () => {
    const cookie = (await signInCookie('pages-builder@rome.test', PASSWORD))!;
    const [build] = await db().insert(tables.builds).values({ templateId: templateB, templateVersion: 1, bodySha256: 'x', requestedBy: builder.id, status: 'running', options: { parallelism: 0, failFast: false } }).returning({ id: tables.builds.id });
    const [run] = await db().insert(tables.buildRuns).values({ buildId: build!.id, builderName: 'aws-x', cloud: 'aws', region: 'us-west-2', status: 'running', currentStep: 'create-host' }).returning({ id: tables.buildRuns.id });
    const sse = sseReader(await handleBuildEvents(new Request(`${origin()}/api/builds/${build!.id}/events`, { headers: headers(cookie) }), build!.id));
    const { default: superjson } = await import('superjson');
    const parse = (ev: SseEvent | null) => superjson.parse<{ status: string; templateName: string; runs: { currentStep: string | null; status: string; startedAt: Date | null }[] }>(ev!.data);
    const first = parse(await sse.next());
    expect(first).toMatchObject({ status: 'running', templateName: 'beta-edge', runs: [{ currentStep: 'create-host', status: 'running' }] });
    await db().update(tables.buildRuns).set({ currentStep: 'provision', startedAt: new Date('2026-01-05T00:00:00Z') }).where(eq(tables.buildRuns.id, run!.id));
    const second = parse(await sse.next());
    expect(second.runs[0]).toMatchObject({ currentStep: 'provision', startedAt: new Date('2026-01-05T00:00:00Z') });
    await db().update(tables.buildRuns).set({ status: 'succeeded' }).where(eq(tables.buildRuns.id, run!.id));
    await db().update(tables.builds).set({ status: 'succeeded' }).where(eq(tables.builds.id, build!.id));
    let ev = await sse.next();
    // The run's change and the build's may come as one event or two; then the stream ends.
    while (ev?.event === 'build') ev = await sse.next();
    expect(ev?.event).toBe('end');
    expect(await sse.next()).toBeNull();
  });

  it('downloads every line of a log as text, across pages', { timeout: 30_000 }, async () => {
    const runId = b1.runIds[0]!;
    await addLines(db(), runId, 1, 6_200);
    const cookie = (await signInCookie('pages-admin@rome.test', PASSWORD))!;
    const res = await handleRunLogDownload(new Request(`${origin()}/api/build-runs/${runId}/log/download`, { headers: headers(cookie) }), runId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="ucloud-cn-bj2-[0-9a-f]{8}\.log"/);
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(6_200);
    expect(lines[0]).toBe(`${new Date(1_700_000_000_001).toISOString()} stdout [provision] line 1`);
    expect(lines.at(-1)).toMatch(/ line 6200$/);
    expect(new Set(lines).size).toBe(6_200);
  });

  it('refuses signed-out and cross-site requests, and unknown runs', async () => {
    const runId = b1.runIds[0]!;
    const anon = (h: Record<string, string> = {}) => new Request(`${origin()}/api/build-runs/${runId}/log`, { headers: headers(undefined, h) });
    expect((await handleRunLogStream(anon(), runId)).status).toBe(401);
    expect((await handleRunLogDownload(anon(), runId)).status).toBe(401);
    expect((await handleBuildEvents(anon(), b1.id)).status).toBe(401);
    const cookie = (await signInCookie('pages-admin@rome.test', PASSWORD))!;
    const evil = new Request(`${origin()}/api/build-runs/${runId}/log/download`, { headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect((await handleRunLogDownload(evil, runId)).status).toBe(403);
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await handleRunLogStream(new Request(`${origin()}/api/build-runs/${ghost}/log`, { headers: headers(cookie) }), ghost)).status).toBe(404);
    expect((await handleRunLogStream(new Request(`${origin()}/api/build-runs/nope/log`, { headers: headers(cookie) }), 'nope')).status).toBe(400);
    expect((await handleBuildEvents(new Request(`${origin()}/api/builds/${ghost}/events`, { headers: headers(cookie) }), ghost)).status).toBe(404);
  });
});
