import { retry } from '@/server/lib/retry';
import { StepError, type Step } from '../../../runner/step';
import type { BuildEnv, HostBuildState } from '../types';
import { waitFor } from '../wait';

/** A graceful stop before the image is made (a running host gives an inconsistent disk). */
export function stepStopHost<S extends HostBuildState>(env: BuildEnv, opts: { skipStopCall?: boolean } = {}): Step<S> {
  const name = 'stop-host';
  return {
    name,
    async run(state, { signal, log }) {
      const hostId = state.hostId;
      if (!hostId) throw new StepError(name, 'No host to stop.');
      // The connection dies with the host; close it first so nothing reports a broken pipe.
      const comm = state.comm;
      state.comm = undefined;
      await comm?.close().catch(() => undefined);
      if (!opts.skipStopCall) {
        log(`stopping host ${hostId}`);
        await retry(() => env.provider.stopHost(state.region, hostId, { signal }), { tries: 5, signal, delay: (a) => env.timing.pollMs * a });
      }
      await waitFor(async () => {
        const host = await env.provider.describeHost(state.region, hostId, { signal });
        if (!host) throw new StepError(name, `The host ${hostId} disappeared while stopping.`);
        return host.state === 'stopped' ? { done: true, value: undefined } : { done: false, state: host.vendorState || host.state };
      }, { step: name, what: `host ${hostId} to stop`, signal, timeoutMs: env.timing.hostTimeoutMs, pollMs: env.timing.pollMs, log });
      log(`host ${hostId} stopped`);
    },
  };
}
