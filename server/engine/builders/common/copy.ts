// Copies of a finished image into other regions. Unlike Packer (where one failed copy fails the
// build and loses every image), each region stands alone: it holds one of the destination's copy
// slots around copyImage AND the wait, and a failure is recorded with the vendor's error while the
// other copies go on. The caller decides what to keep (see step-copy-image.ts).
import type { CloudKind, CloudProvider } from '@/server/clouds/provider';
import type { StepReporter } from '../../runner/step';
import type { ApiBudget } from '../../scheduler/api-budget';
import { runParallel } from '../../scheduler/parallel';
import { imageTags, messageOf } from './names';
import type { CopyFailure, ProducedImage } from './types';
import { waitFor } from './wait';

export interface CopyRequest {
  provider: CloudProvider;
  cloud: CloudKind;
  budget: ApiBudget;
  account: string;
  runId: string;
  from: { region: string; imageId: string };
  to: readonly { region: string; name: string; description?: string; projectId?: string }[];
  tags?: Record<string, string>;
  signal: AbortSignal;
  log: (line: string, stream?: 'info' | 'stderr') => void;
  reporter: StepReporter;
  timeoutMs: number;
  pollMs: number;
  step: string;
}

export interface CopyOutcome {
  copies: ProducedImage[];
  failures: CopyFailure[];
  /** Every copy the cloud accepted (available or not), for cleanup after a cancel. */
  started: ProducedImage[];
}

/**
 * `started` collects accepted copies as they are accepted and `inflight` the CopyImage calls
 * still on the wire: a cancelled run's cleanup awaits those before deleting what `started` holds
 * (a copy request is never aborted mid-flight, since the cloud may have accepted it anyway).
 */
export async function copyToRegions(req: CopyRequest, started: ProducedImage[] = [], inflight: Set<Promise<unknown>> = new Set()): Promise<CopyOutcome> {
  const copies: ProducedImage[] = [];
  const failures: CopyFailure[] = [];
  const tags = imageTags(req.runId, req.tags);
  const outcomes = await runParallel(
    req.to,
    0,
    async (target, { signal }) => {
      const release = await req.budget.acquireCopySlot(req.cloud, req.account, target.region, signal);
      let copy: ProducedImage | undefined;
      try {
        req.log(`copying ${req.from.imageId} from ${req.from.region} to ${target.region}`);
        signal.throwIfAborted();
        const request = req.provider
          .copyImage({ sourceRegion: req.from.region, sourceImageId: req.from.imageId, targetRegion: target.region, name: target.name, description: target.description, tags })
          .then(({ imageId }) => {
            const accepted: ProducedImage = { region: target.region, imageId, ...(target.projectId ? { projectId: target.projectId } : {}) };
            started.push(accepted);
            req.reporter.resourceCreated({ kind: 'image', id: imageId, region: target.region, tags });
            return accepted;
          });
        inflight.add(request);
        void request.catch(() => undefined).finally(() => inflight.delete(request));
        copy = await request;
        const imageId = copy.imageId;
        await waitFor(async () => {
          const image = await req.provider.describeImage(target.region, imageId, { signal });
          if (image?.state === 'failed') throw new Error(image.failureReason || `copy ${imageId} ended ${image.vendorState}`);
          return image?.state === 'available' ? { done: true, value: undefined } : { done: false, state: image?.vendorState ?? 'not visible yet' };
        }, { step: req.step, what: `copy ${imageId} in ${target.region} to become available`, signal, timeoutMs: req.timeoutMs, pollMs: req.pollMs });
        req.log(`copy ${imageId} in ${target.region} is available`);
        copies.push(copy);
      } catch (err) {
        if (signal.aborted) throw err;
        const error = messageOf(err);
        failures.push({ region: target.region, error });
        req.log(`copy to ${target.region} failed: ${error}`, 'stderr');
        if (copy) {
          // A failed copy is worth nothing; remove it now (the cleanup retries if this fails).
          const failed = copy;
          await req.provider
            .deleteImage(failed.region, failed.imageId, { signal })
            .then(() => {
              req.reporter.resourceDeleted({ kind: 'image', id: failed.imageId, region: failed.region });
              started.splice(started.indexOf(failed), 1);
            })
            .catch(() => undefined);
        }
      } finally {
        release();
      }
    },
    { signal: req.signal },
  );
  req.signal.throwIfAborted();
  // Anything else that escaped (it should not) counts as that region's failure.
  outcomes.forEach((o, i) => {
    const region = req.to[i]!.region;
    if (o.status === 'rejected' && !failures.some((f) => f.region === region)) failures.push({ region, error: messageOf(o.reason) });
  });
  const order = (a: { region: string }, b: { region: string }) => a.region.localeCompare(b.region);
  return { copies: copies.sort(order), failures: failures.sort(order), started };
}
