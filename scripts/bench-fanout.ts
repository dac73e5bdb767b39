// npm run bench:fanout — one template built for 24 regions (12 UCloud + 12 AWS) at once on the
// sandbox's realistic time profile (scaled), with the sandbox in its own process so the figures
// are the engine's. Prints wall time, the slowest run's own time and their ratio (target ≤ 1.10),
// API calls by action, and the engine process's peak memory.
import { spawn } from 'node:child_process';
import { collectingReporter } from '@/server/engine/runner/reporter';
import { buildTemplate } from '@/server/engine/build';
import { loadSeed, resolve, sandboxCredentials, seedFiles, type TemplateJson } from '@/server/engine/builders/testing/fixtures';

const TIME_SCALE = Number(process.argv[2] ?? '0.02');
const PORT = 4700 + Math.floor(Math.random() * 200);
const SSH_PORT = 20000 + Math.floor(Math.random() * 20000);
const UCLOUD = ['cn-bj2', 'cn-sh2', 'cn-gd', 'hk', 'sg', 'jpn-tky', 'kr-seoul', 'th-bkk', 'us-ca', 'us-ws', 'ge-fra', 'uk-london'];
const AWS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-south-1', 'ap-southeast-1', 'ap-northeast-1', 'ap-northeast-2'];
const NO_CLOUD_SSD = new Set(['cn-gd', 'th-bkk']);

async function startSandbox(): Promise<{ url: string; stop: () => void }> {
  const child = spawn('npx', ['tsx', 'server/sandbox-cloud/cli.ts', '--port', String(PORT), '--ssh-port', String(SSH_PORT), '--profile', 'realistic', '--time-scale', String(TIME_SCALE)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((resolveReady, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Regions:')) resolveReady();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
  });
  return { url: `http://127.0.0.1:${PORT}`, stop: () => process.kill(-child.pid!, 'SIGTERM') };
}

/** The newest Ubuntu 22.04 base image of a region, as the cloud lists it. */
async function ubuntuImage(url: string, cloud: 'ucloud' | 'aws', region: string): Promise<string> {
  const res = (await (await fetch(`${url}/_sandbox/resources?base=only&cloud=${cloud}&region=${region}`)).json()) as { resources: { id: string; name: string }[] };
  const hit =
    cloud === 'ucloud'
      ? res.resources.find((r) => r.name === 'Ubuntu 22.04 64位')
      : res.resources.filter((r) => r.name.includes('/ubuntu-22.04-amd64-server-')).sort((a, b) => b.name.localeCompare(a.name))[0];
  if (!hit) throw new Error(`no Ubuntu 22.04 image in ${cloud} ${region}`);
  return hit.id;
}

async function main() {
  const sandbox = await startSandbox();
  try {
    const seed = loadSeed('rome-access');
    const [ucloudBuilder, awsBuilder] = [seed.builders.find((b) => b.type === 'ucloud-uhost')!, seed.builders.find((b) => b.type === 'amazon-ebs')!];
    const builders: Record<string, unknown>[] = [];
    for (const region of UCLOUD) {
      builders.push({
        ...ucloudBuilder,
        name: `ucloud-${region}`,
        region,
        availability_zone: `${region}-${region === 'cn-bj2' || region === 'cn-gd' || region === 'hk' || region === 'th-bkk' ? '02' : '01'}`,
        source_image_id: await ubuntuImage(sandbox.url, 'ucloud', region),
        // Field problem #3: these regions only have local disks.
        boot_disk_type: NO_CLOUD_SSD.has(region) ? 'local_normal' : 'cloud_ssd',
      });
    }
    for (const region of AWS) builders.push({ ...awsBuilder, name: `aws-${region}`, region, source_ami: await ubuntuImage(sandbox.url, 'aws', region) });
    const template: TemplateJson = { ...seed, builders, 'post-processors': [] };
    const resolved = resolve(template);
    const files = await seedFiles('access');

    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    await fetch(`${sandbox.url}/_sandbox/stats`, { method: 'DELETE' });
    const reporter = collectingReporter();
    const started = performance.now();
    const results = await buildTemplate({
      template: resolved,
      credentials: (cloud) => sandboxCredentials(sandbox.url)[cloud],
      parallelBuilds: 0,
      reporter,
      files,
      sshPortOverride: SSH_PORT,
      timing: { pollMs: 250 },
    });
    const wall = performance.now() - started;
    clearInterval(sampler);

    const runTimes = new Map<string, { start?: number; end?: number }>();
    for (const e of reporter.events) {
      const t = runTimes.get(e.runId) ?? {};
      if (e.type === 'run-started') t.start = e.at;
      if (e.type === 'run-finished') t.end = e.at;
      runTimes.set(e.runId, t);
    }
    const own = [...runTimes.values()].filter((t) => t.start && t.end).map((t) => t.end! - t.start!);
    const slowest = Math.max(...own);
    const failed = results.filter((r) => r.status !== 'succeeded');
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as { calls: Record<string, number> };
    const total = Object.values(stats.calls).reduce((a, b) => a + b, 0);

    console.log(`fan-out benchmark: 1 template, ${builders.length} builds (${UCLOUD.length} UCloud + ${AWS.length} AWS), realistic profile × ${TIME_SCALE}`);
    console.log(`  builds succeeded:        ${results.length - failed.length}/${results.length}${failed.length ? `  (failed: ${failed.map((f) => `${f.name}: ${f.error?.userMessage}`).join('; ')})` : ''}`);
    console.log(`  wall time:               ${(wall / 1000).toFixed(2)} s`);
    console.log(`  slowest run's own time:  ${(slowest / 1000).toFixed(2)} s`);
    console.log(`  wall / slowest:          ${(wall / slowest).toFixed(3)}  (target ≤ 1.10)`);
    console.log(`  peak RSS (engine):       ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
    console.log(`  API calls:               ${total}`);
    for (const [action, n] of Object.entries(stats.calls)) console.log(`    ${action.padEnd(40)} ${n}`);
    if (failed.length) process.exitCode = 1;
  } finally {
    sandbox.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
