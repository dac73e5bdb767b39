import type { TSyncErrorCode } from '@/server/api/schemas/clouds';
import { CLOUD_ERROR_CODES, isCloudApiError, isThrottled } from '@/server/clouds/cloud-error';
import { AppError } from '@/server/lib/errors';
import { SecretUnreadableError } from './secret-box';

// Console-level reasons (SYNC_ERROR_CODES in the shared schemas): the UI translates them and
// shows the vendor's own message under them. Stored in inventory_sync_jobs.error_code.
export type SyncErrorCode = TSyncErrorCode;

// UCloud: 170 missing signature, 171 bad signature, 172 no such user (public key), 292 no such
// project. EC2: the codes its docs list for unusable credentials.
const UCLOUD_AUTH = new Set([170, 171, 172, 292]);
const AWS_AUTH = new Set(['AuthFailure', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnauthorizedOperation', 'InvalidAccessKeyId', 'OptInRequired']);

export interface SyncErrorInfo {
  code: SyncErrorCode;
  /** The vendor's words (CloudApiError messages carry provider, action, code and request id, never keys). */
  message: string;
  /** Worth another attempt later (network, throttling, the vendor's 5xx). */
  retryable: boolean;
}

export function describeSyncError(err: unknown): SyncErrorInfo {
  if (err instanceof SecretUnreadableError) {
    return { code: 'SECRET_UNREADABLE', message: `${err.message}; re-enter the keys or restore the key the console was started with.`, retryable: false };
  }
  if (err instanceof AppError && err.code === 'NOT_FOUND') return { code: 'ACCOUNT_NOT_FOUND', message: err.userMessage, retryable: false };
  if (isCloudApiError(err)) {
    const auth = err.provider === 'ucloud' ? err.retCode !== undefined && UCLOUD_AUTH.has(err.retCode) : AWS_AUTH.has(err.code) || err.httpStatus === 401 || err.httpStatus === 403;
    if (auth) return { code: 'CLOUD_AUTH_FAILED', message: err.message, retryable: false };
    if (isThrottled(err)) return { code: 'CLOUD_THROTTLED', message: err.message, retryable: true };
    const network = err.code === CLOUD_ERROR_CODES.NETWORK_ERROR || err.code === CLOUD_ERROR_CODES.TIMEOUT;
    if (network) return { code: 'CLOUD_UNREACHABLE', message: err.message, retryable: true };
    return { code: 'CLOUD_ERROR', message: err.message, retryable: err.retryable };
  }
  const message = err instanceof Error ? err.message : String(err);
  // fetch() and sockets below the cloud clients (e.g. a refused connection before any answer).
  const errno = (err as { code?: string; cause?: { code?: string } } | null)?.cause?.code ?? (err as { code?: string } | null)?.code;
  if (errno && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_)/.test(errno)) {
    return { code: 'CLOUD_UNREACHABLE', message: `Could not reach the cloud: ${message}`, retryable: true };
  }
  return { code: 'INTERNAL', message, retryable: false };
}
