import { StepError, type Step } from '../../../runner/step';
import type { BuildEnv, HostBuildState } from '../types';

/** The source image must exist in the build region and be Linux (neither builder does Windows). */
export function stepResolveSourceImage<S extends HostBuildState>(env: BuildEnv, imageId: (state: S) => string | undefined): Step<S> {
  const name = 'resolve-source-image';
  return {
    name,
    async run(state, { signal, log }) {
      const id = imageId(state);
      if (!id) throw new StepError(name, 'The template names no source image.');
      const image = await env.provider.describeImage(state.region, id, { signal });
      if (!image) throw new StepError(name, `The source image ${id} was not found in ${state.region}.`);
      if (/windows/i.test(image.osFamily) || /windows/i.test(image.osName)) {
        throw new StepError(name, `The source image ${id} is a Windows image (${image.osName}); only Linux images can be built.`);
      }
      if (image.state !== 'available') throw new StepError(name, `The source image ${id} is not available (state ${image.vendorState}).`);
      state.sourceImage = image;
      log(`source image ${id}: ${image.name} (${image.osName || image.osFamily})`);
    },
  };
}
