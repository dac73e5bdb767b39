import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { retry } from '@/server/lib/retry';
import { isCloudApiError, isNotFound } from './cloud-error';
import { cleanupRun } from '@/server/engine/cleanup-run';
import { createProvider } from './index';
import { RUN_ID_TAG, type CloudCredentials, type CloudProvider, type ImageInfo, type RegionInfo } from './provider';

// One contract, two clouds: the same suite runs against UCloudProvider and AwsProvider on one
// sandbox cloud, over real HTTP and the real SDKs. What differs per cloud is data (regions,
// types, ids, page limits), never the assertions.

let sandbox: SandboxCloud;

beforeAll(async () => {
  sandbox = await startSandboxCloud({ timeScale: 0.2, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
});

afterAll(async () => {
  await sandbox?.close();
});

interface Case {
  cloud: 'ucloud' | 'aws';
  credentials: (url: string) => CloudCredentials;
  /** The API's page size limits for base images; the provider clamps into them. */
  pageLimits: { min: number; max: number };
  pagingRegion: string;
  fieldProblem: (regions: RegionInfo[]) => void;
  host: { region: string; zone: string; hostType: string; bootDiskType: string; bootDiskSizeGb?: number; copyTo: string };
  missing: { imageId: string; hostId: string };
}

const CASES: Case[] = [
  {
    cloud: 'ucloud',
    credentials: (url) => ({ cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${url}/ucloud` }),
    pageLimits: { min: 1, max: 100 },
    pagingRegion: 'cn-sh2',
    fieldProblem: (regions) => {
      // Field problem #3: Guangzhou offers local boot disks only.
      const zones = regions.find((r) => r.id === 'cn-gd')?.zones ?? [];
      expect(zones.length).toBeGreaterThan(0);
      for (const z of zones) {
        expect(z.bootDiskTypes).not.toContain('cloud_ssd');
        expect(z.bootDiskTypes).toContain('local_normal');
      }
      const bj2 = regions.find((r) => r.id === 'cn-bj2')!.zones[0]!;
      expect(bj2.bootDiskTypes).toEqual(['cloud_rssd', 'cloud_ssd', 'local_normal', 'local_ssd']);
      expect(bj2.cpuPlatforms?.N?.length).toBeGreaterThan(0);
    },
    host: { region: 'cn-bj2', zone: 'cn-bj2-02', hostType: 'n-basic-2', bootDiskType: 'cloud_ssd', copyTo: 'cn-sh2' },
    missing: { imageId: 'uimage-zzzzzz', hostId: 'uhost-zzzzzz' },
  },
  {
    cloud: 'aws',
    credentials: (url) => ({ cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${url}/ec2` }),
    pageLimits: { min: 5, max: 1000 },
    pagingRegion: 'eu-west-1',
    fieldProblem: (regions) => {
      // Field problem #2 on AWS lives in the images (no ENA in sa-east-1), not in the offerings.
      const zones = regions.find((r) => r.id === 'sa-east-1')?.zones ?? [];
      expect(zones.length).toBeGreaterThan(0);
      for (const z of zones) expect(z.hostTypes).toContain('t3.small');
    },
    host: { region: 'us-east-1', zone: 'us-east-1a', hostType: 't3.small', bootDiskType: 'gp3', bootDiskSizeGb: 10, copyTo: 'us-west-2' },
    missing: { imageId: 'ami-0123456789abcdef0', hostId: 'i-0123456789abcdef0' },
  },
];

/** Polls through the project's one retry loop until `fn` yields a value. */
function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const everyMs = 100;
  return retry(
    async () => {
      const value = await fn();
      if (!value) throw new Error(`still waiting for ${what}`);
      return value;
    },
    { tries: timeoutMs / everyMs, delay: everyMs, shouldRetry: (err) => !isCloudApiError(err) || err.retryable },
  );
}

/** What the sandbox holds whose name or tags carry the run id. */
async function runResources(run: string): Promise<{ kind: string; name: string; tags: Record<string, string> }[]> {
  const res = await fetch(`${sandbox.url}/_sandbox/resources`);
  const { resources } = (await res.json()) as { resources: { kind: string; name: string; tags: Record<string, string> }[] };
  return resources.filter((r) => r.name.includes(run) || Object.values(r.tags).some((v) => v.includes(run)));
}

async function catchError(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe.each(CASES)('CloudProvider contract: $cloud', (c) => {
  let provider: CloudProvider;

  beforeAll(() => {
    provider = createProvider(c.credentials(sandbox.url), { pollIntervalMs: 50 });
  });

  it('testConnection counts the regions, and wrong keys are a CloudApiError', async () => {
    const { regions } = await provider.testConnection();
    expect(regions).toBeGreaterThanOrEqual(12);

    const bad = createProvider({ ...c.credentials(sandbox.url), secret: 'wrong-secret' });
    const err = await catchError(bad.testConnection());
    expect(isCloudApiError(err) && err.provider === c.cloud && !err.retryable).toBe(true);
    // Errors are logged and stored with runs: the secret must not be in any of it.
    expect(JSON.stringify(err)).not.toContain('wrong-secret');
    expect(String((err as Error).message)).not.toContain('wrong-secret');
  });

  it('listRegions: every region has zones with capabilities, and the field problems show', async () => {
    const regions = await provider.listRegions();
    expect(regions.length).toBeGreaterThanOrEqual(12);
    for (const r of regions) {
      expect(r.name).not.toBe('');
      expect(r.zones.length).toBeGreaterThan(0);
      for (const z of r.zones) {
        expect(z.zone.startsWith(r.id)).toBe(true);
        expect(z.bootDiskTypes.length).toBeGreaterThan(0);
        expect(z.hostTypes.length).toBeGreaterThan(0);
      }
    }
    c.fieldProblem(regions);
  });

  it('listBaseImages: two page sizes yield the same ids, each once, one call per page', async () => {
    const seen: string[][] = [];
    // 3 is below EC2's minimum of 5 and 150 above UCloud's maximum of 100: both get clamped.
    for (const pageSize of [3, 150]) {
      const effective = Math.min(c.pageLimits.max, Math.max(c.pageLimits.min, pageSize));
      const ids: string[] = [];
      let pages = 0;
      let calls = 0;
      for await (const page of provider.listBaseImages(c.pagingRegion, { pageSize })) {
        pages++;
        calls = page.calls;
        expect(page.calls).toBe(pages);
        expect(page.images.length).toBeLessThanOrEqual(effective);
        for (const image of page.images) {
          expect(image.kind).toBe('base');
          expect(image.state).toBe('available');
          ids.push(image.id);
        }
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(calls).toBe(Math.ceil(ids.length / effective));
      seen.push(ids.sort());
    }
    expect(seen[0]!.length).toBeGreaterThan(100);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('describeImage of a missing image is null; a missing host is a NotFound CloudApiError', async () => {
    expect(await provider.describeImage(c.host.region, c.missing.imageId)).toBeNull();
    expect(await provider.describeHost(c.host.region, c.missing.hostId)).toBeNull();

    const err = await catchError(provider.stopHost(c.host.region, c.missing.hostId));
    expect(isCloudApiError(err)).toBe(true);
    expect(isCloudApiError(err) && err.provider).toBe(c.cloud);
    expect(isNotFound(err)).toBe(true);
  });

  it('terminateHost of a host that is still booting waits it out (UCloud: boot, stop, terminate)', { timeout: 60_000 }, async () => {
    const { region, zone } = c.host;
    const run = `ct-${randomBytes(4).toString('hex')}`;
    const tags = { [RUN_ID_TAG]: run };
    let imageId: string | undefined;
    for await (const page of provider.listBaseImages(region, { pageSize: 100 })) {
      imageId = page.images.find((i) => i.osFamily === 'Ubuntu')?.id;
      if (imageId) break;
    }
    // UCloud logs in with a password here (the lifecycle test covers its key pairs); EC2 has only keys.
    const keyPair = c.cloud === 'aws' ? await provider.createKeyPair(region, `rome-${run}`, tags) : undefined;
    const { hostId } = await provider.createHost({
      region,
      zone,
      imageId: imageId!,
      hostType: c.host.hostType,
      name: `rome-${run}`,
      login: keyPair ? { keyPairName: keyPair.name } : { password: 'Contract-Test-1' },
      tags,
    });
    expect((await provider.describeHost(region, hostId))?.state).toBe('pending');

    await provider.terminateHost(region, hostId);
    await waitFor('host gone', async () => {
      const h = await provider.describeHost(region, hostId);
      return h === null || h.state === 'terminated';
    });
    if (keyPair) await provider.deleteKeyPair(region, keyPair.name);
    await waitFor('no leftovers', async () => (await runResources(run)).length === 0);
  });

  it('findResourcesByRunId finds what a run made by its run id, and cleanupRun deletes it in order (images only when asked)', { timeout: 90_000 }, async () => {
    const { region, zone } = c.host;
    const run = `ct-${randomBytes(4).toString('hex')}`;
    const name = `rome-build-${run}`;
    const tags = { [RUN_ID_TAG]: run, Name: name };
    let imageId: string | undefined;
    for await (const page of provider.listBaseImages(region, { pageSize: 100 })) {
      imageId = page.images.find((i) => i.osFamily === 'Ubuntu')?.id;
      if (imageId) break;
    }
    const keyPair = await provider.createKeyPair(region, name, tags);
    const firewall = await provider.createFirewall({ region, name, sshPort: 22, sourceCidrs: ['0.0.0.0/0'], tags });
    const { hostId } = await provider.createHost({
      region,
      zone,
      imageId: imageId!,
      hostType: c.host.hostType,
      name,
      login: { keyPairName: keyPair.name },
      firewallId: firewall.id,
      ...(c.cloud === 'aws' ? { publicIp: { bandwidthMbps: 10 } } : {}),
      tags,
    });
    const expected = [
      { kind: 'host', id: hostId },
      { kind: 'firewall', id: firewall.id },
      { kind: 'keypair', id: keyPair.name },
    ];
    if (c.cloud === 'ucloud') {
      const ip = await provider.allocatePublicIp({ region, name, bandwidthMbps: 10, tags });
      await provider.bindPublicIp(region, ip.id, hostId);
      await provider.bindPublicIp(region, ip.id, hostId); // already bound there: done
      expect((await provider.listPublicIps(region)).find((x) => x.id === ip.id)?.hostId).toBe(hostId);
      expected.push({ kind: 'eip', id: ip.id });
    } else {
      await expect(provider.allocatePublicIp({ region, name, bandwidthMbps: 10, tags })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    }
    // An image of the run (a killed run's half-made image looks the same as an artifact).
    await waitFor('running', async () => {
      const h = await provider.describeHost(region, hostId);
      return h?.state === 'running' && h.bootDiskReady;
    });
    await provider.stopHost(region, hostId);
    await waitFor('stopped', async () => (await provider.describeHost(region, hostId))?.state === 'stopped');
    const { imageId: madeImage } = await provider.createImage({ region, hostId, name, tags });
    expected.push({ kind: 'image', id: madeImage });

    const found = await provider.findResourcesByRunId(region, run);
    expect(found.map((r) => ({ kind: r.kind, id: r.id })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual(expected.sort((a, b) => a.kind.localeCompare(b.kind)));
    // Another run's id finds none of it.
    expect(await provider.findResourcesByRunId(region, `${run}x`)).toEqual([]);

    const result = await cleanupRun({ provider, runId: run, regions: [region], pollMs: 50 });
    expect(result.failed).toEqual([]);
    // Hosts go first: the firewall, EIP and key pair are in use until then; images are only listed.
    expect(result.deleted[0]?.kind).toBe('host');
    expect(result.deleted.map((r) => r.kind).sort()).toEqual(expected.map((r) => r.kind).filter((k) => k !== 'image').sort());
    expect(result.kept.map((r) => r.id)).toEqual([madeImage]);
    expect((await provider.findResourcesByRunId(region, run)).map((r) => r.id)).toEqual([madeImage]);

    const withImages = await cleanupRun({ provider, runId: run, regions: [region], includeImages: true, pollMs: 50 });
    expect(withImages.deleted.map((r) => r.id)).toEqual([madeImage]);
    await waitFor('no leftovers', async () => (await runResources(run)).length === 0);
    expect(await provider.findResourcesByRunId(region, run)).toEqual([]);
  });

  it('host lifecycle: key pair, firewall, host, image, copy, and everything deleted again', { timeout: 120_000 }, async () => {
    const { region, zone, copyTo } = c.host;
    const run = `ct-${randomBytes(4).toString('hex')}`;
    const name = `rome-${run}`;
    const tags = { [RUN_ID_TAG]: run, purpose: 'contract-test' };

    let source: ImageInfo | undefined;
    for await (const page of provider.listBaseImages(region, { pageSize: 100 })) {
      source = page.images.find((i) => i.osFamily === 'Ubuntu' && i.osVersion === '22.04');
      if (source) break;
    }
    expect(source).toBeDefined();

    const keyPair = await provider.createKeyPair(region, name, tags);
    expect(keyPair.privateKeyPem).toContain('PRIVATE KEY');
    const firewall = await provider.createFirewall({ region, name, sshPort: 22, sourceCidrs: ['0.0.0.0/0'], tags });

    const { hostId } = await provider.createHost({
      region,
      zone,
      imageId: source!.id,
      hostType: c.host.hostType,
      bootDiskType: c.host.bootDiskType,
      bootDiskSizeGb: c.host.bootDiskSizeGb,
      name,
      login: { keyPairName: keyPair.name },
      firewallId: firewall.id,
      publicIp: { bandwidthMbps: 10 },
      tags,
    });
    const running = await waitFor('running', async () => {
      const h = await provider.describeHost(region, hostId);
      return h?.state === 'running' && h.bootDiskReady ? h : null;
    });
    expect(running.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(running.zone).toBe(zone);
    expect(running.imageId).toBe(source!.id);
    expect(running.tags[RUN_ID_TAG]).toBe(run);

    // The leftover check at the end sees these: the run id is on what we made.
    const during = (await runResources(run)).map((r) => r.kind);
    expect(during).toEqual(expect.arrayContaining(['host', 'firewall']));

    const ips = await provider.listPublicIps(region);
    if (c.cloud === 'ucloud') expect(ips.some((ip) => ip.hostId === hostId && ip.address === running.publicIp)).toBe(true);
    else expect(ips).toEqual([]);

    await provider.stopHost(region, hostId);
    await waitFor('stopped', async () => (await provider.describeHost(region, hostId))?.state === 'stopped');

    const { imageId } = await provider.createImage({ region, hostId, name, description: 'contract test', tags });
    const image = await waitFor('image available', async () => {
      const i = await provider.describeImage(region, imageId);
      return i?.state === 'available' ? i : null;
    });
    expect(image).toMatchObject({ kind: 'custom', region, description: 'contract test' });
    expect(image.tags[RUN_ID_TAG]).toBe(run);

    const { imageId: copyId } = await provider.copyImage({ sourceRegion: region, sourceImageId: imageId, targetRegion: copyTo, name: `${name}-copy`, tags });
    const copy = await waitFor('copy available', async () => {
      const i = await provider.describeImage(copyTo, copyId);
      return i?.state === 'available' ? i : null;
    });
    expect(copy.tags[RUN_ID_TAG]).toBe(run);

    await provider.deleteImage(region, imageId);
    await provider.deleteImage(copyTo, copyId);
    expect(await provider.describeImage(region, imageId)).toBeNull();
    expect(await provider.describeImage(copyTo, copyId)).toBeNull();

    await provider.terminateHost(region, hostId);
    // The firewall stays in use until the host is fully gone: that answer must be retryable.
    let inUse = 0;
    await retry(() => provider.deleteFirewall(region, firewall.id), {
      tries: 300,
      delay: 100,
      shouldRetry: (err) => isCloudApiError(err) && err.retryable,
      onRetry: () => inUse++,
    });
    // Right after terminate the host still holds the firewall (shutting down / terminating).
    expect(inUse).toBeGreaterThan(0);
    await provider.deleteKeyPair(region, keyPair.name);

    expect(await runResources(run)).toEqual([]);

    // Idempotency: cleanups run again (a retried run's reaper) without throwing.
    await provider.deleteImage(region, imageId);
    await provider.deleteImage(copyTo, copyId);
    await provider.terminateHost(region, hostId);
    await provider.deleteFirewall(region, firewall.id);
    await provider.deleteKeyPair(region, keyPair.name);
  });
});
