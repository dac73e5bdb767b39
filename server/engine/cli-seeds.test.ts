// The README's "The image CLI" commands, run as written against a sandbox cloud: both example
// templates validate and build on both clouds from a fresh clone (their attachments and sample
// release are committed), and each AMI carries the template's tags.Name.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { main, type CliIo } from './cli';

const ROOT = join(import.meta.dirname, '../..');

/** The `npm run image -- …` lines of the README's image CLI section, as argument lists. */
async function readmeCommands(): Promise<string[][]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The image CLI'), readme.indexOf('\n## ', readme.indexOf('## The image CLI') + 1));
  return section
    .split('\n')
    .filter((l) => l.startsWith('npm run image -- '))
    .map((l) => l.slice('npm run image -- '.length).trim().split(/\s+/));
}

let sb: SandboxCloud;
const manifests = ['rome-access', 'rome-forwarding'].map((n) => join(ROOT, 'db/seed-templates', n, `manifest-${n}.json`));
const hadManifest = manifests.map((m) => existsSync(m));

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 20_000) });
});
afterAll(async () => {
  await sb?.close();
  // The builds wrote their manifests next to the templates; leave the checkout as it was.
  await Promise.all(manifests.map((m, i) => (hadManifest[i] ? undefined : rm(m, { force: true }))));
});

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    // The README's environment, with this sandbox's ports instead of 4600 / 2222.
    env: {
      UCLOUD_PUBLIC_KEY: 'sandbox-public-key',
      UCLOUD_PRIVATE_KEY: 'sandbox-private-key',
      UCLOUD_PROJECT_ID: 'org-sandbox',
      UCLOUD_ENDPOINT: `${sb.url}/ucloud`,
      AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000',
      AWS_SECRET_ACCESS_KEY: 'sandbox-secret-key',
      AWS_ENDPOINT_URL_EC2: `${sb.url}/ec2`,
      IMAGE_SSH_PORT: String(sb.world.sshPort),
      IMAGE_POLL_MS: '50',
    },
  };
}

describe('the README image CLI commands against the sandbox', () => {
  it('lists a validate and a build of each example', async () => {
    const commands = await readmeCommands();
    expect(commands.map((c) => `${c[0]} ${c[c.length - 1]}`)).toEqual([
      'validate db/seed-templates/rome-access/template.json',
      'build db/seed-templates/rome-access/template.json',
      'build db/seed-templates/rome-forwarding/template.json',
    ]);
  });

  it('validate of the access example passes', { timeout: 60_000 }, async () => {
    const [validate] = (await readmeCommands()).filter((c) => c[0] === 'validate');
    const v = io();
    expect(await main(validate!, v), v.errors.join('\n')).toBe(0);
    expect(v.lines).toContain('The configuration is valid.');
  });

  it.each(['rome-access', 'rome-forwarding'])('build of %s succeeds on both clouds and the AMI is tagged Name = the template\'s tags.Name', { timeout: 180_000 }, async (name) => {
    const command = (await readmeCommands()).find((c) => c[0] === 'build' && c[c.length - 1] === `db/seed-templates/${name}/template.json`)!;
    const b = io();
    const code = await main(command, b);
    expect(code, [...b.lines, ...b.errors].join('\n')).toBe(0);
    const out = b.lines.join('\n');
    expect(out).toMatch(new RegExp(`--> ucloud-cn-bj2: .*uimage-`, 's'));
    const ami = /--> aws-us-east-1: AMIs were created:\s+us-east-1: (ami-[0-9a-z]+)/.exec(out)?.[1];
    expect(ami, out).toBeDefined();

    const template = JSON.parse(await readFile(join(ROOT, 'db/seed-templates', name, 'template.json'), 'utf8')) as { builders: { type: string; tags?: Record<string, string> }[] };
    const wanted = template.builders.find((x) => x.type === 'amazon-ebs')!.tags!['Name'];
    expect(wanted).toBe(name);
    const ec2 = new EC2Client({
      region: 'us-east-1',
      endpoint: `${sb.url}/ec2`,
      credentials: { accessKeyId: 'AKIASANDBOX000000000', secretAccessKey: 'sandbox-secret-key' },
    });
    try {
      const res = await ec2.send(new DescribeImagesCommand({ ImageIds: [ami!] }));
      const tags = Object.fromEntries((res.Images?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags['Name']).toBe(wanted);
      expect(res.Images?.[0]?.Name).toMatch(new RegExp(`^${name}-\\d+$`));
    } finally {
      ec2.destroy();
    }
  });

  it('validate refuses a file that is in neither folder, naming it and its position; a folder that is not there is a usage error', async () => {
    const v = io();
    const t = 'db/seed-templates/rome-access/template.json';
    expect(await main(['validate', '--offline', '--attachments', 'db/seed-templates/rome-access/attachments', t], v)).toBe(1);
    const text = v.errors.join('\n');
    expect(text).toMatch(/provisioners\[0\] \(file\): "source" names "release\/rome-access-2\.3\.1-linux-amd64\.tar\.gz", which is not among the template's attachments and not declared as a build input\.[\s\S]*\(\d+:\d+\)/);
    expect(text).not.toContain('config/access.toml');
    const u = io();
    expect(await main(['validate', '--offline', '--inputs', 'db/seed-templates/nowhere', t], u)).toBe(2);
    expect(u.errors[0]).toMatch(/nowhere is not a folder/);
  });
});
