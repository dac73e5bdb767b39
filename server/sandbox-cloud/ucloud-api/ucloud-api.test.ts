import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../server';
import { handleUCloud } from './handler';
import { flatten, indexedGroups, Params } from './params';
import { computeSignature, stringToSign, verifySignature } from './signature';

// The UCloud front end over real HTTP with plain fetch and a signer written here (not the
// console's client), so the sandbox is checked against the documented wire format only.

const DOC_PUBLIC = 'ucloudsomeone@example.com1296235120854146120';
const DOC_PRIVATE = '46f09bb9fab4f12dfc160dae12273d5332b5debe';
const PUBLIC_KEY = 'sandbox-public-key';
const PRIVATE_KEY = 'sandbox-private-key';
const RUN = `t${randomBytes(3).toString('hex')}`;

/** Test-local signer: sorted key+value pairs, private key appended, SHA-1 hex (reference §1.4). */
function sign(params: Record<string, string>, privateKey: string): string {
  const keys = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1')
    .update(keys.map((k) => `${k}${params[k]}`).join('') + privateKey)
    .digest('hex');
}

/** Flattens nested params the way the SDKs do, for signing a nested JSON body. */
function flat(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => flat(v, `${prefix}.${i}`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flat(v, prefix ? `${prefix}.${k}` : k, out);
  else if (value !== undefined) out[prefix] = String(value);
  return out;
}

interface Envelope {
  RetCode: number;
  Action: string;
  Message?: string;
  [k: string]: unknown;
}

let sandbox: SandboxCloud;

async function raw(params: Record<string, string>, via: 'form' | 'json' = 'form'): Promise<{ body: Envelope; headers: Headers }> {
  const url = `${sandbox.url}/ucloud`;
  let res: Response;
  if (via === 'json') res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  else res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  expect(res.status).toBe(200);
  return { body: (await res.json()) as Envelope, headers: res.headers };
}

/** Signed call; nested values are sent as nested JSON (signed over their flattened form). */
async function call(action: string, params: Record<string, unknown> = {}, opts: { via?: 'form' | 'json'; nested?: boolean } = {}): Promise<Envelope> {
  const flatParams = flat({ Action: action, PublicKey: PUBLIC_KEY, ...params });
  const signature = sign(flatParams, PRIVATE_KEY);
  if (opts.nested) {
    const res = await fetch(`${sandbox.url}/ucloud`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Action: action, PublicKey: PUBLIC_KEY, ...params, Signature: signature }),
    });
    return (await res.json()) as Envelope;
  }
  return (await raw({ ...flatParams, Signature: signature }, opts.via ?? 'form')).body;
}

async function ok(action: string, params: Record<string, unknown> = {}, opts: { via?: 'form' | 'json'; nested?: boolean } = {}): Promise<Envelope> {
  const res = await call(action, params, opts);
  if (res.RetCode !== 0) throw new Error(`${action} → ${res.RetCode} ${res.Message}`);
  expect(res.Action).toBe(`${action}Response`);
  return res;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface HostView {
  UHostId: string;
  State: string;
  BootDiskState: string;
  IPSet: { Type: string; IP: string; IPId?: string }[];
  DiskSet: { DiskType: string; IsBoot: string; Size: number }[];
  [k: string]: unknown;
}

async function host(region: string, id: string): Promise<HostView | undefined> {
  const res = await ok('DescribeUHostInstance', { Region: region, 'UHostIds.0': id });
  return (res.UHostSet as HostView[])[0];
}

async function imageState(region: string, id: string): Promise<string | undefined> {
  const res = await ok('DescribeImage', { Region: region, ImageId: id });
  return (res.ImageSet as { State: string }[])[0]?.State;
}

async function baseImage(region: string, name: string): Promise<{ ImageId: string; ImageSize: number }> {
  for (let offset = 0; ; offset += 100) {
    const res = await ok('DescribeImage', { Region: region, ImageType: 'Base', Offset: offset, Limit: 100 });
    const set = res.ImageSet as { ImageId: string; ImageName: string; ImageSize: number }[];
    const hit = set.find((i) => i.ImageName === `${name} 64位`);
    if (hit) return hit;
    if (offset + set.length >= (res.TotalCount as number)) throw new Error(`no ${name} in ${region}`);
  }
}

/** First line an SSH server sends, or null when nothing answers. */
function sshBanner(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (v: string | null) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(2000, () => done(null));
    socket.once('data', (d: Buffer) => done(d.toString('utf8').split('\r\n')[0] ?? null));
    socket.once('error', () => done(null));
  });
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

function hostParams(region: string, zone: string, imageId: string, disk: { type: string; size: number }, extra: Record<string, unknown> = {}) {
  return {
    Region: region,
    Zone: zone,
    ImageId: imageId,
    'Disks.0.IsBoot': 'True',
    'Disks.0.Type': disk.type,
    'Disks.0.Size': disk.size,
    LoginMode: 'Password',
    Password: b64('Sandbox-Pass-1'),
    CPU: 2,
    Memory: 4096,
    MachineType: 'N',
    ChargeType: 'Dynamic',
    Name: `rome-${RUN}`,
    'NetworkInterface.0.EIP.Bandwidth': 10,
    'NetworkInterface.0.EIP.PayMode': 'Traffic',
    'NetworkInterface.0.EIP.OperatorName': region.startsWith('cn-') ? 'Bgp' : 'International',
    ...extra,
  };
}

async function stopAndTerminate(region: string, id: string) {
  await ok('StopUHostInstance', { Region: region, UHostId: id });
  await waitFor(`${id} stopped`, async () => (await host(region, id))?.State === 'Stopped');
  const res = await ok('TerminateUHostInstance', { Region: region, UHostId: id, ReleaseEIP: true, ReleaseUDisk: true });
  expect(res.InRecycle).toBe('No');
}

describe('UCloud signature (reference §1.4 vectors)', () => {
  const withKey = (p: Record<string, string>) => ({ ...p, PublicKey: DOC_PUBLIC });

  it('A: docs example', () => {
    const p = withKey({ Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: '10' });
    expect(stringToSign(p)).toBe('ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120Regioncn-bj2');
    expect(computeSignature(p, DOC_PRIVATE)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('A also from a JSON body with a numeric Limit', () => {
    const p = flatten({ Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: 10, PublicKey: DOC_PUBLIC });
    expect(computeSignature(p, DOC_PRIVATE)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('B: older docs CreateUHostInstance', () => {
    const p = withKey({
      Action: 'CreateUHostInstance',
      Region: 'cn-bj2',
      Zone: 'cn-bj2-04',
      ImageId: 'f43736e1-65a5-4bea-ad2e-8a46e18883c2',
      CPU: '2',
      Memory: '2048',
      DiskSpace: '10',
      LoginMode: 'Password',
      Password: 'VUNsb3VkLmNu',
      Name: 'Host01',
      ChargeType: 'Month',
      Quantity: '1',
    });
    expect(stringToSign(p).startsWith('ActionCreateUHostInstanceCPU2ChargeTypeMonthDiskSpace10ImageIdf437')).toBe(true);
    expect(computeSignature(p, DOC_PRIVATE)).toBe('4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65');
  });

  it('C: nested Packer-shaped CreateUHostInstance, flattened', () => {
    const p = flatten({
      Action: 'CreateUHostInstance',
      CPU: 2,
      ChargeType: 'Dynamic',
      Disks: [{ IsBoot: true, Size: 20, Type: 'CLOUD_SSD' }],
      ImageId: 'uimage-f1chxn',
      LoginMode: 'Password',
      MachineType: 'N',
      Memory: 4096,
      MinimalCpuPlatform: 'Intel/Auto',
      Name: 'packer-1a2b3c4d',
      NetworkInterface: [{ EIP: { Bandwidth: 10, OperatorName: 'Bgp', PayMode: 'Traffic' } }],
      Password: b64('packer-Pass1'),
      ProjectId: 'org-example',
      PublicKey: DOC_PUBLIC,
      Region: 'cn-bj2',
      Zone: 'cn-bj2-02',
    });
    expect(p['Disks.0.IsBoot']).toBe('true');
    expect(p['NetworkInterface.0.EIP.OperatorName']).toBe('Bgp');
    expect(computeSignature(p, DOC_PRIVATE)).toBe('1afaa55b3f3a2989eb72316da725dc607f4db09a');
  });

  it('D: DescribeImage', () => {
    const p = withKey({ Action: 'DescribeImage', Region: 'cn-bj2', ProjectId: 'org-example', ImageType: 'Base', OsType: 'Linux', Limit: '20', Offset: '0' });
    expect(computeSignature(p, DOC_PRIVATE)).toBe('2d86a1a697c02cb6d2eb22f1e2fa2c743934ad9d');
  });

  it('E: booleans are lowercase', () => {
    const p = flatten({ Action: 'TerminateUHostInstance', Region: 'cn-bj2', ProjectId: 'org-example', UHostId: 'uhost-example', ReleaseEIP: true, ReleaseUDisk: true, PublicKey: DOC_PUBLIC });
    expect(computeSignature(p, DOC_PRIVATE)).toBe('0a05b7ba0f468b4ea428eb7072722b1bda21fb23');
    expect(verifySignature({ ...p, Signature: '0A05B7BA0F468B4EA428EB7072722B1BDA21FB23' }, DOC_PRIVATE, '0A05B7BA0F468B4EA428EB7072722B1BDA21FB23')).toBe(true);
    expect(verifySignature(p, DOC_PRIVATE, '0a05b7ba0f468b4ea428eb7072722b1bda21fb24')).toBe(false);
  });

  it('sorts by bytes: CPU before ChargeType, Disks.10 before Disks.2', () => {
    expect(stringToSign({ ChargeType: 'x', CPU: '1', 'Disks.2.Size': 'a', 'Disks.10.Size': 'b' })).toBe('CPU1ChargeTypexDisks.10.SizebDisks.2.Sizea');
  });
});

describe('UCloud params', () => {
  it('flattens nested values and groups them back', () => {
    const p = flatten({ Disks: [{ IsBoot: true, Size: 20.0 }], Ratio: 0.5, Skip: null, NetworkInterface: [{ EIP: { Bandwidth: 10 } }] });
    expect(p).toEqual({ 'Disks.0.IsBoot': 'true', 'Disks.0.Size': '20', Ratio: '0.5', 'NetworkInterface.0.EIP.Bandwidth': '10' });
    expect(indexedGroups({ 'X.10.A': '1', 'X.2.A': '2', 'X.2.B': '3' }, 'X').map((g) => g.index)).toEqual([2, 10]);
    const params = new Params({ A: 'True', B: 'false', N: '7', 'L.1': 'b', 'L.0': 'a' });
    expect([params.bool('A'), params.bool('B'), params.int('N'), params.list('L')]).toEqual([true, false, 7, ['a', 'b']]);
    expect(() => new Params({ N: 'x' }).int('N')).toThrow(/Params \[N\] not available/);
  });
});

// The unit project does not inherit the root testTimeout (its default is 5 s); host lifecycles
// at timeScale 0.2 take a few seconds, more on a loaded machine.
describe('UCloud API over HTTP', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    sandbox = await startSandboxCloud({ timeScale: 0.2, sshPort: 20000 + Math.floor(Math.random() * 20000) });
  });
  afterAll(() => sandbox?.close());

  it('answers in the envelope with a request id, for form and JSON bodies', async () => {
    for (const via of ['form', 'json'] as const) {
      const params = { Action: 'GetProjectList', PublicKey: PUBLIC_KEY };
      const { body, headers } = await raw({ ...params, Signature: sign(params, PRIVATE_KEY) }, via);
      expect(body).toMatchObject({ RetCode: 0, Action: 'GetProjectListResponse', ProjectCount: 1 });
      expect((body.ProjectSet as { ProjectId: string; IsDefault: boolean }[])[0]).toMatchObject({ ProjectId: 'org-sandbox', IsDefault: true });
      expect(headers.get('x-ucloud-request-uuid')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('reads GET query strings (handler level: server.ts currently drops the query when it strips /ucloud)', async () => {
    const params = { Action: 'DescribeImage', PublicKey: PUBLIC_KEY, Region: 'cn-bj2', Limit: '3' };
    const url = new URL(`http://sandbox/?${new URLSearchParams({ ...params, Signature: sign(params, PRIVATE_KEY) })}`);
    const res = await handleUCloud(sandbox.world, { method: 'GET', url, headers: {}, body: Buffer.alloc(0) });
    expect(res.status).toBe(200);
    expect(res.headers['X-UCLOUD-REQUEST-UUID']).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.parse(res.body) as Envelope;
    expect(body).toMatchObject({ RetCode: 0, Action: 'DescribeImageResponse', TotalCount: 260 });
    expect(body.ImageSet).toHaveLength(3);
  });

  it('refuses bad requests with the gateway codes', async () => {
    const signed = (p: Record<string, string>, key = PRIVATE_KEY) => ({ ...p, Signature: sign(p, key) });
    expect((await raw({ PublicKey: PUBLIC_KEY })).body).toMatchObject({ RetCode: 160, Action: 'Response' });
    expect((await raw(signed({ Action: 'NoSuchThing', PublicKey: PUBLIC_KEY }))).body).toMatchObject({ RetCode: 161, Action: 'NoSuchThingResponse' });
    expect((await raw({ Action: 'GetRegion', PublicKey: PUBLIC_KEY })).body.RetCode).toBe(170);
    const unknownKey = await raw(signed({ Action: 'GetRegion', PublicKey: 'nobody' }));
    expect(unknownKey.body).toMatchObject({ RetCode: 172, Action: 'GetRegionResponse' });
    expect(unknownKey.body.Message).toMatch(/user does not exist/i);
    expect((await raw(signed({ Action: 'GetRegion', PublicKey: PUBLIC_KEY }, 'wrong-key'))).body.RetCode).toBe(171);
    // A parameter added after signing breaks the signature too.
    expect((await raw({ ...signed({ Action: 'DescribeImage', PublicKey: PUBLIC_KEY, Region: 'cn-bj2' }), Limit: '5' })).body.RetCode).toBe(171);
    expect((await call('DescribeImage', { Region: 'cn-bj2', ProjectId: 'org-nope' })).RetCode).toBe(292);
    expect((await call('DescribeImage', {})).Message).toBe('Missing params [Region]');
    expect((await call('DescribeImage', { Region: 'mars-1' })).RetCode).toBe(230);
  });

  it('GetRegion lists every region/zone pair of the catalog', async () => {
    const res = await ok('GetRegion');
    const got = (res.Regions as { Region: string; Zone: string; RegionId: number; IsDefault: boolean; BitMaps: string }[]).map((r) => `${r.Region}/${r.Zone}`);
    const want = sandbox.world.regions('ucloud').flatMap((r) => r.zones.map((z) => `${r.id}/${z.id}`));
    expect(got.sort()).toEqual(want.sort());
    expect(want).toContain('cn-gd/cn-gd-02');
  });

  it.each([7, 20, 100])('pages DescribeImage in cn-bj2 with Limit %i: ceil(total/limit) calls, every image once', async (limit) => {
    const seen: string[] = [];
    let calls = 0;
    let total = Infinity;
    for (let offset = 0; offset < total; offset += limit) {
      const res = await ok('DescribeImage', { Region: 'cn-bj2', ImageType: 'Base', Offset: offset, Limit: limit });
      calls += 1;
      total = res.TotalCount as number;
      seen.push(...(res.ImageSet as { ImageId: string }[]).map((i) => i.ImageId));
    }
    expect(total).toBe(260);
    expect(calls).toBe(Math.ceil(total / limit));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('DescribeImage defaults to 20, clamps Limit at 100, and filters', async () => {
    const def = await ok('DescribeImage', { Region: 'cn-bj2' });
    expect((def.ImageSet as unknown[]).length).toBe(20);
    expect((await ok('DescribeImage', { Region: 'cn-bj2', Limit: 500 })).ImageSet as unknown[]).toHaveLength(100);
    expect((await ok('DescribeImage', { Region: 'cn-bj2', ImageType: 'Custom' })).TotalCount).toBe(0);
    expect((await ok('DescribeImage', { Region: 'cn-bj2', OsType: 'Windows' })).TotalCount).toBe(0);
    const pinned = await ok('DescribeImage', { Region: 'cn-bj2', 'ImageIds.0': 'uimage-vmy3ld', Zone: 'cn-bj2-03' });
    expect(pinned.ImageSet).toEqual([
      expect.objectContaining({ ImageId: 'uimage-vmy3ld', Zone: 'cn-bj2-03', OsType: 'Linux', ImageType: 'Base', State: 'Available', ImageSize: 40, OsName: 'Ubuntu 22.04 64位' }),
    ]);
    expect((await call('DescribeImage', { Region: 'cn-bj2', Zone: 'cn-sh2-01' })).RetCode).toBe(230);
  });

  it('runs a full host lifecycle: create with EIP, image, copy to cn-sh2, host from the copy, terminate', async () => {
    const world = sandbox.world;
    // Nested JSON on purpose: arrays/objects are flattened like the SDKs flatten them.
    const created = await ok(
      'CreateUHostInstance',
      {
        Region: 'cn-bj2',
        Zone: 'cn-bj2-02',
        ImageId: 'uimage-vmy3ld',
        Disks: [{ IsBoot: true, Type: 'CLOUD_SSD', Size: 40 }],
        LoginMode: 'Password',
        Password: b64('Sandbox-Pass-1'),
        CPU: 2,
        Memory: 4096,
        MachineType: 'N',
        MinimalCpuPlatform: 'Intel/Auto',
        ChargeType: 'Dynamic',
        Name: `rome-${RUN}`,
        Tag: RUN,
        NetworkInterface: [{ EIP: { Bandwidth: 10, PayMode: 'Traffic', OperatorName: 'Bgp' } }],
      },
      { nested: true },
    );
    const hostId = (created.UHostIds as string[])[0]!;
    const model = world.hosts.get(hostId)!;
    expect(model.login.password).toBe('Sandbox-Pass-1');
    expect(created.IPs).toEqual([model.address]);

    const running = await waitFor('running', async () => {
      const h = await host('cn-bj2', hostId);
      return h?.State === 'Running' ? h : null;
    });
    expect(running).toMatchObject({ Tag: RUN, CPU: 2, Memory: 4096, MachineType: 'N', BasicImageId: 'uimage-vmy3ld', BootDiskState: 'Normal', Name: `rome-${RUN}` });
    expect(running.DiskSet).toEqual([expect.objectContaining({ DiskType: 'CLOUD_SSD', IsBoot: 'True', Size: 40 })]);
    expect(running.IPSet.find((i) => i.Type === 'Bgp')?.IP).toBe(model.address);
    expect(running.IPSet.find((i) => i.Type === 'Private')?.IP).toBe(model.privateIp);
    expect(model.sshPort).toBe(world.sshPort);
    // The EIP is where the host's SSH server answers.
    expect(await waitFor('ssh banner', () => sshBanner(model.address, world.sshPort))).toMatch(/^SSH-2\.0-/);

    // A running host can be neither terminated (8856) nor imaged (8010).
    expect((await call('TerminateUHostInstance', { Region: 'cn-bj2', UHostId: hostId })).RetCode).toBe(8856);
    expect((await call('CreateCustomImage', { Region: 'cn-bj2', UHostId: hostId, ImageName: `rome-${RUN}` })).RetCode).toBe(8010);

    await ok('StopUHostInstance', { Region: 'cn-bj2', UHostId: hostId });
    await waitFor('stopped', async () => (await host('cn-bj2', hostId))?.State === 'Stopped');
    const { ImageId } = (await ok('CreateCustomImage', { Region: 'cn-bj2', UHostId: hostId, ImageName: `rome-${RUN}`, ImageDescription: 'lifecycle' })) as Envelope & { ImageId: string };
    expect(await imageState('cn-bj2', ImageId)).toBe('Making');
    // A copy of an image that is not Available yet: 8961.
    expect((await call('CopyCustomImage', { Region: 'cn-bj2', SourceImageId: ImageId, TargetProjectId: 'org-sandbox', TargetRegion: 'cn-sh2' })).RetCode).toBe(8961);
    await waitFor('image available', async () => (await imageState('cn-bj2', ImageId)) === 'Available');
    // Same project and region: nothing to migrate.
    expect((await call('CopyCustomImage', { Region: 'cn-bj2', SourceImageId: ImageId, TargetProjectId: 'org-sandbox' })).RetCode).toBe(8962);

    const copy = (await ok('CopyCustomImage', {
      Region: 'cn-bj2',
      SourceImageId: ImageId,
      TargetProjectId: 'org-sandbox',
      TargetRegion: 'cn-sh2',
      TargetImageName: `rome-${RUN}-copy`,
    })) as Envelope & { TargetImageId: string; TaskId: string };
    expect(copy.TaskId).toBeTruthy();
    expect(await imageState('cn-sh2', copy.TargetImageId)).toBe('Copying');
    // Concurrent copies into one region are capped (153, naming the region); a failed copy ends Unavailable.
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ maxConcurrentCopiesPerRegion: 1, failCopiesTo: ['sg'] }) });
    let failedCopy: string;
    try {
      const limited = await call('CopyCustomImage', { Region: 'cn-bj2', SourceImageId: ImageId, TargetProjectId: 'org-sandbox', TargetRegion: 'cn-sh2' });
      expect(limited.RetCode).toBe(153);
      expect(limited.Message).toMatch(/concurrent image copies into region cn-sh2/);
      failedCopy = ((await ok('CopyCustomImage', { Region: 'cn-bj2', SourceImageId: ImageId, TargetProjectId: 'org-sandbox', TargetRegion: 'sg' })) as Envelope & { TargetImageId: string }).TargetImageId;
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
    await waitFor('failed copy', async () => (await imageState('sg', failedCopy)) === 'Unavailable');
    await ok('TerminateCustomImage', { Region: 'sg', ImageId: failedCopy });
    await waitFor('copy available', async () => (await imageState('cn-sh2', copy.TargetImageId)) === 'Available');
    const custom = await ok('DescribeImage', { Region: 'cn-sh2', ImageType: 'Custom' });
    expect(custom.ImageSet).toEqual([expect.objectContaining({ ImageId: copy.TargetImageId, ImageType: 'Custom', ImageName: `rome-${RUN}-copy` })]);

    // The copy boots in cn-sh2; its LOCAL_NORMAL boot disk initialises for a moment first.
    const copyHostId = ((await ok('CreateUHostInstance', hostParams('cn-sh2', 'cn-sh2-01', copy.TargetImageId, { type: 'LOCAL_NORMAL', size: 40 }))).UHostIds as string[])[0]!;
    const first = await host('cn-sh2', copyHostId);
    expect(first).toMatchObject({ State: 'Initializing', BootDiskState: 'Initializing' });
    await waitFor('copy host running', async () => (await host('cn-sh2', copyHostId))?.State === 'Running');
    await waitFor('boot disk normal', async () => (await host('cn-sh2', copyHostId))?.BootDiskState === 'Normal');

    await stopAndTerminate('cn-bj2', hostId);
    await stopAndTerminate('cn-sh2', copyHostId);
    expect((await ok('DescribeUHostInstance', { Region: 'cn-bj2', 'UHostIds.0': hostId })).UHostSet).toEqual([]);
    expect((await call('StopUHostInstance', { Region: 'cn-bj2', UHostId: hostId })).RetCode).toBe(8039);
    await ok('TerminateCustomImage', { Region: 'cn-bj2', ImageId });
    await ok('TerminateCustomImage', { Region: 'cn-sh2', ImageId: copy.TargetImageId });
    expect((await call('TerminateCustomImage', { Region: 'cn-bj2', ImageId: 'uimage-vmy3ld' })).RetCode).toBe(8956);
    expect(await imageState('cn-bj2', ImageId)).toBeUndefined();
  });

  it('validates CreateUHostInstance parameters', async () => {
    const image = await baseImage('cn-bj2', 'Ubuntu 22.04');
    const base = hostParams('cn-bj2', 'cn-bj2-02', image.ImageId, { type: 'CLOUD_SSD', size: 40 });
    const code = async (extra: Record<string, unknown>) => (await call('CreateUHostInstance', { ...base, ...extra })).RetCode;
    const hostsBefore = world().hosts.size;
    expect(await code({ Zone: 'cn-sh2-01' })).toBe(230);
    expect(await code({ ImageId: 'uimage-nothere' })).toBe(8874);
    expect(await code({ 'Disks.0.Type': 'cloud_ssd' })).toBe(230);
    expect(await code({ 'Disks.0.Size': 20 })).toBe(8315);
    expect(await code({ Password: 'Sandbox-Pass-1' })).toBe(230); // not base64
    expect(await code({ CPU: 3 })).toBe(8044);
    expect(await code({ Memory: 1000 })).toBe(8046);
    expect(await code({ MachineType: 'G' })).toBe(8044);
    expect(await code({ 'NetworkInterface.0.EIP.OperatorName': 'International' })).toBe(230);
    expect(world().hosts.size).toBe(hostsBefore); // nothing was created along the way
  });

  it('field problem #3: no CLOUD_SSD boot disk in cn-gd (8320 naming zone and offer); LOCAL_NORMAL works', async () => {
    const image = await baseImage('cn-gd', 'Ubuntu 22.04');
    const refused = await call('CreateUHostInstance', hostParams('cn-gd', 'cn-gd-02', image.ImageId, { type: 'CLOUD_SSD', size: image.ImageSize }));
    expect(refused.RetCode).toBe(8320);
    expect(refused.Message).toMatch(/CLOUD_SSD/);
    expect(refused.Message).toMatch(/cn-gd-02/);
    expect(refused.Message).toMatch(/LOCAL_NORMAL,LOCAL_SSD/);

    const types = await ok('DescribeAvailableInstanceTypes', { Region: 'cn-gd', Zone: 'cn-gd-02', 'MachineTypes.0': 'N' });
    const n = (types.AvailableInstanceTypes as { Name: string; Disks: { Name: string; BootDisk: { Name: string }[] }[] }[])[0]!;
    expect(n.Name).toBe('N');
    expect(n.Disks.flatMap((d) => d.BootDisk.map((b) => b.Name))).toEqual(['LOCAL_NORMAL', 'LOCAL_SSD']);

    const created = await ok('CreateUHostInstance', hostParams('cn-gd', 'cn-gd-02', image.ImageId, { type: 'LOCAL_NORMAL', size: image.ImageSize }));
    const id = (created.UHostIds as string[])[0]!;
    const disks = await ok('DescribeUHostAvailableDiskTypes', { Region: 'cn-gd', 'UHostIds.0': id });
    expect(disks.DiskTypeSet).toEqual([expect.objectContaining({ UHostId: id, Zone: 'cn-gd-02' })]);
    await waitFor('running', async () => (await host('cn-gd', id))?.State === 'Running');
    await stopAndTerminate('cn-gd', id);
  });

  it('field problem #2: an Intel-only image on hk N hosts (AMD) → 8044; Ubuntu 22.04 works', async () => {
    const centos = await baseImage('hk', 'CentOS 7.9');
    const refused = await call('CreateUHostInstance', hostParams('hk', 'hk-02', centos.ImageId, { type: 'CLOUD_SSD', size: centos.ImageSize }));
    expect(refused.RetCode).toBe(8044);
    expect(refused.Message).toMatch(/does not support machine type N/);
    expect(refused.Message).toMatch(/hk-02/);
    // The same image is fine on Intel hosts in cn-bj2, unless AMD is asked for explicitly.
    const bj = await baseImage('cn-bj2', 'CentOS 7.9');
    expect((await call('CreateUHostInstance', hostParams('cn-bj2', 'cn-bj2-02', bj.ImageId, { type: 'CLOUD_SSD', size: 20 }, { MinimalCpuPlatform: 'Amd/Auto' }))).RetCode).toBe(8044);

    const types = await ok('DescribeAvailableInstanceTypes', { Region: 'hk', Zone: 'hk-02' });
    const n = (types.AvailableInstanceTypes as { Name: string; CpuPlatforms: { Intel: string[]; Amd: string[] } }[]).find((t) => t.Name === 'N')!;
    expect(n.CpuPlatforms).toMatchObject({ Intel: [], Amd: ['Amd/Epyc2'] });

    const ubuntu = await baseImage('hk', 'Ubuntu 22.04');
    const created = await ok('CreateUHostInstance', hostParams('hk', 'hk-02', ubuntu.ImageId, { type: 'CLOUD_SSD', size: ubuntu.ImageSize }));
    const id = (created.UHostIds as string[])[0]!;
    const running = await waitFor('running', async () => {
      const h = await host('hk', id);
      return h?.State === 'Running' ? h : null;
    });
    expect(running.CpuPlatform).toBe('Amd/Epyc2');
    expect(running.IPSet.find((i) => i.Type === 'International')?.IP).toBe(sandbox.world.hosts.get(id)!.address);
    await stopAndTerminate('hk', id);
  });

  it('manages firewalls, EIPs, VPCs and subnets', async () => {
    const fws = await ok('DescribeFirewall', { Region: 'cn-bj2', Limit: 100 });
    expect((fws.DataSet as { Type: string }[]).map((f) => f.Type).sort()).toEqual(['recommend non web', 'recommend web']);
    expect((await call('DescribeFirewall', { Region: 'cn-bj2', FWId: 'firewall-nothere' })).RetCode).toBe(54002);
    const { FWId } = (await ok('CreateFirewall', { Region: 'cn-bj2', Name: `fw-${RUN}`, 'Rule.0': 'TCP|22|0.0.0.0/0|ACCEPT|HIGH|ssh', 'Rule.1': 'ICMP||0.0.0.0/0|ACCEPT|LOW' })) as Envelope & { FWId: string };
    const one = await ok('DescribeFirewall', { Region: 'cn-bj2', FWId });
    expect(one.DataSet).toEqual([
      expect.objectContaining({
        FWId,
        Type: 'user defined',
        Rule: [expect.objectContaining({ ProtocolType: 'TCP', DstPort: '22', SrcIP: '0.0.0.0/0', RuleAction: 'ACCEPT', Priority: 'HIGH', Remark: 'ssh' }), expect.objectContaining({ ProtocolType: 'ICMP', DstPort: '' })],
      }),
    ]);
    expect((await call('CreateFirewall', { Region: 'cn-bj2', Name: `fw-${RUN}`, 'Rule.0': 'TCP|22|0.0.0.0/0|ACCEPT|HIGH' })).RetCode).toBe(4364);
    expect((await call('CreateFirewall', { Region: 'cn-bj2', Name: 'x', 'Rule.0': 'TCP|22|0.0.0.0/0|ACCEPT' + '|URGENT' })).RetCode).toBe(4359);

    // A host using the firewall keeps it from being deleted.
    const image = await baseImage('sg', 'Debian 12');
    const created = await ok('CreateUHostInstance', { ...hostParams('sg', 'sg-01', image.ImageId, { type: 'CLOUD_SSD', size: image.ImageSize }), Region: 'sg' });
    const hostId = (created.UHostIds as string[])[0]!;
    const sgFw = (await ok('CreateFirewall', { Region: 'sg', Name: `fw-${RUN}`, 'Rule.0': 'TCP|22|0.0.0.0/0|ACCEPT|HIGH' })) as Envelope & { FWId: string };
    const hostFw = sandbox.world.hosts.get(hostId)!.securityGroupIds[0]!;
    expect((await ok('DescribeFirewall', { Region: 'sg', FWId: hostFw })).DataSet).toEqual([expect.objectContaining({ Type: 'recommend web', ResourceCount: 1 })]);
    expect((await call('DeleteFirewall', { Region: 'sg', FWId: hostFw })).RetCode).toBe(4358);

    // Standalone EIP: allocate, bind (the host already has one → 4154), release.
    const alloc = await ok('AllocateEIP', { Region: 'sg', OperatorName: 'International', Bandwidth: 2, PayMode: 'Bandwidth' });
    const eipId = (alloc.EIPSet as { EIPId: string }[])[0]!.EIPId;
    expect((await call('AllocateEIP', { Region: 'sg', OperatorName: 'Bgp', Bandwidth: 2 })).RetCode).toBe(230);
    expect((await call('BindEIP', { Region: 'sg', EIPId: eipId, ResourceType: 'uhost', ResourceId: hostId })).RetCode).toBe(4154);
    const hostEip = sandbox.world.hosts.get(hostId)!.eipIds[0]!;
    await ok('UnBindEIP', { Region: 'sg', EIPId: hostEip, ResourceType: 'uhost', ResourceId: hostId });
    await ok('BindEIP', { Region: 'sg', EIPId: eipId, ResourceType: 'uhost', ResourceId: hostId });
    expect((await call('ReleaseEIP', { Region: 'sg', EIPId: eipId })).RetCode).toBe(4212);
    const eips = await ok('DescribeEIP', { Region: 'sg' });
    expect(eips).toMatchObject({ TotalCount: 2, UnbindCount: 1 });
    expect((eips.EIPSet as { EIPId: string; Status: string; Resource: { ResourceID?: string } }[]).find((e) => e.EIPId === eipId)).toMatchObject({ Status: 'used', Resource: { ResourceID: hostId } });
    await ok('ReleaseEIP', { Region: 'sg', EIPId: hostEip });
    expect((await call('ReleaseEIP', { Region: 'sg', EIPId: hostEip })).RetCode).toBe(4210);

    const vpc = await ok('DescribeVPC', { Region: 'sg' });
    const vpcId = sandbox.world.defaultVpcId('ucloud', 'sg', 'ucloud-sandbox');
    expect(vpc.DataSet).toEqual([expect.objectContaining({ VPCId: vpcId, VPCType: 'DefaultVPC' })]);
    const subnet = await ok('DescribeSubnet', { Region: 'sg', VPCId: vpcId });
    expect(subnet.DataSet).toEqual([expect.objectContaining({ SubnetId: sandbox.world.defaultSubnetId('ucloud', 'sg', 'ucloud-sandbox'), VPCId: vpcId })]);
    expect((await ok('DescribeVPC', { Region: 'sg', 'VPCIds.0': 'uvnet-other' })).TotalCount).toBe(0);

    await waitFor('running', async () => (await host('sg', hostId))?.State === 'Running');
    await stopAndTerminate('sg', hostId); // releases the bound EIP
    await ok('DeleteFirewall', { Region: 'sg', FWId: sgFw.FWId });
    await ok('DeleteFirewall', { Region: 'cn-bj2', FWId });
    expect((await call('DeleteFirewall', { Region: 'cn-bj2', FWId })).RetCode).toBe(54002);
  });

  it('logs in with a key pair (LoginMode=KeyPair)', async () => {
    const created = await ok('CreateUHostKeyPair', { Region: 'sg', KeyPairName: `kp-${RUN}` });
    const kp = created.KeyPair as { KeyPairId: string; KeyPairName: string; PrivateKeyBody: string; KeyPairFingerPrint: string };
    expect(kp.PrivateKeyBody).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect((await call('CreateUHostKeyPair', { Region: 'sg', KeyPairName: `kp-${RUN}` })).RetCode).toBe(230);
    const listed = await ok('DescribeUHostKeyPairs', { Region: 'sg', KeyPairName: `kp-${RUN}` });
    expect(listed.KeyPairs).toEqual([{ ProjectId: 'org-sandbox', KeyPairId: kp.KeyPairId, KeyPairName: `kp-${RUN}`, KeyPairFingerPrint: kp.KeyPairFingerPrint, CreateTime: expect.any(Number) }]);

    const image = await baseImage('sg', 'Ubuntu 22.04');
    const params: Record<string, unknown> = { ...hostParams('sg', 'sg-02', image.ImageId, { type: 'CLOUD_SSD', size: image.ImageSize }), LoginMode: 'KeyPair', KeyPairId: kp.KeyPairId };
    delete params.Password;
    const id = ((await ok('CreateUHostInstance', params)).UHostIds as string[])[0]!;
    const model = sandbox.world.hosts.get(id)!;
    expect(model.login.password).toBeUndefined();
    expect(model.login.authorizedKeys[0]).toMatch(/^ssh-rsa /);
    expect((await host('sg', id))?.KeyPair).toEqual({ KeyPairId: kp.KeyPairId, KeyPairState: 'Normal' });
    await waitFor('running', async () => (await host('sg', id))?.State === 'Running');
    await stopAndTerminate('sg', id);
    await ok('DeleteUHostKeyPairs', { Region: 'sg', 'KeyPairIds.0': kp.KeyPairId });
    expect((await ok('DescribeUHostKeyPairs', { Region: 'sg' })).TotalCount).toBe(0);
  });

  it('throttles a burst with 153', async () => {
    sandbox.world.rateLimiter.setScale(0.05);
    try {
      const codes = await Promise.all(Array.from({ length: 20 }, () => call('DescribeImage', { Region: 'sg', Limit: 1 })));
      const throttled = codes.filter((c) => c.RetCode === 153);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0]!.Message).toMatch(/throttl/i);
      expect(codes.some((c) => c.RetCode === 0)).toBe(true);
    } finally {
      sandbox.world.rateLimiter.setScale(1);
    }
  });

  it('answers an injected fault with its RetCode, then recovers', async () => {
    const post = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ actions: { 'ucloud:DescribeVPC': { code: '8888', message: 'injected', times: 1 } } }),
    });
    expect(post.status).toBe(200);
    try {
      expect(await call('DescribeVPC', { Region: 'cn-bj2' })).toMatchObject({ RetCode: 8888, Message: 'injected', Action: 'DescribeVPCResponse' });
      expect((await call('DescribeVPC', { Region: 'cn-bj2' })).RetCode).toBe(0);
      // Without a code: the gateway's "service temporarily unavailable" (150), after the latency.
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ actions: { 'ucloud:*': { errorRate: 1, latencyMs: 150 } } }) });
      const started = Date.now();
      expect((await call('GetProjectList')).RetCode).toBe(150);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
    expect((await call('GetProjectList')).RetCode).toBe(0);
  });

  it('leaves none of its resources behind', async () => {
    await waitFor(
      'resources cleaned up',
      async () => {
        const res = (await (await fetch(`${sandbox.url}/_sandbox/resources`)).json()) as { resources: { kind: string; id: string; name: string; cloud: string }[] };
        const mine = res.resources.filter((r) => r.cloud === 'ucloud');
        return mine.length === 0 ? true : null;
      },
      10_000,
    );
  });
});

function world() {
  return sandbox.world;
}
