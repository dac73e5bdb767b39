// The API budget every run of this worker process spends, backed by the database so that all
// workers of one database share each account's buckets and copy slots.
import type { Db } from '@/db';
import { ApiBudget } from '@/server/engine/scheduler/api-budget';
import { DbBudgetStore, type SharedBudgetOptions } from './shared-api-budget';

export interface SharedLimitsSettings extends SharedBudgetOptions {
  /**
   * Multiplies the vendors' published budgets (ApiBudget's `scale`): a share of an account that
   * other tools use too, or a sandbox started with tight limits (its rateLimitScale). Default 1.
   */
  apiBudgetScale?: number;
  /** Lease of a run's account slot, renewed while it runs (default 60 s). */
  runSlotLeaseMs?: number;
  /** How long a run that found its account's slots all taken waits queued before it looks again (default 10 s). */
  runSlotRetrySeconds?: number;
}

const BUDGETS = new WeakMap<Db, ApiBudget>();

/**
 * One budget per database handle in this process (the first caller's settings make it): runs
 * side by side share it, and through the store, every other worker's runs too. A fresh budget
 * per run would multiply the vendor's limits.
 */
export function processApiBudget(db: Db, settings: SharedLimitsSettings = {}): ApiBudget {
  let budget = BUDGETS.get(db);
  if (!budget) {
    budget = new ApiBudget({ store: new DbBudgetStore(db, settings), ...(settings.apiBudgetScale !== undefined ? { scale: settings.apiBudgetScale } : {}) });
    BUDGETS.set(db, budget);
  }
  return budget;
}
