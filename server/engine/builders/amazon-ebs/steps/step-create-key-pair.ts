import { StepError, type Step } from '../../../runner/step';
import { resourceName, runTags } from '../../common/names';
import type { BuildEnv } from '../../common/types';
import type { AmazonEbsState } from '../state';

/** A temporary key pair named after the run; its private key is only kept in the state. */
export function stepCreateKeyPair(env: BuildEnv, opts: { name?: string } = {}): Step<AmazonEbsState> {
  const name = 'create-key-pair';
  let created: string | undefined;
  let inflight: Promise<unknown> | undefined;
  return {
    name,
    async run(state, { signal, log, reporter }) {
      const keyName = opts.name ? `${opts.name}-${env.runId}` : resourceName(env.runId);
      const tags = runTags(env.runId);
      signal.throwIfAborted();
      // Not aborted mid-flight (a cancelled create may still succeed); the cleanup waits for it.
      const create = env.provider.createKeyPair(state.region, keyName, tags).then((kp) => {
        created = kp.name;
        state.keyPairName = kp.name;
        reporter.resourceCreated({ kind: 'key-pair', id: kp.name, region: state.region, tags });
        return kp;
      });
      inflight = create;
      const kp = await create;
      if (!kp.privateKeyPem) throw new StepError(name, `The cloud returned no private key for key pair ${kp.name}.`);
      state.login.privateKey = kp.privateKeyPem;
      log(`created temporary key pair ${kp.name}`);
    },
    async cleanup(state, { signal, log, reporter }) {
      await inflight?.catch(() => undefined);
      if (!created) return;
      await env.provider.deleteKeyPair(state.region, created, { signal });
      reporter.resourceDeleted({ kind: 'key-pair', id: created, region: state.region });
      log(`deleted temporary key pair ${created}`);
      created = undefined;
    },
  };
}
