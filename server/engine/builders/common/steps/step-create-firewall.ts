import { isNotFound } from '@/server/clouds/cloud-error';
import { retry } from '@/server/lib/retry';
import type { Step } from '../../../runner/step';
import { resourceName, runTags } from '../names';
import type { BuildEnv, HostBuildState } from '../types';

export interface FirewallOptions {
  /** A firewall / security group the template names: used as is, never deleted. */
  existingId?: string;
  sshPort: number;
  sourceCidrs: string[];
}

/** A temporary firewall (UCloud) / security group (EC2) letting SSH in, unless the template names one. */
export function stepCreateFirewall<S extends HostBuildState>(env: BuildEnv, opts: FirewallOptions): Step<S> {
  let created: string | undefined;
  let inflight: Promise<unknown> | undefined;
  return {
    name: 'create-firewall',
    async run(state, { signal, log, reporter }) {
      if (opts.existingId) {
        state.firewallId = opts.existingId;
        log(`using firewall ${opts.existingId} named by the template`);
        return;
      }
      const name = resourceName(env.runId);
      const tags = runTags(env.runId);
      signal.throwIfAborted();
      // Not aborted mid-flight (a cancelled create may still succeed); the cleanup waits for it.
      const create = env.provider.createFirewall({ region: state.region, name, sshPort: opts.sshPort, sourceCidrs: opts.sourceCidrs, tags }).then((fw) => {
        created = fw.id;
        state.firewallId = fw.id;
        reporter.resourceCreated({ kind: 'firewall', id: fw.id, region: state.region, tags });
        return fw;
      });
      inflight = create;
      const fw = await create;
      log(`created temporary firewall ${fw.id} (${name}) allowing TCP ${opts.sshPort} from ${opts.sourceCidrs.join(', ')}`);
    },
    async cleanup(state, { signal, log, reporter }) {
      await inflight?.catch(() => undefined);
      if (!created) return;
      const id = created;
      // The host that used it may still be shutting down: "in use" is retryable until it is gone.
      await retry(
        async () => {
          try {
            await env.provider.deleteFirewall(state.region, id, { signal });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        },
        {
          tries: Infinity,
          signal,
          delay: (attempt) => Math.min(env.timing.pollMs * 6, env.timing.pollMs * attempt),
          shouldRetry: (err, attempt) => attempt < 30 && typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true,
          onRetry: ({ attempt }) => attempt === 1 && log('firewall still in use; waiting for the host to go'),
        },
      );
      reporter.resourceDeleted({ kind: 'firewall', id, region: state.region });
      log(`deleted temporary firewall ${id}`);
      created = undefined;
    },
  };
}
