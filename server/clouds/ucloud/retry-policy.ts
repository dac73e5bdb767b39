import { CLOUD_ERROR_CODES } from '@/server/clouds/cloud-error';

// Which failed UCloud calls may be sent again. The SDKs get this wrong in both directions
// (reference §1.7, §5 #14): the JS SDK repeats everything, creates included; the Go SDK never
// retries throttling (153) but does retry product codes ≥ 2000 such as a quota error.

/** 150 "service temporarily unavailable, retry later", 153 "request throttled". */
export const THROTTLE_RET_CODES: ReadonlySet<number> = new Set([150, 153]);
/** 110 "API response timeout", 130 "gateway or auth service failure": outcome unknown, so idempotent calls only. */
const TRANSIENT_RET_CODES: ReadonlySet<number> = new Set([110, 130]);
const TRANSIENT_HTTP: ReadonlySet<number> = new Set([502, 503, 504]);

export interface FailureFacts {
  code: string;
  retCode?: number;
  httpStatus?: number;
}

/**
 * Throttling (RetCode 150/153, HTTP 429) means the gateway refused the request before any
 * backend saw it, so nothing was created and re-sending is safe even for a create action.
 * Every other transient failure (timeout, dropped connection, 5xx, RetCode 110/130) may have
 * happened after the backend acted: re-sending CreateUHostInstance then could start a second,
 * untracked host, so only idempotent actions (describes, gets, stop, terminate, delete,
 * release, unbind) retry those.
 */
export function isRetryableFailure(f: FailureFacts, idempotent: boolean): boolean {
  if (f.httpStatus === 429 || (f.retCode !== undefined && THROTTLE_RET_CODES.has(f.retCode))) return true;
  if (!idempotent) return false;
  if (f.code === CLOUD_ERROR_CODES.NETWORK_ERROR || f.code === CLOUD_ERROR_CODES.TIMEOUT) return true;
  if (f.httpStatus !== undefined && TRANSIENT_HTTP.has(f.httpStatus)) return true;
  return f.retCode !== undefined && TRANSIENT_RET_CODES.has(f.retCode);
}
