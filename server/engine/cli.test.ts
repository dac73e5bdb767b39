import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { loadSeed, patchBuilders, seedFiles } from './builders/testing/fixtures';
import { main, type CliIo } from './cli';

let sb: SandboxCloud;
let dir: string;

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
  dir = await mkdtemp(join(tmpdir(), 'image-cli-'));
  const files = await seedFiles('access');
  for (const [path, content] of files.files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await writeFile(join(dir, 'template.json'), JSON.stringify(patchBuilders(loadSeed('rome-access'), { 'amazon-ebs': { ami_regions: ['us-west-2'] } })));
});
afterAll(async () => {
  await sb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    env: { AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000', AWS_SECRET_ACCESS_KEY: 'sandbox-secret-key', AWS_ENDPOINT_URL_EC2: `${sb.url}/ec2`, IMAGE_SSH_PORT: String(sb.world.sshPort), IMAGE_POLL_MS: '50' },
  };
}

describe('image CLI', () => {
  it('validate asks the clouds what the regions can run, and explains field problem #3 with the fix', async () => {
    const gdImage = [...sb.world.images.values()].find((i) => i.cloud === 'ucloud' && i.region === 'cn-gd' && i.name === 'Ubuntu 22.04 64位')!;
    const template = patchBuilders(loadSeed('rome-access'), { 'ucloud-uhost': { region: 'cn-gd', availability_zone: 'cn-gd-02', source_image_id: gdImage.id } });
    await writeFile(join(dir, 'gd.json'), JSON.stringify(template));
    const v = io();
    v.env = { ...v.env, UCLOUD_PUBLIC_KEY: 'sandbox-public-key', UCLOUD_PRIVATE_KEY: 'sandbox-private-key', UCLOUD_PROJECT_ID: 'org-sandbox', UCLOUD_ENDPOINT: `${sb.url}/ucloud` };
    expect(await main(['validate', join(dir, 'gd.json')], v)).toBe(1);
    const text = v.errors.join('\n');
    expect(text).toContain('zone cn-gd-02 of cn-gd has no cloud_ssd boot disk');
    expect(text).toMatch(/"boot_disk_type": "local_(ssd|normal)"/);
    expect(text).toContain('"image_copy_to_mappings"');
    // Validation never calls a mutating cloud API.
    expect([...sb.world.hosts.values()].filter((h) => h.region === 'cn-gd')).toHaveLength(0);
  });

  it('validate and inspect a template', async () => {
    const v = io();
    expect(await main(['validate', join(dir, 'template.json')], v)).toBe(0);
    expect(v.lines).toContain('The configuration is valid.');
    const i = io();
    expect(await main(['inspect', join(dir, 'template.json')], i)).toBe(0);
    expect(i.lines.join('\n')).toMatch(/aws-us-east-1 \(amazon-ebs\)/);
  });

  it('build --only --machine-readable prints Packer records and writes the manifest next to the template', { timeout: 60_000 }, async () => {
    const b = io();
    const code = await main(['build', '--only', 'aws-us-east-1', '--machine-readable', join(dir, 'template.json')], b);
    expect(code, b.lines.concat(b.errors).join('\n')).toBe(0);
    expect(b.lines.some((l) => /^\d+,,ui,say,==> aws-us-east-1: Creating host…$/.test(l))).toBe(true);
    const id = b.lines.find((l) => l.includes(',artifact,0,id,'));
    expect(id).toMatch(/^\d+,aws-us-east-1,artifact,0,id,us-east-1:ami-\w+%!\(PACKER_COMMA\)us-west-2:ami-\w+$/);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest-rome-access.json'), 'utf8')) as { builds: { name: string }[] };
    expect(manifest.builds.map((x) => x.name)).toEqual(['aws-us-east-1']);
  });

  it('reports usage errors', async () => {
    const b = io();
    expect(await main(['copy', '--to', 'us-west-2'], b)).toBe(2);
    expect(b.errors[0]).toMatch(/copy needs/);
  });
});
