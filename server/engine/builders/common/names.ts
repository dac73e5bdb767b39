import { RUN_ID_TAG } from '@/server/clouds/provider';

/** Every temporary resource is named after the run, so a person can tell leftovers apart too. */
export const resourceName = (runId: string): string => `rome-build-${runId}`;

/** Tags of every temporary resource: the run id (the reaper's key) and a Name carrying it. */
export const runTags = (runId: string): Record<string, string> => ({ [RUN_ID_TAG]: runId, Name: resourceName(runId) });

/**
 * Tags of a produced image (and its copies): the template's `tags` as written, like Packer, which
 * adds no Name tag of its own to an AMI, plus the run id (the reaper's key, which always wins).
 */
export const imageTags = (runId: string, tags: Record<string, string> = {}): Record<string, string> => ({ ...tags, [RUN_ID_TAG]: runId });

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
