// Deletes what a run left behind when its process died before its cleanups ran (kill -9, a lost
// machine): `npm run image -- cleanup --run-id ID`. The run's resources are found by the run id
// they carry (CloudProvider.findResourcesByRunId), region by region, and deleted in dependency
// order: hosts first (a UCloud host's EIP and disks go with it; firewalls and key pairs are "in
// use" until the host is gone), then EIPs, firewalls / security groups and key pairs. Images are
// only listed unless asked for: the run id cannot tell a killed run's half-made image from the
// artifact of a run that finished. Every delete treats NotFound as done, so a second cleanup (or
// one racing the run's own) is harmless.
import { isCloudApiError } from '@/server/clouds/cloud-error';
import type { CloudProvider, RunResource, RunResourceKind } from '@/server/clouds/provider';
import { mapLimit } from '@/server/lib/map-limit';
import { retry } from '@/server/lib/retry';
import { messageOf } from './builders/common/names';
import { waitFor } from './builders/common/wait';

export interface CleanupRunOptions {
  provider: CloudProvider;
  runId: string;
  regions: readonly string[];
  /** Also delete the run's images (and copies). Off by default: they may be a finished run's artifact. */
  includeImages?: boolean;
  /** List only. */
  dryRun?: boolean;
  signal?: AbortSignal;
  log?: (line: string) => void;
  pollMs?: number;
  /** Upper bound for one host to be gone. */
  hostTimeoutMs?: number;
  /** Regions looked at side by side. */
  concurrency?: number;
}

export interface CleanupFailure {
  resource?: RunResource;
  region: string;
  error: string;
}

export interface CleanupRunResult {
  found: RunResource[];
  deleted: RunResource[];
  /** Images left in place (without includeImages). */
  kept: RunResource[];
  failed: CleanupFailure[];
}

/** Dependency order: what uses another resource goes first. */
const ORDER: RunResourceKind[] = ['host', 'eip', 'firewall', 'keypair', 'image'];

export async function cleanupRun(opts: CleanupRunOptions): Promise<CleanupRunResult> {
  const { provider, runId } = opts;
  const signal = opts.signal ?? new AbortController().signal;
  const log = opts.log ?? (() => undefined);
  const pollMs = opts.pollMs ?? 2_000;
  const result: CleanupRunResult = { found: [], deleted: [], kept: [], failed: [] };

  await mapLimit(opts.regions, opts.concurrency ?? 4, async (region) => {
    let found: RunResource[];
    try {
      found = await provider.findResourcesByRunId(region, runId, { signal });
    } catch (err) {
      result.failed.push({ region, error: `could not list ${provider.cloud} ${region}: ${messageOf(err)}` });
      return;
    }
    found.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    result.found.push(...found);
    for (const r of found) {
      const label = `${provider.cloud} ${region} ${r.kind} ${r.id}${r.name && r.name !== r.id ? ` (${r.name})` : ''}`;
      if (r.kind === 'image' && !opts.includeImages) {
        result.kept.push(r);
        log(`kept image: ${label} (pass --include-images to delete the run's images)`);
        continue;
      }
      if (opts.dryRun) {
        log(`would delete ${label}`);
        continue;
      }
      try {
        await deleteRunResource(provider, r, { signal, pollMs, hostTimeoutMs: opts.hostTimeoutMs });
        result.deleted.push(r);
        log(`deleted ${label}`);
      } catch (err) {
        result.failed.push({ resource: r, region, error: messageOf(err) });
        log(`FAILED to delete ${label}: ${messageOf(err)}`);
      }
    }
  });
  return result;
}

/**
 * Deletes one resource of a run and, for a host, waits until it is gone (its firewall and key pair
 * are in use until then). Shared with the console's sweeper (services/builds/sweep-runs.ts).
 */
export async function deleteRunResource(provider: CloudProvider, r: RunResource, opts: { signal: AbortSignal; pollMs: number; hostTimeoutMs?: number }): Promise<void> {
  const { signal, pollMs } = opts;
  switch (r.kind) {
    case 'host':
      await provider.terminateHost(r.region, r.id, { signal });
      await waitFor(
        async () => {
          const host = await provider.describeHost(r.region, r.id, { signal });
          return !host || host.state === 'terminated' ? { done: true, value: undefined } : { done: false, state: host.vendorState || host.state };
        },
        { step: 'cleanup', what: `host ${r.id} to terminate`, signal, timeoutMs: opts.hostTimeoutMs ?? 10 * 60_000, pollMs },
      );
      return;
    case 'eip':
      return provider.releasePublicIp(r.region, r.id, { signal });
    case 'firewall':
      // "In use" until the host is fully gone: retryable, like the build's own cleanup.
      return retry(() => provider.deleteFirewall(r.region, r.id, { signal }), {
        tries: 30,
        signal,
        delay: (attempt) => Math.min(pollMs * 6, pollMs * attempt),
        shouldRetry: (err) => isCloudApiError(err) && err.retryable,
      });
    case 'keypair':
      return provider.deleteKeyPair(r.region, r.id, { signal });
    case 'image':
      return provider.deleteImage(r.region, r.id, { signal });
  }
}
