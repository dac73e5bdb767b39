// Test support for builds against the sandbox cloud (used by *.test.ts only). It speaks to the
// sandbox over HTTP like any vendor; the tests themselves start it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createProvider } from '@/server/clouds';
import type { CloudCredentials, CloudKind } from '@/server/clouds/provider';
import { retry, sleep } from '@/server/lib/retry';
import { connectSsh } from '../../communicator/ssh';
import { memoryFileSource, type MemoryFileSource } from '../../provisioners/file-source';
import { checkTemplate, type ResolvedTemplate } from '../../template/check-template';
import { generateUcloudPassword } from '../ucloud-uhost/steps/step-create-login';

export const SEED_DIR = join(import.meta.dirname, '../../../../db/seed-templates');

export function sandboxCredentials(url: string): Record<CloudKind, CloudCredentials> {
  return {
    ucloud: { cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${url}/ucloud` },
    aws: { cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${url}/ec2` },
  };
}

export type TemplateJson = Record<string, unknown> & { builders: Record<string, unknown>[] };

export function loadSeed(name: 'rome-access' | 'rome-forwarding'): TemplateJson {
  return JSON.parse(readFileSync(join(SEED_DIR, name, 'template.json'), 'utf8')) as TemplateJson;
}

/** A copy of the template with builder options patched per builder type. */
export function patchBuilders(t: TemplateJson, patch: Partial<Record<'ucloud-uhost' | 'amazon-ebs', Record<string, unknown>>>): TemplateJson {
  return { ...t, builders: t.builders.map((b) => ({ ...b, ...patch[b['type'] as 'ucloud-uhost' | 'amazon-ebs'] })) };
}

export function resolve(t: TemplateJson): ResolvedTemplate {
  const check = checkTemplate(JSON.stringify(t), { env: {} });
  if (!check.template) throw new Error(`template invalid: ${check.issues.map((i) => i.message).join('; ')}`);
  return check.template;
}

/** Every file under `dir`, by "/"-separated path relative to it. */
function filesUnder(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[relative(dir, join(e.parentPath, e.name)).split(sep).join('/')] = readFileSync(join(e.parentPath, e.name));
  }
  return out;
}

/**
 * The files a seed template's provisioners read, as the committed example ships them: its
 * attachments (config/<service>.toml) and its sample build input (release/rome-<service>-2.3.1-…).
 */
export async function seedFiles(service: 'access' | 'forwarding'): Promise<MemoryFileSource> {
  const dir = join(SEED_DIR, `rome-${service}`);
  return memoryFileSource({ ...filesUnder(join(dir, 'attachments')), ...filesUnder(join(dir, 'inputs')) });
}

export interface SandboxResource {
  kind: string;
  cloud: string;
  id: string;
  region: string;
  name: string;
  state: string;
  tags: Record<string, string>;
}

export async function sandboxResources(url: string): Promise<SandboxResource[]> {
  const res = await fetch(`${url}/_sandbox/resources`);
  return ((await res.json()) as { resources: SandboxResource[] }).resources;
}

/** Resources whose name, tags or id mention the run id. */
export async function resourcesOfRun(url: string, runId: string): Promise<SandboxResource[]> {
  return (await sandboxResources(url)).filter((r) => JSON.stringify(r).includes(runId));
}

/**
 * What a run left in the sandbox: resources naming or tagged with its run id, plus any resource
 * the run reported creating (UCloud images keep no tags in the sandbox, so the ledger ids count too).
 */
export async function leftovers(url: string, runId: string, created: readonly { runId: string; id: string }[]): Promise<SandboxResource[]> {
  const ids = new Set(created.filter((e) => e.runId === runId).map((e) => e.id));
  return (await sandboxResources(url)).filter((r) => ids.has(r.id) || JSON.stringify(r).includes(runId));
}

/** Launches a host from an image (through the provider), reads a file over SSH, deletes the host. */
export async function readFileFromImage(opts: { credentials: CloudCredentials; region: string; imageId: string; sshPort: number; username: string; path: string }): Promise<string> {
  const provider = createProvider(opts.credentials, { pollIntervalMs: 50 });
  const signal = AbortSignal.timeout(60_000);
  const name = `verify-${opts.imageId}`;
  let keyPair: { name: string; pem: string } | undefined;
  let password: string | undefined;
  if (opts.credentials.cloud === 'aws') {
    const kp = await provider.createKeyPair(opts.region, name, {}, { signal });
    keyPair = { name: kp.name, pem: kp.privateKeyPem! };
  } else {
    password = generateUcloudPassword();
  }
  const { hostId } = await provider.createHost(
    {
      region: opts.region,
      imageId: opts.imageId,
      hostType: opts.credentials.cloud === 'aws' ? 't3.small' : 'n-basic-2',
      name,
      login: keyPair ? { keyPairName: keyPair.name } : { password },
      publicIp: { bandwidthMbps: 1 },
      tags: {},
    },
    { signal },
  );
  try {
    const host = await retry(
      async () => {
        const h = await provider.describeHost(opts.region, hostId, { signal });
        if (h?.state !== 'running' || !h.publicIp) throw new Error(`host ${h?.state}`);
        return h;
      },
      { tries: 200, delay: 50, signal },
    );
    const comm = await connectSsh(
      { host: host.publicIp!, port: opts.sshPort, username: opts.username, password, privateKey: keyPair?.pem },
      { signal, timeoutMs: 20_000, log: () => undefined },
    );
    try {
      const out: string[] = [];
      const r = await comm.exec(`cat ${opts.path}`, { signal, onStdout: (l) => out.push(l) });
      if (r.exitCode !== 0) throw new Error(`cat ${opts.path} exited ${r.exitCode}`);
      return out.join('\n');
    } finally {
      await comm.close();
    }
  } finally {
    await provider.terminateHost(opts.region, hostId).catch(() => undefined);
    if (keyPair) await provider.deleteKeyPair(opts.region, keyPair.name).catch(() => undefined);
    await sleep(0);
  }
}
