import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudApiError, REDACTED, isNotFound, isThrottled } from '@/server/clouds/cloud-error';
import { UCloudClient, type UCloudClientOptions, type UCloudLogger } from './client';
import { signParams } from './signature';
import { startGateway, type Script, type TestGateway } from './test-gateway';

const PUBLIC_KEY = 'test-public-key-0123456789wxyz';
const PRIVATE_KEY = 'test-private-key-must-never-leak-46f09bb9';
const PASSWORD = 'Plain-Passw0rd!';
const PASSWORD_B64 = Buffer.from(PASSWORD, 'utf8').toString('base64');

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function setup(script: Script, opts: Partial<UCloudClientOptions> = {}) {
  gateway = await startGateway(script);
  const client = new UCloudClient({
    publicKey: PUBLIC_KEY,
    privateKey: PRIVATE_KEY,
    projectId: 'org-test',
    region: 'cn-bj2',
    baseUrl: gateway.url,
    retryBaseMs: 1,
    retryCapMs: 5,
    ...opts,
  });
  return { client, gw: gateway };
}

const ok = (action: string, payload: Record<string, unknown> = {}) => ({ body: { RetCode: 0, Action: `${action}Response`, ...payload } });
const fail = (action: string, retCode: number | string, message: string) => ({ body: { RetCode: retCode, Action: `${action}Response`, Message: message } });

const createRequest = {
  Zone: 'cn-bj2-02',
  ImageId: 'uimage-f1chxn',
  Disks: [{ IsBoot: true, Type: 'CLOUD_SSD', Size: 20 }],
  LoginMode: 'Password' as const,
  Password: PASSWORD,
  Name: 'rome-build-1',
  ChargeType: 'Dynamic' as const,
  MachineType: 'N',
  CPU: 2,
  Memory: 4096,
  MinimalCpuPlatform: 'Intel/Auto',
  NetworkInterface: [{ EIP: { Bandwidth: 10, PayMode: 'Traffic' as const, OperatorName: 'Bgp' } }],
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('UCloudClient transport', () => {
  it('posts a flat, signed JSON body with Region and ProjectId injected', async () => {
    const { client, gw } = await setup(() => ok('DescribeUHostInstance', { TotalCount: 0, UHostSet: [] }));
    await client.describeUHostInstance({ UHostIds: ['uhost-a', 'uhost-b'], Limit: 100 });

    const [req] = gw.requests;
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['user-agent']).toMatch(/RomeImageConsole/);
    const { Signature, ...signed } = req?.body ?? {};
    expect(signed).toEqual({
      Action: 'DescribeUHostInstance',
      PublicKey: PUBLIC_KEY,
      Region: 'cn-bj2',
      ProjectId: 'org-test',
      'UHostIds.0': 'uhost-a',
      'UHostIds.1': 'uhost-b',
      Limit: 100,
    });
    expect(Signature).toBe(signParams(signed, PRIVATE_KEY));
    expect(JSON.stringify(req?.body)).not.toContain(PRIVATE_KEY);
  });

  it('lets a request override Region and ProjectId, and injects neither for account actions', async () => {
    const { client, gw } = await setup((req) =>
      req.body.Action === 'GetRegion' ? ok('GetRegion', { Regions: [{ RegionId: '1', Region: 'cn-bj2', Zone: 'cn-bj2-02', IsDefault: 'true' }] }) : ok('DescribeImage'),
    );
    await client.describeImage({ Region: 'hk', ProjectId: 'org-other' });
    const regions = await client.getRegion();

    expect(gw.requests[0]?.body).toMatchObject({ Region: 'hk', ProjectId: 'org-other' });
    expect(gw.requests[1]?.body).not.toHaveProperty('Region');
    expect(gw.requests[1]?.body).not.toHaveProperty('ProjectId');
    expect(regions.Regions).toEqual([{ RegionId: 1, Region: 'cn-bj2', Zone: 'cn-bj2-02', IsDefault: true }]);
  });

  it('parses a string RetCode and numeric strings, and reads the request id header', async () => {
    const debug: Record<string, unknown>[] = [];
    const logger: UCloudLogger = { debug: (obj) => debug.push(obj as Record<string, unknown>) };
    const { client } = await setup(
      () => ({
        headers: { 'X-UCLOUD-REQUEST-UUID': 'req-123' },
        body: { RetCode: '0', Action: 'DescribeImageResponse', TotalCount: '1', ImageSet: [{ ImageId: 'uimage-a', ImageSize: '20', State: 'Available', Extra: null, Features: ['CloudInit'] }] },
      }),
      { logger },
    );
    const res = await client.describeImage({ ImageId: 'uimage-a' });

    expect(res.TotalCount).toBe(1);
    expect(res.ImageSet[0]).toEqual({ ImageId: 'uimage-a', ImageSize: 20, State: 'Available', Features: ['CloudInit'] });
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatchObject({ action: 'DescribeImage', region: 'cn-bj2', requestId: 'req-123', retCode: 0, attempt: 1 });
    expect(typeof debug[0]?.durationMs).toBe('number');
  });

  it('base64-encodes the password on the wire', async () => {
    const { client, gw } = await setup(() => ok('CreateUHostInstance', { UHostIds: ['uhost-new'] }));
    const res = await client.createUHostInstance(createRequest);

    expect(res.UHostIds).toEqual(['uhost-new']);
    expect(gw.requests[0]?.body).toMatchObject({
      Password: PASSWORD_B64,
      'Disks.0.IsBoot': true,
      'Disks.0.Type': 'CLOUD_SSD',
      'Disks.0.Size': 20,
      'NetworkInterface.0.EIP.Bandwidth': 10,
      'NetworkInterface.0.EIP.OperatorName': 'Bgp',
    });
  });
});

describe('UCloudClient errors', () => {
  it('turns a RetCode into a CloudApiError with a helpful message', async () => {
    const { client } = await setup(() => ({ headers: { 'X-UCLOUD-REQUEST-UUID': 'req-171' }, ...fail('DescribeImage', '171', 'Signature VerifyAC Error') }));
    const err = await rejection(client.describeImage({ ImageId: 'uimage-a' }));

    expect(err).toBeInstanceOf(CloudApiError);
    const e = err as CloudApiError;
    expect(e.message).toBe('UCloud DescribeImage failed in cn-bj2: [171] Signature VerifyAC Error (request id req-171)');
    expect(e).toMatchObject({ provider: 'ucloud', action: 'DescribeImage', code: '171', retCode: 171, region: 'cn-bj2', requestId: 'req-171', retryable: false, httpStatus: 200 });
  });

  it('redacts secrets from the error, its message and its JSON form', async () => {
    const debug: unknown[] = [];
    const { client } = await setup(() => fail('CreateUHostInstance', 8095, 'quota exceeded'), { logger: { debug: (o) => debug.push(o) } });
    const err = (await rejection(client.createUHostInstance(createRequest))) as CloudApiError;

    const json = JSON.stringify(err);
    for (const text of [json, err.message, JSON.stringify(debug)]) {
      expect(text).not.toContain(PRIVATE_KEY);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(PASSWORD_B64);
      expect(text).not.toContain(PUBLIC_KEY);
    }
    expect(err.params).toMatchObject({ Action: 'CreateUHostInstance', Password: REDACTED, PublicKey: '…wxyz', Zone: 'cn-bj2-02', 'Disks.0.Size': 20 });
    expect(err.params).not.toHaveProperty('Signature'); // never part of the params we keep
    expect(JSON.parse(json)).toMatchObject({ name: 'CloudApiError', code: '8095', message: 'UCloud CreateUHostInstance failed in cn-bj2: [8095] quota exceeded' });
  });

  it('reports an empty body, a non-JSON body and an unexpected shape', async () => {
    const replies = [{ body: '' }, { body: '<html>gateway</html>' }, ok('CreateFirewall', { NotFWId: 'x' })];
    const { client } = await setup((_req, i) => replies[i] ?? ok('x'), { maxRetries: 0 });

    expect(await rejection(client.describeVPC())).toMatchObject({ code: 'EMPTY_RESPONSE', retryable: false });
    expect(await rejection(client.describeVPC())).toMatchObject({ code: 'INVALID_RESPONSE' });
    const shape = (await rejection(client.createFirewall({ Name: 'fw', Rule: ['TCP|22|0.0.0.0/0|ACCEPT|HIGH'] }))) as CloudApiError;
    expect(shape).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    expect(shape.message).toContain('FWId');
  });

  it('maps HTTP errors and classifies not-found and throttling', async () => {
    const { client } = await setup(() => ({ status: 404, body: { Message: 'no such route' } }));
    const http = (await rejection(client.describeSubnet())) as CloudApiError;
    expect(http).toMatchObject({ code: 'HTTP_404', httpStatus: 404, retryable: false });

    await gateway?.close();
    const second = await setup(() => fail('DescribeFirewall', 54002, 'firewall not found'));
    const notFound = await rejection(second.client.describeFirewall({ FWId: 'firewall-x' }));
    expect(isNotFound(notFound)).toBe(true);
    expect(isThrottled(notFound)).toBe(false);
  });

  it('times out a hanging call and reports TIMEOUT', async () => {
    const { client, gw } = await setup(() => ({ delayMs: 500, ...ok('DescribeEIP') }), { timeoutMs: 50, maxRetries: 1 });
    const err = await rejection(client.describeEIP());
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(gw.requests).toHaveLength(2);
  });

  it('reports a refused connection as a NETWORK_ERROR', async () => {
    const { client } = await setup(() => ok('DescribeEIP'), { maxRetries: 1 });
    await gateway?.close();
    const err = await rejection(client.describeEIP());
    expect(err).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
  });
});

describe('UCloudClient retries', () => {
  it('retries a describe after throttling (153) and succeeds', async () => {
    const { client, gw } = await setup((_req, i) => (i === 0 ? fail('DescribeImage', 153, 'rate limited') : ok('DescribeImage', { TotalCount: 0, ImageSet: [] })));
    await expect(client.describeImage()).resolves.toMatchObject({ TotalCount: 0 });
    expect(gw.requests).toHaveLength(2);
  });

  it('retries a describe after 150, HTTP 429 and HTTP 503, up to maxRetries', async () => {
    const replies = [fail('DescribeImage', 150, 'busy'), { status: 429, body: '' }, { status: 503, body: 'down' }, ok('DescribeImage')];
    const { client, gw } = await setup((_req, i) => replies[i] ?? ok('DescribeImage'), { maxRetries: 3 });
    await client.describeImage();
    expect(gw.requests).toHaveLength(4);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { client, gw } = await setup(() => fail('DescribeImage', 153, 'rate limited'), { maxRetries: 2 });
    const err = await rejection(client.describeImage());
    expect(isThrottled(err)).toBe(true);
    expect(err).toMatchObject({ code: '153', retryable: true });
    expect(gw.requests).toHaveLength(3);
  });

  it('never retries CreateUHostInstance on a product RetCode (8095)', async () => {
    const { client, gw } = await setup(() => fail('CreateUHostInstance', 8095, 'quota exceeded'));
    const err = await rejection(client.createUHostInstance(createRequest));
    expect(err).toMatchObject({ code: '8095', retryable: false });
    expect(gw.requests).toHaveLength(1);
  });

  it('never retries CreateUHostInstance after an unknown outcome (HTTP 502, timeout)', async () => {
    const { client, gw } = await setup((_req, i) => (i === 0 ? { status: 502, body: 'bad gateway' } : { delayMs: 300, ...ok('CreateUHostInstance', { UHostIds: ['u'] }) }), {
      timeoutMs: 50,
    });
    expect(await rejection(client.createUHostInstance(createRequest))).toMatchObject({ code: 'HTTP_502', retryable: false });
    expect(await rejection(client.createUHostInstance(createRequest))).toMatchObject({ code: 'TIMEOUT', retryable: false });
    expect(gw.requests).toHaveLength(2);
  });

  it('retries CreateUHostInstance when throttled, because the gateway refused it before acting', async () => {
    const replies = [fail('CreateUHostInstance', 153, 'rate limited'), { status: 429, body: '' }, ok('CreateUHostInstance', { UHostIds: ['uhost-1'] })];
    const { client, gw } = await setup((_req, i) => replies[i] ?? ok('x'));
    await expect(client.createUHostInstance(createRequest)).resolves.toMatchObject({ UHostIds: ['uhost-1'] });
    expect(gw.requests).toHaveLength(3);
    // Every attempt carries the same signed parameters.
    expect(new Set(gw.requests.map((r) => r.body.Signature)).size).toBe(1);
  });

  it('stops at once when the signal aborts during the backoff sleep', async () => {
    const controller = new AbortController();
    // The client logs 'ucloud retry' just before it sleeps; cancel a little later, mid-sleep.
    const logger: UCloudLogger = {
      debug: (_obj, msg) => {
        if (msg === 'ucloud retry') setTimeout(() => controller.abort(new Error('build cancelled')), 20);
      },
    };
    const { client, gw } = await setup(() => fail('DescribeImage', 153, 'rate limited'), { retryBaseMs: 60_000, retryCapMs: 60_000, logger });
    const started = Date.now();
    const err = await rejection(client.describeImage({}, { signal: controller.signal }));
    expect(err).toEqual(new Error('build cancelled'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(gw.requests).toHaveLength(1);
  });

  it('rejects with the abort reason when aborted before or during the request', async () => {
    const { client, gw } = await setup(() => ({ delayMs: 200, ...ok('DescribeImage') }));
    const before = new AbortController();
    before.abort(new Error('already cancelled'));
    expect(await rejection(client.describeImage({}, { signal: before.signal }))).toEqual(new Error('already cancelled'));
    expect(gw.requests).toHaveLength(0);

    const during = new AbortController();
    setTimeout(() => during.abort(new Error('cancelled mid-flight')), 20);
    expect(await rejection(client.describeImage({}, { signal: during.signal }))).toEqual(new Error('cancelled mid-flight'));
  });
});

describe('UCloudClient.listImages', () => {
  const TOTAL = 25;
  const images = Array.from({ length: TOTAL }, (_, i) => ({ ImageId: `uimage-${i}`, ImageName: `image ${i}`, State: 'Available' }));
  const pagingScript: Script = (req) => {
    const offset = Number(req.body.Offset ?? 0);
    const limit = Number(req.body.Limit ?? 20);
    // TotalCount as a string on purpose: the gateway is not strict about it.
    return ok('DescribeImage', { TotalCount: String(TOTAL), ImageSet: images.slice(offset, offset + limit) });
  };

  it.each([1, 3, 5, 7, 10, 24, 25, 26, 100])('makes ceil(total / %i) calls and yields every image once', async (pageSize) => {
    const { client, gw } = await setup(pagingScript);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.listImages({ ImageType: 'Base' }, { pageSize })) {
      pages = page.page;
      expect(page.totalCount).toBe(TOTAL);
      expect(page.limit).toBe(pageSize);
      seen.push(...page.images.map((i) => i.ImageId));
    }
    const expectedCalls = Math.ceil(TOTAL / pageSize);
    expect(gw.requests).toHaveLength(expectedCalls);
    expect(pages).toBe(expectedCalls);
    expect(seen).toEqual(images.map((i) => i.ImageId));
    expect(gw.requests.map((r) => r.body.Offset)).toEqual(Array.from({ length: expectedCalls }, (_, i) => i * pageSize));
    expect(gw.requests.every((r) => r.body.ImageType === 'Base' && r.body.Limit === pageSize)).toBe(true);
  });

  it('stops on a short page even if TotalCount claims more', async () => {
    const { client, gw } = await setup((req) => ok('DescribeImage', { TotalCount: 1000, ImageSet: req.body.Offset === 0 ? images.slice(0, 10) : images.slice(10, 13) }));
    const pages = [];
    for await (const page of client.listImages({}, { pageSize: 10 })) pages.push(page);
    expect(pages.map((p) => p.images.length)).toEqual([10, 3]);
    expect(gw.requests).toHaveLength(2);
  });

  it('rejects a nonsensical page size before calling', async () => {
    const { client, gw } = await setup(pagingScript);
    await expect(client.listImages({}, { pageSize: 0 }).next()).rejects.toThrow(RangeError);
    expect(gw.requests).toHaveLength(0);
  });
});

describe('UCloudClient discovery actions', () => {
  it('parses DescribeAvailableInstanceTypes per the documented field table', async () => {
    const { client, gw } = await setup(() =>
      ok('DescribeAvailableInstanceTypes', {
        Status: 'Normal',
        AvailableInstanceTypes: [
          {
            Zone: 'cn-bj2-05',
            Name: 'O',
            Status: 'Normal',
            MachineClass: 'Normal',
            CpuPlatforms: { Intel: ['Intel/CascadelakeR', 'Intel/IceLake'], Amd: ['Amd/Epyc2'] },
            Disks: [
              { Name: 'cloudDisk', BootDisk: [{ Name: 'CLOUD_RSSD', InstantResize: true, MaximalSize: 500, Features: ['SNAPSHOT'] }], DataDisk: [{ Name: 'CLOUD_RSSD', MinimalSize: 20, MaximalSize: 32000 }] },
            ],
            MachineSizes: [{ Gpu: 0, Collection: [{ Cpu: 2, Memory: [2, 4, 8], MinimalCpuPlatform: ['Intel/Auto'] }] }],
            Features: [{ Name: 'NetCapability', Modes: [{ Name: 'Ultra', RelatedToImageFeature: ['NetEnhanced_Ultra'] }] }],
            GraphicsMemory: { Value: 0, Rate: 0 },
          },
        ],
      }),
    );
    const res = await client.describeAvailableInstanceTypes({ Zone: 'cn-bj2-05', MachineTypes: ['O', 'N'] });
    expect(gw.requests[0]?.body).toMatchObject({ Zone: 'cn-bj2-05', 'MachineTypes.0': 'O', 'MachineTypes.1': 'N' });
    const bootTypes = res.AvailableInstanceTypes.flatMap((t) => t.Disks ?? []).flatMap((d) => d.BootDisk ?? []).map((b) => b.Name);
    expect(bootTypes).toEqual(['CLOUD_RSSD']);
  });

  it('parses DescribeUHostAvailableDiskTypes (per host, UHostIds required)', async () => {
    const { client, gw } = await setup(() =>
      ok('DescribeUHostAvailableDiskTypes', {
        DiskTypeSet: [{ Zone: 'cn-bj2-05', UHostId: 'uhost-1', AvailableDisks: [{ Name: 'cloudDisk', DataDisk: [{ Name: 'CLOUD_SSD', MaximalSize: 8000, BackupMode: ['SNAPSHOT'] }] }] }],
      }),
    );
    const res = await client.describeUHostAvailableDiskTypes({ UHostIds: ['uhost-1'] });
    expect(gw.requests[0]?.body).toMatchObject({ 'UHostIds.0': 'uhost-1' });
    expect(res.DiskTypeSet[0]?.AvailableDisks?.[0]?.DataDisk?.[0]?.MaximalSize).toBe(8000);
  });
});

describe('UCloudLogger', () => {
  it('accepts a pino logger', () => {
    const logger: UCloudLogger = pino({ level: 'silent' });
    expect(typeof logger.debug).toBe('function');
  });
});
