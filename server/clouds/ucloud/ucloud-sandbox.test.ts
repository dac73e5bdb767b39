import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { sshExec, waitFor } from '@/server/testing/ssh-exec';
import { CloudApiError } from '../cloud-error';
import { UCloudClient } from './client';

// Our UCloud client against the sandbox cloud over real HTTP: the "done when" for
// the UCloud side (hosts with EIP, SSH, CreateCustomImage, CopyCustomImage, paging, errors).

const RUN = `it-${randomBytes(3).toString('hex')}`;
let sandbox: SandboxCloud;
let client: UCloudClient;

function makeClient(overrides: Partial<ConstructorParameters<typeof UCloudClient>[0]> = {}) {
  return new UCloudClient({
    publicKey: 'sandbox-public-key',
    privateKey: 'sandbox-private-key',
    projectId: 'org-sandbox',
    region: 'cn-bj2',
    baseUrl: `${sandbox.url}/ucloud`,
    retryBaseMs: 20,
    retryCapMs: 200,
    ...overrides,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof CloudApiError) return err.code;
    throw err;
  }
}

async function hostState(region: string, id: string) {
  const res = await client.describeUHostInstance({ Region: region, UHostIds: [id] });
  return res.UHostSet[0];
}

async function createHost(region: string, zone: string, imageId: string, disk = 'CLOUD_SSD') {
  return client.createUHostInstance({
    Region: region,
    Zone: zone,
    ImageId: imageId,
    LoginMode: 'Password',
    Password: 'Sandbox-Pass-1',
    Disks: [{ IsBoot: true, Type: disk, Size: 40 }],
    CPU: 2,
    Memory: 4096,
    MachineType: 'N',
    ChargeType: 'Dynamic',
    Name: `rome-${RUN}`,
    Tag: RUN,
    NetworkInterface: [{ EIP: { Bandwidth: 10, PayMode: 'Traffic', OperatorName: region.startsWith('cn-') ? 'Bgp' : 'International' } }],
  });
}

async function publicIp(region: string, id: string): Promise<string> {
  const host = await waitFor(`${id} running`, async () => {
    const h = await hostState(region, id);
    return h?.State === 'Running' ? h : null;
  });
  const ip = host.IPSet?.find((i) => i.Type !== 'Private')?.IP;
  if (!ip) throw new Error(`no public IP on ${id}`);
  return ip;
}

async function stopAndTerminate(region: string, id: string) {
  await client.stopUHostInstance({ Region: region, UHostId: id });
  await waitFor(`${id} stopped`, async () => (await hostState(region, id))?.State === 'Stopped');
  await client.terminateUHostInstance({ Region: region, UHostId: id, ReleaseEIP: true, ReleaseUDisk: true });
}

async function imageState(region: string, id: string) {
  const res = await client.describeImage({ Region: region, ImageId: id });
  return res.ImageSet[0]?.State;
}

describe('UCloud client against the sandbox cloud', () => {
  beforeAll(async () => {
    sandbox = await startSandboxCloud({ timeScale: 0.2, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    client = makeClient();
  });
  afterAll(() => sandbox.close());

  it.each([7, 20, 100])('pages DescribeImage with Limit %i: ceil(total/limit) calls, every image once', async (limit) => {
    const seen: string[] = [];
    let calls = 0;
    let total = 0;
    for await (const page of client.listImages({ Region: 'cn-bj2', ImageType: 'Base' }, { pageSize: limit })) {
      calls = page.page;
      total = page.totalCount;
      seen.push(...page.images.map((i) => i.ImageId));
    }
    expect(total).toBeGreaterThanOrEqual(260);
    expect(calls).toBe(Math.ceil(total / limit));
    expect(new Set(seen).size).toBe(total);
    expect(seen).toHaveLength(total);
  });

  it('refuses a wrong signature (171) and an unknown public key (172)', async () => {
    expect(await codeOf(makeClient({ privateKey: 'not-the-key' }).getRegion())).toBe('171');
    expect(await codeOf(makeClient({ publicKey: 'nobody' }).getRegion())).toBe('172');
  });

  it('builds an image on a host with an EIP, copies it, and a host from the copy sees the file', async () => {
    const [hostId] = (await createHost('cn-bj2', 'cn-bj2-02', 'uimage-vmy3ld')).UHostIds;
    const ip = await publicIp('cn-bj2', hostId!);
    const ssh = { host: ip, port: sandbox.world.sshPort, username: 'root', password: 'Sandbox-Pass-1' };
    expect((await sshExec(ssh, `mkdir -p /opt/rome && echo ${RUN} > /opt/rome/probe`)).code).toBe(0);

    await client.stopUHostInstance({ Region: 'cn-bj2', UHostId: hostId! });
    await waitFor('stopped', async () => (await hostState('cn-bj2', hostId!))?.State === 'Stopped');
    const { ImageId } = await client.createCustomImage({ Region: 'cn-bj2', UHostId: hostId!, ImageName: `rome-${RUN}` });
    await waitFor('image available', async () => (await imageState('cn-bj2', ImageId)) === 'Available');

    const copy = await client.copyCustomImage({
      Region: 'cn-bj2',
      SourceImageId: ImageId,
      TargetProjectId: 'org-sandbox',
      TargetRegion: 'cn-sh2',
      TargetImageName: `rome-${RUN}`,
    });
    expect(await imageState('cn-sh2', copy.TargetImageId!)).toBe('Copying');
    await waitFor('copy available', async () => (await imageState('cn-sh2', copy.TargetImageId!)) === 'Available');

    const [copyHost] = (await createHost('cn-sh2', 'cn-sh2-02', copy.TargetImageId!)).UHostIds;
    const copyIp = await publicIp('cn-sh2', copyHost!);
    const read = await sshExec({ ...ssh, host: copyIp }, 'cat /opt/rome/probe');
    expect(read.stdout.trim()).toBe(RUN);

    await stopAndTerminate('cn-bj2', hostId!);
    await stopAndTerminate('cn-sh2', copyHost!);
    await client.terminateCustomImage({ Region: 'cn-bj2', ImageId });
    await client.terminateCustomImage({ Region: 'cn-sh2', ImageId: copy.TargetImageId! });
    await waitFor('hosts gone', async () => {
      const res = (await (await fetch(`${sandbox.url}/_sandbox/resources`)).json()) as { resources: { name: string; tags: Record<string, string> }[] };
      return res.resources.every((r) => !r.name.includes(RUN)) ? true : null;
    }, 30_000);
  });

  it('reproduces field problem #3: no CLOUD_SSD boot disk in cn-gd (8320), LOCAL_NORMAL works', async () => {
    const err = await createHost('cn-gd', 'cn-gd-02', await baseImageId('cn-gd', 'Ubuntu 22.04')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudApiError);
    expect((err as CloudApiError).code).toBe('8320');
    expect((err as CloudApiError).message).toMatch(/CLOUD_SSD/);
    expect((err as CloudApiError).message).toMatch(/cn-gd-02/);
    const ok = await createHost('cn-gd', 'cn-gd-02', await baseImageId('cn-gd', 'Ubuntu 22.04'), 'LOCAL_NORMAL');
    await publicIp('cn-gd', ok.UHostIds[0]!);
    await stopAndTerminate('cn-gd', ok.UHostIds[0]!);
  });

  it('reproduces field problem #2: an Intel-only image does not fit the AMD hosts of hk (8044)', async () => {
    const centos = await baseImageId('hk', 'CentOS 7.9');
    expect(await codeOf(createHost('hk', 'hk-02', centos))).toBe('8044');
    const ubuntu = await createHost('hk', 'hk-02', await baseImageId('hk', 'Ubuntu 22.04'));
    await publicIp('hk', ubuntu.UHostIds[0]!);
    await stopAndTerminate('hk', ubuntu.UHostIds[0]!);
  });

  it('gets throttled (153) in a burst, and retries through it', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ rateLimitScale: 0.05 }) });
    try {
      const impatient = makeClient({ maxRetries: 0 });
      const codes = await Promise.all(Array.from({ length: 12 }, () => codeOf(impatient.describeImage({ Region: 'sg', Limit: 1 }))));
      expect(codes).toContain('153');
      // The burst emptied the bucket (5 tokens at this scale, refilling 1/s). Four callers need
      // about 4 s of refill between them; ten tries with backoff capped at 2 s give each of them
      // at least 7 s, so this proves retrying through a throttle without racing the refill.
      const patient = makeClient({ maxRetries: 10, retryBaseMs: 200, retryCapMs: 2000 });
      const results = await Promise.all(Array.from({ length: 4 }, () => patient.describeImage({ Region: 'sg', Limit: 1 })));
      expect(results.every((r) => r.ImageSet.length === 1)).toBe(true);
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});

async function baseImageId(region: string, startsWith: string): Promise<string> {
  for await (const page of client.listImages({ Region: region, ImageType: 'Base' }, { pageSize: 100 })) {
    const hit = page.images.find((i) => (i.ImageName ?? '').startsWith(startsWith) && !(i.ImageName ?? '').includes('('));
    if (hit) return hit.ImageId;
  }
  throw new Error(`no ${startsWith} base image in ${region}`);
}
