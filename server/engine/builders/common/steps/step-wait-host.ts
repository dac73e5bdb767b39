import { StepError, type Step } from '../../../runner/step';
import type { BuildEnv, HostBuildState } from '../types';
import { waitFor } from '../wait';

/** Polls the host until it runs (and, on UCloud, until its boot disk is ready). */
export function stepWaitHost<S extends HostBuildState>(env: BuildEnv, opts: { bootDisk: boolean }): Step<S> {
  const name = 'wait-host-running';
  return {
    name,
    async run(state, { signal, log }) {
      const hostId = state.hostId;
      if (!hostId) throw new StepError(name, 'No host was created.');
      const waitOpts = { step: name, signal, timeoutMs: env.timing.hostTimeoutMs, pollMs: env.timing.pollMs, log };
      state.host = await waitFor(async () => {
        const host = await env.provider.describeHost(state.region, hostId, { signal });
        if (!host) return { done: false, state: 'not visible yet' };
        if (host.state === 'failed' || host.state === 'terminated' || host.state === 'terminating') {
          throw new StepError(name, `The host ${hostId} failed to start (state ${host.vendorState}${host.stateReason ? `: ${host.stateReason}` : ''}).`);
        }
        return host.state === 'running' ? { done: true, value: host } : { done: false, state: host.vendorState || host.state };
      }, { ...waitOpts, what: `host ${hostId} to run` });
      log(`host ${hostId} is running (public IP ${state.host.publicIp ?? 'none'})`);
      if (opts.bootDisk && !state.host.bootDiskReady) {
        state.host = await waitFor(async () => {
          const host = await env.provider.describeHost(state.region, hostId, { signal });
          return host?.bootDiskReady ? { done: true, value: host } : { done: false, state: 'boot disk initialising' };
        }, { ...waitOpts, what: `the boot disk of ${hostId}`, timeoutMs: env.timing.hostTimeoutMs * 4 });
      }
    },
  };
}
