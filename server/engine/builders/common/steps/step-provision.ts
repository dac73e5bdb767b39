import { runProvisioners } from '../../../provisioners/run-provisioners';
import { StepError, isStepError, type Step } from '../../../runner/step';
import type { BuildEnv, HostBuildState } from '../types';

/** Runs the template's provisioners for this build over the SSH connection. */
export function stepProvision<S extends HostBuildState>(env: BuildEnv, buildData: (state: S) => Record<string, string>): Step<S> {
  const name = 'provision';
  return {
    name,
    async run(state, { signal, log }) {
      if (!state.comm) throw new StepError(name, 'No SSH connection to provision over.');
      if (env.provisioners.length === 0) return log('no provisioners');
      try {
        await runProvisioners(state.comm, env.provisioners, { signal, log, files: env.files, buildName: env.buildName, buildType: env.buildType, buildData: buildData(state) });
      } catch (err) {
        if (signal.aborted || isStepError(err)) throw err;
        throw new StepError(name, `Provisioning failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    },
  };
}
