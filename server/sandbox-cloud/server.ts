import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleEc2 } from './ec2-api/handler';
import type { SandboxRequest, SandboxResponse } from './http-types';
import { SshHostRuntime } from './ssh/host-runtime';
import { handleUCloud } from './ucloud-api/handler';
import { ZFaultConfig } from './world/faults';
import { DEFAULT_ACCOUNTS } from './accounts';
import type { Account } from './world/types';
import { World, type WorldOptions } from './world/world';
import { loadState, saveState } from './world/persistence';

export interface SandboxOptions extends Omit<WorldOptions, 'accounts' | 'runtime'> {
  port?: number;
  host?: string;
  accounts?: Account[];
  /** Persist the world to this file on every change-making request and on close. */
  stateFile?: string;
}

export interface SandboxCloud {
  url: string;
  port: number;
  world: World;
  close(): Promise<void>;
}

/** Starts the sandbox cloud: UCloud API at /ucloud, EC2 Query API at /ec2, control at /_sandbox. */
export async function startSandboxCloud(opts: SandboxOptions = {}): Promise<SandboxCloud> {
  const runtime = new SshHostRuntime({ port: opts.sshPort ?? 2222 });
  const world = new World({ ...opts, accounts: opts.accounts ?? DEFAULT_ACCOUNTS, runtime });
  if (opts.stateFile) await loadState(world, opts.stateFile);
  const saver = opts.stateFile ? new StateSaver(world, opts.stateFile) : undefined;

  const server: Server = createServer((req, res) => {
    void route(world, req, res, saver).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`sandbox error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    world,
    async close() {
      await saver?.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await world.close();
    },
  };
}

async function route(world: World, req: IncomingMessage, res: ServerResponse, saver?: StateSaver): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const body = await readBody(req);
  const send = (r: SandboxResponse) => {
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  };
  const json = (status: number, value: unknown) => send({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value, null, 2) });
  const sandboxReq = (prefix: string): SandboxRequest => ({
    method: req.method ?? 'GET',
    url: new URL((url.pathname.slice(prefix.length) || '/') + url.search, url),
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v])),
    body,
  });

  if (url.pathname === '/_sandbox/health') return json(200, { ok: true });
  if (url.pathname === '/_sandbox/resources') {
    // ?base=include|only adds the clouds' base images; ?cloud=, ?kind=, ?region= narrow the list.
    const base = url.searchParams.get('base');
    const q = (k: string) => url.searchParams.get(k);
    const resources = world
      .resources({ baseImages: base === 'include' || base === 'only' ? base : 'exclude' })
      .filter((r) => (!q('cloud') || r.cloud === q('cloud')) && (!q('kind') || r.kind === q('kind')) && (!q('region') || r.region === q('region')));
    return json(200, { count: resources.length, resources });
  }
  if (url.pathname === '/_sandbox/faults') {
    if (req.method === 'GET') return json(200, world.faults.config);
    if (req.method === 'DELETE') {
      world.faults.reset();
      world.rateLimiter.setScale(1);
      return json(200, world.faults.config);
    }
    const parsed = ZFaultConfig.safeParse(JSON.parse(body.toString('utf8') || '{}'));
    if (!parsed.success) return json(400, { error: parsed.error.issues });
    const config = world.faults.update(parsed.data);
    if (parsed.data.rateLimitScale !== undefined) world.rateLimiter.setScale(parsed.data.rateLimitScale);
    return json(200, config);
  }
  if (url.pathname === '/_sandbox/calls') {
    // Every request the rate limiter saw (time, account, region, class, throttled), oldest first;
    // ?cloud= and ?account= narrow it. A client's call rate is measured from here, not by the client.
    if (req.method === 'DELETE') world.rateLimiter.calls.length = 0;
    const q = (k: string) => url.searchParams.get(k);
    const calls = world.rateLimiter.calls.filter((c) => (!q('cloud') || c.cloud === q('cloud')) && (!q('account') || c.account === q('account')));
    return json(200, { budgets: world.rateLimiter.budgets(), count: calls.length, calls });
  }
  if (url.pathname === '/_sandbox/stats') {
    if (req.method === 'DELETE') world.apiCalls.clear();
    return json(200, { calls: Object.fromEntries([...world.apiCalls].sort(([a], [b]) => a.localeCompare(b))) });
  }
  if (url.pathname === '/ucloud' || url.pathname.startsWith('/ucloud/')) {
    count(world, 'ucloud', url, req.headers['content-type'], body);
    send(await handleUCloud(world, sandboxReq('/ucloud')));
  } else if (url.pathname === '/ec2' || url.pathname.startsWith('/ec2/')) {
    count(world, 'ec2', url, req.headers['content-type'], body);
    send(await handleEc2(world, sandboxReq('/ec2')));
  } else {
    return json(404, { error: `no route ${url.pathname}; try /ucloud, /ec2 or /_sandbox/resources` });
  }
  if (req.method === 'POST') saver?.request();
}

/**
 * Writes the state file after changes, at most once a second and never two writes at once:
 * every API call is a POST, and snapshotting host disks on each would be slow and racy.
 */
class StateSaver {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly world: World,
    private readonly file: string,
  ) {}

  request(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, 1000);
    this.timer.unref();
  }

  private save(): Promise<void> {
    // Chained, so two writes never race on the temporary file.
    this.running = (this.running ?? Promise.resolve())
      .then(() => saveState(this.world, this.file))
      .catch(() => {
        // A failed write is retried by the next change or at close; the API answer stands.
      });
    return this.running;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }
}

/** Counts a request by its Action, however it was sent (query, form or JSON body). */
function count(world: World, api: 'ucloud' | 'ec2', url: URL, contentType: string | undefined, body: Buffer): void {
  let action = url.searchParams.get('Action');
  if (!action && body.length) {
    const text = body.toString('utf8');
    try {
      action = contentType?.includes('json') ? (JSON.parse(text) as { Action?: string }).Action ?? null : new URLSearchParams(text).get('Action');
    } catch {
      action = null;
    }
  }
  const key = `${api}:${action ?? '?'}`;
  world.apiCalls.set(key, (world.apiCalls.get(key) ?? 0) + 1);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export { DEFAULT_ACCOUNTS };
