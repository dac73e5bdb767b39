// The failure matrix against the sandbox cloud: every failed or cancelled run says why, and
// leaves nothing carrying its run id behind (except kept images on partial success).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '@/server/clouds';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { buildTemplate, type BuildResult, type BuildTemplateOptions } from '../build';
import { collectingReporter, type CollectingReporter } from '../runner/reporter';
import { leftovers, loadSeed, patchBuilders, resolve, sandboxCredentials, seedFiles, type TemplateJson } from './testing/fixtures';

const TIMING = { pollMs: 50, hostTimeoutMs: 20_000 };
let sb: SandboxCloud;

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
});
afterAll(async () => {
  await sb?.close();
});
afterEach(async () => {
  await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
});

const faults = async (config: Record<string, unknown>) => {
  const res = await fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });
  expect(res.status).toBe(200);
};

async function build(t: TemplateJson, extra: Partial<BuildTemplateOptions> = {}): Promise<{ results: BuildResult[]; reporter: CollectingReporter }> {
  const creds = sandboxCredentials(sb.url);
  const reporter = extra.reporter ? (extra.reporter as CollectingReporter) : collectingReporter();
  const results = await buildTemplate({
    template: resolve(t), credentials: (c) => creds[c], files: await seedFiles('access'), sshPortOverride: sb.world.sshPort, timing: TIMING, cleanupRetryDelayMs: 50, ...extra, reporter,
  });
  return { results, reporter };
}

async function expectNothingLeft(results: BuildResult[], reporter: CollectingReporter) {
  for (const r of results) {
    expect(await leftovers(sb.url, r.runId, reporter.of('resource-created')), r.name).toEqual([]);
  }
}

const seed = loadSeed('rome-access');
const only = (name: 'ucloud-cn-bj2' | 'aws-us-east-1') => ({ only: [name] });

describe('build failures against the sandbox cloud', () => {
  it('an API error on host create fails the build at create-host with the vendor message, nothing left', async () => {
    await faults({ actions: { 'ucloud:CreateUHostInstance': { code: '8007', message: 'host quota exceeded' }, 'ec2:RunInstances': { code: 'InstanceLimitExceeded', message: 'You have requested more instances than your current instance limit' } } });
    const { results, reporter } = await build(seed);
    for (const r of results) {
      expect(r.status).toBe('failed');
      expect(r.error?.step).toBe('create-host');
    }
    expect(results[0]!.error?.userMessage).toMatch(/host quota exceeded/);
    expect(results[1]!.error?.userMessage).toMatch(/instance limit/);
    await expectNothingLeft(results, reporter);
  });

  it('a second AMI of the same name in a region fails at create-image, naming the image and how to make it unique', async () => {
    const name = `rome-fixed-${Date.now()}`;
    const fixed = patchBuilders(seed, { 'amazon-ebs': { ami_name: name } });
    const first = await build(fixed, only('aws-us-east-1'));
    expect(first.results[0]!.status, first.results[0]!.error?.userMessage).toBe('succeeded');
    const { results, reporter } = await build(fixed, only('aws-us-east-1'));
    expect(results[0]!.status).toBe('failed');
    expect(results[0]!.error?.step).toBe('create-image');
    expect(results[0]!.error?.userMessage).toBe(
      `An image named "${name}" already exists in us-east-1, and image names must be unique in a region. ` +
        'Another build of this template made it (in the same second, when ami_name ends in {{timestamp}}), or ami_name is fixed. ' +
        'Give ami_name a unique part such as {{uuid}}, or retry the run.',
    );
    await expectNothingLeft(results, reporter);
  });

  it.each(['ucloud-cn-bj2', 'aws-us-east-1'] as const)('SSH never ready (%s): fails at connect-ssh after ssh_timeout, nothing left', async (name) => {
    await faults({ unreachableHosts: 'next' });
    const { results, reporter } = await build(patchBuilders(seed, { 'ucloud-uhost': { ssh_timeout: '2s' }, 'amazon-ebs': { ssh_timeout: '2s' } }), only(name));
    const r = results[0]!;
    expect(r.status).toBe('failed');
    expect(r.error?.step).toBe('connect-ssh');
    expect(r.error?.userMessage).toMatch(/SSH/);
    await expectNothingLeft(results, reporter);
  });

  it('a provisioner that exits 1 fails both builds at provision, nothing left', async () => {
    const t = { ...seed, provisioners: [...(seed['provisioners'] as unknown[]), { type: 'shell', inline: ['echo broken >&2', 'exit 1'] }] };
    const { results, reporter } = await build(t);
    for (const r of results) {
      expect(r.status).toBe('failed');
      expect(r.error?.step).toBe('provision');
      expect(r.error?.userMessage).toMatch(/exit/i);
    }
    expect(reporter.lines('provision').some((l) => l.includes('broken'))).toBe(true);
    await expectNothingLeft(results, reporter);
  });

  it('an image that never becomes available fails at wait-image after the timeout and is deleted', async () => {
    await faults({ stuckImages: true });
    const { results, reporter } = await build(patchBuilders(seed, { 'ucloud-uhost': { wait_image_ready_timeout: 1 }, 'amazon-ebs': { aws_polling: { delay_seconds: 1, max_attempts: 1 } } }));
    for (const r of results) {
      expect(r.status).toBe('failed');
      expect(r.error?.step).toBe('wait-image');
      expect(r.error?.userMessage).toMatch(/Timed out .* image/);
    }
    await expectNothingLeft(results, reporter);
  });

  it('a failed copy is reported while the build succeeds and keeps its good images', async () => {
    await faults({ failCopiesTo: ['cn-sh2', 'us-west-2'] });
    const t = patchBuilders(seed, {
      'ucloud-uhost': { image_copy_to_mappings: [{ project_id: 'org-sandbox', region: 'cn-sh2' }, { project_id: 'org-sandbox', region: 'cn-gd' }] },
      'amazon-ebs': { ami_regions: ['us-west-2', 'us-east-2'] },
    });
    const { results, reporter } = await build(t);
    const [u, a] = results as [BuildResult, BuildResult];
    for (const r of results) {
      expect(r.status).toBe('succeeded');
      expect(r.artifact!.copyFailures).toHaveLength(1);
      expect(r.artifact!.copyFailures[0]!.error).not.toBe('');
      expect(r.artifact!.images).toHaveLength(2);
    }
    expect(u.artifact!.copyFailures[0]!.region).toBe('cn-sh2');
    expect(u.artifact!.images.map((i) => i.region)).toEqual(['cn-bj2', 'cn-gd']);
    expect(a.artifact!.copyFailures[0]!.region).toBe('us-west-2');
    expect(a.artifact!.id).toMatch(/^us-east-1:ami-\w+,us-east-2:ami-\w+$/);
    for (const r of results) {
      const left = (await leftovers(sb.url, r.runId, reporter.of('resource-created'))).filter((x) => x.kind !== 'snapshot');
      expect(left.map((x) => `${x.kind}:${x.id}:${x.state}`).sort()).toEqual(r.artifact!.images.map((i) => `image:${i.imageId}:available`).sort());
    }
  });

  it('cancelling while waiting for the host cancels the run and cleans up', async () => {
    const controller = new AbortController();
    const reporter = collectingReporter();
    const emit = reporter.emit;
    reporter.emit = (e) => {
      emit(e);
      if (e.type === 'step-started' && e.step === 'wait-host-running' && e.phase === 'run') controller.abort(new Error('cancelled by test'));
    };
    const { results } = await build(seed, { reporter, signal: controller.signal });
    for (const r of results) {
      expect(r.status).toBe('cancelled');
      expect(r.error?.userMessage).toMatch(/cancelled/);
    }
    // The build that got there first was cancelled while waiting for its host (the other wherever it was).
    expect(results.some((r) => r.error?.step === 'wait-host-running')).toBe(true);
    await expectNothingLeft(results, reporter);
  });

  it("onError 'abort' leaves the resources and lists them", async () => {
    const t = { ...seed, provisioners: [{ type: 'shell', inline: ['exit 1'] }] };
    const { results } = await build(t, { onError: 'abort', ...only('aws-us-east-1') });
    const r = results[0]!;
    expect(r.status).toBe('failed');
    const kinds = (r.leftResources ?? []).map((x) => x.kind).sort();
    expect(kinds).toEqual(['firewall', 'host', 'key-pair']);
    const creds = sandboxCredentials(sb.url);
    const provider = createProvider(creds.aws);
    const host = r.leftResources!.find((x) => x.kind === 'host')!;
    expect((await provider.describeHost(host.region, host.id))?.state).toBe('running');
    // Tidy up by hand, as an operator would after debugging.
    await provider.terminateHost(host.region, host.id);
    await provider.deleteKeyPair(host.region, r.leftResources!.find((x) => x.kind === 'key-pair')!.id);
  });

  it('failFast cancels the sibling build when one fails', async () => {
    await faults({ actions: { 'ucloud:CreateUHostInstance': { code: '8007', message: 'host quota exceeded' } } });
    const { results, reporter } = await build(seed, { failFast: true });
    const [u, a] = results as [BuildResult, BuildResult];
    expect(u.status).toBe('failed');
    expect(a.status).toBe('cancelled');
    expect(a.error?.userMessage).toMatch(/fail-fast/);
    await expectNothingLeft(results, reporter);
  });
});
