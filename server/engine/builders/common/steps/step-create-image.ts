import { isCloudApiError } from '@/server/clouds/cloud-error';
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
      }, (err: unknown) => {
        throw nameTaken(name, err, req.name, state.region) ?? err;
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

/**
 * EC2 refuses a second AMI of the same name in a region. The name comes from the template
 * (`ami_name`), so say which and how to make it unique rather than pass AWS's words on.
 */
function nameTaken(step: string, err: unknown, imageName: string, region: string): StepError | undefined {
  if (!isCloudApiError(err) || err.code !== 'InvalidAMIName.Duplicate') return undefined;
  return new StepError(
    step,
    `An image named "${imageName}" already exists in ${region}, and image names must be unique in a region. ` +
      'Another build of this template made it (in the same second, when ami_name ends in {{timestamp}}), or ami_name is fixed. ' +
      'Give ami_name a unique part such as {{uuid}}, or retry the run.',
    { cause: err, message: `${step}: ${err.message}` },
  );
}
