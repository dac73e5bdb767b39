import type { CreateHostRequest } from '@/server/clouds/provider';
import type { Step } from '../../../runner/step';
import { runTags } from '../names';
import type { BuildEnv, HostBuildState } from '../types';
import { waitFor } from '../wait';

/**
 * Launches the build host. Its id goes to the ledger the moment the create call returns, before
 * any wait (unlike Packer's UCloud builder, which waits first and leaks the host when that fails).
 */
export function stepCreateHost<S extends HostBuildState>(env: BuildEnv, request: (state: S) => Omit<CreateHostRequest, 'tags'> & { tags?: Record<string, string> }): Step<S> {
  let inflight: Promise<unknown> | undefined;
  return {
    name: 'create-host',
    async run(state, { signal, log, reporter }) {
      const req = request(state);
      const tags = { ...req.tags, ...runTags(env.runId) };
      log(`creating host (${req.hostType}) from ${req.imageId} in ${req.zone ?? req.region}`);
      // Not aborted mid-flight: a cancelled request may still have made the host, and then we
      // would never learn its id. The cleanup waits for this instead.
      signal.throwIfAborted();
      const create = env.provider.createHost({ ...req, tags }).then(({ hostId }) => {
        state.hostId = hostId;
        reporter.resourceCreated({ kind: 'host', id: hostId, region: state.region, tags });
        return hostId;
      });
      inflight = create;
      log(`created host ${await create}`);
    },
    async cleanup(state, { signal, log, reporter }) {
      await inflight?.catch(() => undefined);
      const { hostId } = state;
      if (!hostId) return;
      state.comm = undefined;
      log(`terminating host ${hostId}`);
      // Idempotent; the provider stops the host first where the cloud requires it (UCloud).
      await env.provider.terminateHost(state.region, hostId, { signal });
      await waitFor(
        async () => {
          const host = await env.provider.describeHost(state.region, hostId, { signal });
          return !host || host.state === 'terminated' ? { done: true, value: undefined } : { done: false, state: host.vendorState || host.state };
        },
        { step: 'create-host', what: `host ${hostId} to terminate`, signal, timeoutMs: env.timing.hostTimeoutMs, pollMs: env.timing.pollMs },
      );
      reporter.resourceDeleted({ kind: 'host', id: hostId, region: state.region });
      log(`terminated host ${hostId}`);
      if (state.publicIpId) {
        // Released with the host (ReleaseEIP); this makes sure, and NotFound means done.
        await env.provider.releasePublicIp(state.region, state.publicIpId, { signal });
        reporter.resourceDeleted({ kind: 'eip', id: state.publicIpId, region: state.region });
        state.publicIpId = undefined;
      }
      state.hostId = undefined;
    },
  };
}
