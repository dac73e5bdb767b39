import { StepError, type Step } from '../../../runner/step';
import type { BuildEnv, HostBuildState } from '../types';
import { waitFor } from '../wait';

export function stepWaitImage<S extends HostBuildState>(env: BuildEnv, opts: { timeoutMs: number; pollMs?: number }): Step<S> {
  const name = 'wait-image';
  return {
    name,
    async run(state, { signal, log }) {
      const imageId = state.imageId;
      if (!imageId) throw new StepError(name, 'No image to wait for.');
      await waitFor(async () => {
        const image = await env.provider.describeImage(state.region, imageId, { signal });
        if (image?.state === 'failed') throw new StepError(name, `The image ${imageId} failed${image.failureReason ? `: ${image.failureReason}` : ''}.`);
        return image?.state === 'available' ? { done: true, value: undefined } : { done: false, state: image?.vendorState ?? 'not visible yet' };
      }, { step: name, what: `image ${imageId} to become available`, signal, timeoutMs: opts.timeoutMs, pollMs: opts.pollMs ?? env.timing.pollMs, log });
      log(`image ${imageId} is available`);
    },
  };
}
