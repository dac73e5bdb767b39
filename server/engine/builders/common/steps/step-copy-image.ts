import type { CloudKind } from '@/server/clouds/provider';
import type { Step } from '../../../runner/step';
import { copyToRegions } from '../copy';
import type { BuildEnv, HostBuildState, ProducedImage } from '../types';

export interface CopyTarget {
  region: string;
  name: string;
  description?: string;
  projectId?: string;
}

/**
 * Copies the image to the template's other regions. Never halts the run for a failed copy: the
 * run succeeds with `copyFailures` (the console offers to redo them). A cancel deletes every copy.
 */
export function stepCopyImage<S extends HostBuildState>(env: BuildEnv, cloud: CloudKind, opts: { targets: (state: S) => CopyTarget[]; timeoutMs: number; pollMs?: number; tags?: (state: S) => Record<string, string> }): Step<S> {
  const name = 'copy-image';
  const started: ProducedImage[] = [];
  const inflight = new Set<Promise<unknown>>();
  return {
    name,
    async run(state, { signal, log, reporter }) {
      const targets = opts.targets(state);
      if (targets.length === 0 || !state.imageId) return log('no copy regions');
      const out = await copyToRegions(
        {
          provider: env.provider, cloud, budget: env.budget, account: env.account, runId: env.runId,
          from: { region: state.region, imageId: state.imageId }, to: targets, tags: opts.tags?.(state),
          signal, log, reporter, timeoutMs: opts.timeoutMs, pollMs: opts.pollMs ?? env.timing.pollMs, step: name,
        },
        started,
        inflight,
      );
      state.copies = out.copies;
      state.copyFailures = out.failures;
      if (out.failures.length > 0) log(`${out.failures.length} of ${targets.length} copies failed: ${out.failures.map((f) => f.region).join(', ')}`, 'stderr');
    },
    async cleanup(state, { signal, log, reporter, outcome }) {
      await Promise.allSettled([...inflight]);
      const good = new Set(state.copies.map((c) => `${c.region}/${c.imageId}`));
      for (const copy of [...started]) {
        if (outcome === 'succeeded' && good.has(`${copy.region}/${copy.imageId}`)) {
          reporter.artifact({ kind: 'image', id: copy.imageId, region: copy.region, sourceRegion: state.region });
          started.splice(started.indexOf(copy), 1);
          continue;
        }
        log(`deleting copy ${copy.imageId} in ${copy.region}`);
        await env.provider.deleteImage(copy.region, copy.imageId, { signal });
        reporter.resourceDeleted({ kind: 'image', id: copy.imageId, region: copy.region });
        started.splice(started.indexOf(copy), 1);
      }
    },
  };
}
