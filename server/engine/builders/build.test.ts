import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { buildTemplate, copyImageToRegions, type BuildResult } from '../build';
import { collectingReporter } from '../runner/reporter';
import { ApiBudget } from '../scheduler/api-budget';
import { loadSeed, patchBuilders, readFileFromImage, resolve, leftovers, sandboxCredentials, seedFiles } from './testing/fixtures';

const TIMING = { pollMs: 50, hostTimeoutMs: 30_000 };
let sb: SandboxCloud;

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
});
afterAll(async () => {
  await sb?.close();
});

describe('buildTemplate against the sandbox cloud', () => {
  it('builds both seed templates on both clouds at once, with copies, and the images carry the role', { timeout: 180_000 }, async () => {
    const creds = sandboxCredentials(sb.url);
    const budget = new ApiBudget();
    const withCopies = (name: 'rome-access' | 'rome-forwarding') =>
      resolve(patchBuilders(loadSeed(name), { 'ucloud-uhost': { image_copy_to_mappings: [{ project_id: 'org-sandbox', region: 'cn-sh2' }] }, 'amazon-ebs': { ami_regions: ['us-west-2'] } }));
    const run = async (name: 'rome-access' | 'rome-forwarding', service: 'access' | 'forwarding') => {
      const files = await seedFiles(service);
      const reporter = collectingReporter();
      const results = await buildTemplate({
        template: withCopies(name), credentials: (c) => creds[c], reporter, files, budget, sshPortOverride: sb.world.sshPort, timing: TIMING, cleanupRetryDelayMs: 50,
      });
      return { results, reporter, files, service };
    };
    const runs = await Promise.all([run('rome-access', 'access'), run('rome-forwarding', 'forwarding')]);

    for (const { results, files, reporter, service } of runs) {
      for (const r of results) {
        expect(r.error?.message, `${r.name}: ${r.error?.message}\n${reporter.lines().join('\n')}`).toBeUndefined();
        expect(r.status).toBe('succeeded');
        expect(r.artifact!.copyFailures).toEqual([]);
        expect(r.artifact!.images).toHaveLength(2);
        expect(r.leftResources).toBeUndefined();
      }
      const [u, a] = results as [BuildResult, BuildResult];
      expect(u.artifact!.id).toMatch(/^org-sandbox:cn-bj2:uimage-\w+,org-sandbox:cn-sh2:uimage-\w+$/);
      expect(a.artifact!.id).toMatch(/^us-east-1:ami-\w+,us-west-2:ami-\w+$/);
      // Only the images (source + copy) carry the run id afterwards.
      for (const r of results) {
        const left = (await leftovers(sb.url, r.runId, reporter.of('resource-created'))).filter((x) => x.kind !== 'snapshot');
        expect(left.map((x) => `${x.kind}:${x.id}`).sort()).toEqual(r.artifact!.images.map((i) => `image:${i.imageId}`).sort());
      }
      const manifest = JSON.parse(files.files.get(`manifest-rome-${service}.json`)!.toString('utf8')) as { builds: { name: string; artifact_id: string; builder_type: string; custom_data: Record<string, string> }[]; last_run_uuid: string };
      expect(manifest.builds.map((b) => b.artifact_id).sort()).toEqual(results.map((r) => r.artifact!.id).sort());
      expect(manifest.builds[0]!.custom_data.role).toBe(service);

      // Every produced and copied image boots with the role file.
      for (const r of results) {
        for (const img of r.artifact!.images) {
          const role = await readFileFromImage({
            credentials: creds[r.type === 'ucloud-uhost' ? 'ucloud' : 'aws'], region: img.region, imageId: img.imageId, sshPort: sb.world.sshPort,
            username: r.type === 'ucloud-uhost' ? 'root' : 'ubuntu', path: '/etc/rome/role',
          });
          expect(role.trim()).toBe(service);
        }
      }
    }
  });

  it('copyImageToRegions redoes only the given regions', { timeout: 60_000 }, async () => {
    const creds = sandboxCredentials(sb.url);
    const reporter = collectingReporter();
    const results = await buildTemplate({
      template: resolve(loadSeed('rome-access')), only: ['aws-us-east-1'], credentials: (c) => creds[c], reporter, files: await seedFiles('access'),
      sshPortOverride: sb.world.sshPort, timing: TIMING, cleanupRetryDelayMs: 50,
    });
    const built = results[0]!;
    expect(built.status).toBe('succeeded');
    const source = built.artifact!.images[0]!;
    const copy = await copyImageToRegions({ cloud: 'aws', credentials: creds.aws, from: source, to: ['us-west-2', 'us-east-2'], reporter: collectingReporter(), pollMs: 50 });
    expect(copy.status).toBe('succeeded');
    expect(copy.images.map((i) => i.region)).toEqual(['us-east-2', 'us-west-2']);
    expect(copy.copyFailures).toEqual([]);
  });
});
