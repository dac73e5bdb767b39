import { RUN_ID_TAG } from '@/server/clouds/provider';

/** Every temporary resource is named after the run, so a person can tell leftovers apart too. */
export const resourceName = (runId: string): string => `rome-build-${runId}`;

/** Tags of every temporary resource: the run id (the reaper's key) and a Name carrying it. */
export const runTags = (runId: string): Record<string, string> => ({ [RUN_ID_TAG]: runId, Name: resourceName(runId) });

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
