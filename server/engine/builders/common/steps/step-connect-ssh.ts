import { connectSsh } from '../../../communicator/ssh';
import { StepError, type Step } from '../../../runner/step';
import type { BuildEnv, HostBuildState } from '../types';

export interface ConnectOptions {
  /** Go duration seconds of `ssh_timeout`. */
  timeoutMs: number;
  /** Template's `ssh_host`, else the host's public (or private) address. */
  sshHost?: string;
  usePrivateIp?: boolean;
}

export function stepConnectSsh<S extends HostBuildState>(_env: BuildEnv, opts: ConnectOptions): Step<S> {
  const name = 'connect-ssh';
  return {
    name,
    async run(state, { signal, log }) {
      const host = opts.sshHost ?? (opts.usePrivateIp ? state.host?.privateIp : state.host?.publicIp);
      if (!host) throw new StepError(name, `Could not determine an address for host ${state.hostId ?? '?'}.`);
      const { username, port, password, privateKey } = state.login;
      log(`connecting to ${username}@${host}:${port} (timeout ${Math.round(opts.timeoutMs / 1000)} s)`);
      try {
        state.comm = await connectSsh({ host, port, username, password, privateKey }, { signal, timeoutMs: opts.timeoutMs, log });
      } catch (err) {
        if (signal.aborted) throw err;
        throw new StepError(name, `Could not connect over SSH to ${host}:${port} within ${Math.round(opts.timeoutMs / 1000)} s: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      log('connected');
    },
    async cleanup(state) {
      const comm = state.comm;
      state.comm = undefined;
      await comm?.close().catch(() => undefined);
    },
  };
}
