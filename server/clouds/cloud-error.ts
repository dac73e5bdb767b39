// The one error type cloud clients throw (STYLE.md habit 3). It is logged and stored with
// build runs, so everything on it must be safe to persist: request parameters are redacted
// when the error is built, never later.

export type CloudProvider = 'ucloud' | 'aws';

/** Codes for failures that carry no provider code of their own (UPPER_SNAKE, like AppError codes). */
export const CLOUD_ERROR_CODES = {
  NETWORK_ERROR: 'NETWORK_ERROR',
  TIMEOUT: 'TIMEOUT',
  EMPTY_RESPONSE: 'EMPTY_RESPONSE',
  INVALID_RESPONSE: 'INVALID_RESPONSE',
} as const;

export const httpStatusCode = (status: number): string => `HTTP_${status}`;

const PROVIDER_LABEL: Record<CloudProvider, string> = { ucloud: 'UCloud', aws: 'AWS' };

export interface CloudApiErrorInit {
  provider: CloudProvider;
  action: string;
  /** Provider error code; for UCloud the RetCode as a string ('171'), else a CLOUD_ERROR_CODES value or `HTTP_<status>`. */
  code: string;
  /** Provider message, without our prefix. */
  detail: string;
  retCode?: number;
  region?: string;
  requestId?: string;
  retryable: boolean;
  httpStatus?: number;
  /** Raw request parameters; redacted here. */
  params?: Record<string, unknown>;
  cause?: unknown;
}

export class CloudApiError extends Error {
  readonly provider: CloudProvider;
  readonly action: string;
  readonly code: string;
  readonly detail: string;
  readonly retCode?: number;
  readonly region?: string;
  readonly requestId?: string;
  readonly retryable: boolean;
  readonly httpStatus?: number;
  readonly params: Record<string, unknown>;

  constructor(init: CloudApiErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CloudApiError';
    this.provider = init.provider;
    this.action = init.action;
    this.code = init.code;
    this.detail = init.detail;
    this.retCode = init.retCode;
    this.region = init.region;
    this.requestId = init.requestId;
    this.retryable = init.retryable;
    this.httpStatus = init.httpStatus;
    this.params = redactParams(init.params ?? {});
  }

  // `message` and `name` are not own enumerable properties of an Error; include them so that
  // JSON logs and stored run records carry them. The cause is left out: it may be a foreign
  // object (a fetch TypeError, a zod issue list) whose contents we do not control.
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      provider: this.provider,
      action: this.action,
      code: this.code,
      retCode: this.retCode,
      region: this.region,
      requestId: this.requestId,
      retryable: this.retryable,
      httpStatus: this.httpStatus,
      params: this.params,
    };
  }
}

function formatMessage(e: CloudApiErrorInit): string {
  const where = e.region ? ` in ${e.region}` : '';
  const request = e.requestId ? ` (request id ${e.requestId})` : '';
  return `${PROVIDER_LABEL[e.provider]} ${e.action} failed${where}: [${e.code}] ${e.detail}${request}`;
}

export const REDACTED = '[redacted]';

// Matched against the last segment of a (possibly flattened) key, case-insensitively, so that
// `Password`, `DiskPassword` and `Foo.0.Password` are all caught. UserData is included because
// cloud-init payloads routinely carry passwords and keys, even though it is only base64.
const SECRET_KEY = /(password|passwd|signature|privatekey|secretkey|secretaccesskey|securitytoken|sessiontoken|userdata)$/i;
const PARTIAL_KEY = /^(publickey|accesskeyid)$/i;

/** Shows only the last 4 characters of an identifying-but-sensitive value such as a PublicKey. */
export function maskTail(value: string): string {
  return value.length > 4 ? `…${value.slice(-4)}` : '…';
}

/** A copy of `params` safe to log or store; nested arrays and objects are walked. */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[key] = redactValue(key, value);
  return out;
}

function redactValue(key: string, value: unknown): unknown {
  const last = key.split('.').pop() ?? key;
  if (value === undefined || value === null) return value;
  if (SECRET_KEY.test(last)) return REDACTED;
  if (PARTIAL_KEY.test(last)) return maskTail(String(value));
  if (Array.isArray(value)) return value.map((v) => redactValue(last, v));
  if (typeof value === 'object') return redactParams(value as Record<string, unknown>);
  return value;
}

export const isCloudApiError = (err: unknown): err is CloudApiError => err instanceof CloudApiError;

// UCloud: 54002 firewall (and NAT GW/VPN) not found, 58103 VPC peering not found, UNet 4210
// resource does not exist, 8039 host already deleted — all "nothing to clean up" for a cleanup.
// Describe actions mostly answer an unknown id with an empty set instead; callers check that.
const UCLOUD_NOT_FOUND = new Set([54002, 58103, 4210, 8039]);
const UCLOUD_THROTTLED = new Set([150, 153]);
const AWS_THROTTLED = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled', 'SlowDown']);

export function isNotFound(err: unknown): boolean {
  if (!isCloudApiError(err)) return false;
  if (err.provider === 'ucloud') return err.retCode !== undefined && UCLOUD_NOT_FOUND.has(err.retCode);
  // EC2 spells these `InvalidInstanceID.NotFound`, `InvalidAMIID.NotFound`, `InvalidGroup.NotFound`, …
  return /NotFound$/.test(err.code);
}

export function isThrottled(err: unknown): boolean {
  if (!isCloudApiError(err)) return false;
  if (err.httpStatus === 429) return true;
  if (err.provider === 'ucloud') return err.retCode !== undefined && UCLOUD_THROTTLED.has(err.retCode);
  return AWS_THROTTLED.has(err.code);
}
