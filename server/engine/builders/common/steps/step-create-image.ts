import type { Step } from '../../../runner/step';
import { StepError } from '../../../runner/step';
import { imageTags } from '../names';
import type { BuildEnv, HostBuildState } from '../types';

export interface ImageRequest {
  name: string;
  description?: string;
  tags?: Record<string, string>;
}

/**
 * Makes the image and records it as a resource at once. Its cleanup keeps it (reports it as the
 * artifact) only when the run succeeded; otherwise it is deleted like any temporary resource.
 */
export function stepCreateImage<S extends HostBuildState>(env: BuildEnv, image: (state: S) => ImageRequest): Step<S> {
  const name = 'create-image';
  let inflight: Promise<unknown> | undefined;
  return {
    name,
    async run(state, { signal, log, reporter }) {
      const hostId = state.hostId;
      if (!hostId) throw new StepError(name, 'No host to make an image from.');
      const req = image(state);
      const tags = imageTags(env.runId, req.tags);
      log(`creating image ${req.name} from host ${hostId}`);
      signal.throwIfAborted();
      // Not aborted mid-flight (a cancelled create may still succeed); the cleanup waits for it.
      const create = env.provider.createImage({ region: state.region, hostId, name: req.name, description: req.description, tags }).then(({ imageId }) => {
        state.imageId = imageId;
        reporter.resourceCreated({ kind: 'image', id: imageId, region: state.region, tags });
        return imageId;
      });
      inflight = create;
      const imageId = await create;
      log(`created image ${imageId}`);
    },
    async cleanup(state, { signal, log, reporter, outcome }) {
      await inflight?.catch(() => undefined);
      const imageId = state.imageId;
      if (!imageId) return;
      if (outcome === 'succeeded') {
        reporter.artifact({ kind: 'image', id: imageId, region: state.region, name: image(state).name });
        return;
      }
      log(`deleting image ${imageId} (the build did not succeed)`);
      await env.provider.deleteImage(state.region, imageId, { signal });
      reporter.resourceDeleted({ kind: 'image', id: imageId, region: state.region });
      state.imageId = undefined;
    },
  };
}
