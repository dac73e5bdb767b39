// What createProvider takes besides the credentials. Kept apart from provider.ts so the
// interface file stays about the clouds, not about how we run them.

/** Structural subset of a pino logger, so callers pass theirs and this folder reads no env. */
export interface CloudLogger {
  debug(obj: object, msg?: string): void;
}

export interface ProviderOptions {
  logger?: CloudLogger;
  /**
   * First delay of the provider's own internal waits (UCloud terminate: stop, then wait for
   * Stopped); it doubles up to 10× this. Tests shorten it; the default suits the real clouds.
   */
  pollIntervalMs?: number;
  /** Upper bound of such an internal wait before it gives up. */
  waitTimeoutMs?: number;
  /** Region used for account-level EC2 calls (DescribeRegions); any enabled region works. */
  awsHomeRegion?: string;
}

export const DEFAULT_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 15 * 60_000;
