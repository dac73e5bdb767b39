import type { Step } from '../../../runner/step';
import { resourceName, runTags } from '../../common/names';
import type { BuildEnv } from '../../common/types';
import type { UcloudUhostState } from '../state';

/**
 * The host's EIP, allocated on its own (AllocateEIP) so that it carries the run id — an EIP made
 * by CreateUHostInstance's `NetworkInterface.0.EIP` block has no business group, name or remark,
 * and a killed run's EIP could not be found by it. Recorded the moment AllocateEIP returns, then
 * bound to the host. The cleanup runs before the host's: unbind and release (NotFound is done).
 */
export function stepCreateEip(env: BuildEnv, opts: { bandwidthMbps: number; chargeMode?: string }): Step<UcloudUhostState> {
  let inflight: Promise<unknown> | undefined;
  return {
    name: 'create-eip',
    async run(state, { signal, log, reporter }) {
      const hostId = state.hostId;
      if (!hostId) throw new Error('no host to bind an EIP to');
      const tags = runTags(env.runId);
      signal.throwIfAborted();
      // Not aborted mid-flight (a cancelled allocate may still succeed); the cleanup waits for it.
      const allocate = env.provider.allocatePublicIp({ region: state.region, name: resourceName(env.runId), bandwidthMbps: opts.bandwidthMbps, chargeMode: opts.chargeMode, tags }).then((ip) => {
        state.publicIpId = ip.id;
        reporter.resourceCreated({ kind: 'eip', id: ip.id, region: state.region, tags });
        return ip;
      });
      inflight = allocate;
      const ip = await allocate;
      log(`allocated EIP ${ip.id} (${opts.bandwidthMbps} Mbps)`);
      await env.provider.bindPublicIp(state.region, ip.id, hostId, { signal });
      log(`bound EIP ${ip.id} to host ${hostId}`);
    },
    async cleanup(state, { signal, log, reporter }) {
      await inflight?.catch(() => undefined);
      const id = state.publicIpId;
      if (!id) return;
      log(`releasing EIP ${id}`);
      await env.provider.releasePublicIp(state.region, id, { signal });
      reporter.resourceDeleted({ kind: 'eip', id, region: state.region });
      state.publicIpId = undefined;
    },
  };
}
