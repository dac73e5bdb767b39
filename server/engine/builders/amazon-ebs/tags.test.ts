import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '@/server/clouds';
import { RUN_ID_TAG } from '@/server/clouds/provider';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { buildTemplate } from '../../build';
import { collectingReporter } from '../../runner/reporter';
import { loadSeed, patchBuilders, resolve, sandboxCredentials, seedFiles } from '../testing/fixtures';

let sb: SandboxCloud;

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
});
afterAll(async () => {
  await sb?.close();
});

describe('amazon-ebs image tags (Packer fidelity)', () => {
  it("keeps the template's tags.Name on the AMI and its copy, and adds the run id", { timeout: 120_000 }, async () => {
    const template = resolve(
      patchBuilders(loadSeed('rome-access'), {
        'amazon-ebs': { ami_regions: ['us-west-2'], tags: { Name: 'rome-access {{timestamp}}', Role: 'access', SourceAMI: '{{ .SourceAMI }}' } },
      }),
    );
    const build = template.builds.find((b) => b.type === 'amazon-ebs')!;
    // The value the template renders to (timestamp is the build's start, fixed at check time).
    const wantedName = (build.config as { tags: Record<string, string> }).tags['Name']!;
    expect(wantedName).toMatch(/^rome-access \d{10}$/);
    const amiName = (build.config as { ami_name: string }).ami_name;
    expect(amiName).not.toBe(wantedName);

    const creds = sandboxCredentials(sb.url);
    const reporter = collectingReporter();
    const [result] = await buildTemplate({
      template, only: [build.name], credentials: (c) => creds[c], reporter, files: await seedFiles('access'),
      sshPortOverride: sb.world.sshPort, timing: { pollMs: 50, hostTimeoutMs: 30_000 }, cleanupRetryDelayMs: 50,
    });
    expect(result!.status, reporter.lines().join('\n')).toBe('succeeded');
    const images = result!.artifact!.images;
    expect(images.map((i) => i.region).sort()).toEqual(['us-east-1', 'us-west-2']);

    const provider = createProvider(creds.aws);
    for (const img of images) {
      const info = await provider.describeImage(img.region, img.imageId);
      expect(info?.name).toBe(amiName);
      expect(info?.tags['Name']).toBe(wantedName);
      expect(info?.tags['Role']).toBe('access');
      expect(info?.tags['SourceAMI']).toBe('ami-0c7217cdde317cfec');
      expect(info?.tags[RUN_ID_TAG]).toBe(result!.runId);
    }
  });

  it('adds no Name tag of its own when the template gives none, like Packer', { timeout: 120_000 }, async () => {
    const template = resolve(patchBuilders(loadSeed('rome-access'), { 'amazon-ebs': { tags: { Role: 'access' } } }));
    const build = template.builds.find((b) => b.type === 'amazon-ebs')!;
    const creds = sandboxCredentials(sb.url);
    const reporter = collectingReporter();
    const [result] = await buildTemplate({
      template, only: [build.name], credentials: (c) => creds[c], reporter, files: await seedFiles('access'),
      sshPortOverride: sb.world.sshPort, timing: { pollMs: 50, hostTimeoutMs: 30_000 }, cleanupRetryDelayMs: 50,
    });
    expect(result!.status, reporter.lines().join('\n')).toBe('succeeded');
    const img = result!.artifact!.images[0]!;
    const info = await createProvider(creds.aws).describeImage(img.region, img.imageId);
    expect(info?.tags).toEqual({ Role: 'access', [RUN_ID_TAG]: result!.runId });
  });
});
