// The build worker's settings from the environment (BUILD_* in server/env.ts): engine timings
// and the shared limits, for `npm run worker` and the console's embedded worker alike.
import { env, type Env } from '@/server/env';
import type { BuildEngineSettings } from '@/server/services/builds/run-build';

export function buildWorkerSettings(e: Env = env()): { buildRunsAtOnce?: number; buildStaleAfterSeconds?: number; build: BuildEngineSettings } {
  const timing = { ...(e.BUILD_POLL_MS !== undefined ? { pollMs: e.BUILD_POLL_MS } : {}), ...(e.BUILD_HOST_TIMEOUT_MS !== undefined ? { hostTimeoutMs: e.BUILD_HOST_TIMEOUT_MS } : {}) };
  const shared = {
    ...(e.BUILD_API_BUDGET_SCALE !== undefined ? { apiBudgetScale: e.BUILD_API_BUDGET_SCALE } : {}),
    ...(e.BUILD_TOKEN_LEASE_MS !== undefined ? { tokenLeaseMs: e.BUILD_TOKEN_LEASE_MS } : {}),
    ...(e.BUILD_COPY_SLOT_LEASE_MS !== undefined ? { copySlotLeaseMs: e.BUILD_COPY_SLOT_LEASE_MS } : {}),
    ...(e.BUILD_RUN_SLOT_LEASE_MS !== undefined ? { runSlotLeaseMs: e.BUILD_RUN_SLOT_LEASE_MS } : {}),
    ...(e.BUILD_RUN_SLOT_RETRY_SECONDS !== undefined ? { runSlotRetrySeconds: e.BUILD_RUN_SLOT_RETRY_SECONDS } : {}),
  };
  return {
    ...(e.BUILD_RUNS_AT_ONCE !== undefined ? { buildRunsAtOnce: e.BUILD_RUNS_AT_ONCE } : {}),
    ...(e.BUILD_STALE_SECONDS !== undefined ? { buildStaleAfterSeconds: e.BUILD_STALE_SECONDS } : {}),
    build: {
      timing,
      shared,
      ...(e.BUILD_CLEANUP_RETRY_DELAY_MS !== undefined ? { cleanupRetryDelayMs: e.BUILD_CLEANUP_RETRY_DELAY_MS } : {}),
      ...(e.BUILD_CANCEL_POLL_MS !== undefined ? { cancelPollMs: e.BUILD_CANCEL_POLL_MS } : {}),
    },
  };
}
