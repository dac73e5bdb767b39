import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '@/server/engine/builders/testing/fixtures';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { createProvider } from '../index';

// As for EC2: an API budget must see every request the UCloud client sends — each request of a
// composite method and each of the client's own retries — or throttled retries and the extra
// calls of createFirewall/copyImage spend the vendor's tokens uncharged.
describe('UCloud provider: beforeRequest', () => {
  let sandbox: SandboxCloud;
  beforeAll(async () => {
    sandbox = await startSandboxCloud({ sshPort: 20000 + Math.floor(Math.random() * 20000) });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('is awaited before each request of a composite call and before each client retry', { timeout: 30_000 }, async () => {
    const provider = createProvider(sandboxCredentials(sandbox.url).ucloud, { pollIntervalMs: 20 });
    expect(provider.reportsRequests).toBe(true);
    const seen: string[] = [];
    const beforeRequest = async (action: string, region: string) => {
      seen.push(`${region} ${action}`);
    };
    const fw = await provider.createFirewall({ region: 'cn-bj2', name: 'hook-test', sshPort: 22, sourceCidrs: ['0.0.0.0/0'], tags: {} }, { beforeRequest });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((s) => s.startsWith('cn-bj2 '))).toBe(true);
    expect(seen).toContain('cn-bj2 CreateFirewall');

    seen.length = 0;
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ actions: { 'ucloud:DeleteFirewall': { code: '153', message: 'request throttled', times: 2 } } }) });
    await provider.deleteFirewall('cn-bj2', fw.id, { beforeRequest });
    // Two throttled attempts, retried by the client, then the one that worked.
    expect(seen).toEqual(['cn-bj2 DeleteFirewall', 'cn-bj2 DeleteFirewall', 'cn-bj2 DeleteFirewall']);

    // A copy is sent to the source region but charged to the region it copies into.
    seen.length = 0;
    const base = (await (await fetch(`${sandbox.url}/_sandbox/resources?base=only&cloud=ucloud&region=cn-bj2`)).json()) as { resources: { id: string }[] };
    // (A base image is no custom image: UCloud refuses the copy, but the request went out and counts.)
    await expect(provider.copyImage({ sourceRegion: 'cn-bj2', sourceImageId: base.resources[0]!.id, targetRegion: 'cn-sh2', name: 'hook-copy', description: 'hook test', tags: {} }, { beforeRequest })).rejects.toThrow(/not a custom image/);
    expect(seen).toContain('cn-sh2 CopyCustomImage');
    expect(seen.filter((s) => s.endsWith(' CopyCustomImage')).every((s) => s.startsWith('cn-sh2 '))).toBe(true);
  });
});
