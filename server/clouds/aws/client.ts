import { AsyncLocalStorage } from 'node:async_hooks';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CLOUD_ERROR_CODES, CloudApiError, httpStatusCode, isCloudApiError } from '@/server/clouds/cloud-error';

// A thin layer over @aws-sdk/client-ec2: one client per region (SigV4 signs with the region,
// so a client cannot be shared across regions), the SDK's standard retry strategy, and the
// conversion of SDK exceptions into our CloudApiError. Everything EC2-specific about actions
// lives in provider.ts.

export interface Ec2ClientOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The sandbox cloud (http://127.0.0.1:4600/ec2) or another EC2-compatible endpoint. */
  endpoint?: string;
  /** Total attempts per call, first included. */
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The caller's per-request hook (CallOptions.beforeRequest) for the SDK call running in this
 * async context: provider.ts runs each call inside it, and the middleware below awaits it before
 * every attempt the SDK sends — its own retries included, so they queue on a request budget too.
 */
export const requestHook = new AsyncLocalStorage<(action: string, region: string) => Promise<void>>();

export function createEc2Client(opts: Ec2ClientOptions): EC2Client {
  const client = new EC2Client({
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    // "standard": exponential backoff with jitter and a retry-token bucket, so a throttled
    // account backs off instead of hammering. It retries throttling codes, 5xx and transient
    // network errors only — never a 4xx such as InvalidAMIName.Duplicate.
    retryMode: 'standard',
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
  // Inside the retry middleware (finalizeRequest, low priority): once per attempt.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const hook = requestHook.getStore();
      if (hook) await hook(String(context.commandName ?? '').replace(/Command$/, ''), opts.region);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'romeBeforeRequest' },
  );
  return client;
}

/** Lazily made clients, one per region, for the life of one provider. */
export class Ec2ClientPool {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly base: Omit<Ec2ClientOptions, 'region'>) {}

  get(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = createEc2Client({ ...this.base, region });
      this.clients.set(region, client);
    }
    return client;
  }

  /** Closes the clients' keep-alive sockets. */
  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}

/** The fields of an SDK service exception we read (ServiceException from @smithy/smithy-client). */
interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
}

// Waiting helps for these even though the SDK does not retry them itself: DependencyViolation
// ends when the instance using a security group is terminated; IncorrectInstanceState when a
// transition finishes; the Unavailable/Limit codes when capacity frees up.
const RETRY_LATER_CODES = new Set([
  'DependencyViolation',
  'IncorrectInstanceState',
  // Briefly, right after the AMI that used the snapshot was deregistered.
  'InvalidSnapshot.InUse',
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequestsException',
  'ResourceLimitExceeded',
  'InsufficientInstanceCapacity',
  'InternalError',
  'Unavailable',
  'ServiceUnavailable',
]);

const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * Converts whatever the SDK threw into a CloudApiError. `params` is the command input; it is
 * redacted by CloudApiError (the access key id is masked, secrets dropped) and never holds the
 * secret key, which lives only in the client's credential provider.
 */
export function toCloudApiError(err: unknown, action: string, region?: string, params?: Record<string, unknown>): CloudApiError {
  if (isCloudApiError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const detail = e.message || 'no message';
  const base = { provider: 'aws' as const, action, region, params, cause: err, requestId: e.$metadata?.requestId };

  if (status === undefined) {
    // No HTTP answer: a socket error, a timeout, or a failure before sending (credentials).
    const timeout = e.name === 'TimeoutError' || e.code === 'ETIMEDOUT';
    const network = timeout || NETWORK_ERROR_CODES.has(e.code ?? '') || e.name === 'NetworkingError';
    return new CloudApiError({
      ...base,
      code: timeout ? CLOUD_ERROR_CODES.TIMEOUT : network ? CLOUD_ERROR_CODES.NETWORK_ERROR : (e.name ?? CLOUD_ERROR_CODES.NETWORK_ERROR),
      detail,
      retryable: network,
    });
  }

  // The SDK names the exception after the EC2 error code; a body it could not parse leaves a
  // generic name, for which the HTTP status is the better code.
  const generic = !e.name || e.name === 'Error' || e.name === 'UnknownError' || e.name === 'EC2ServiceException';
  const code = generic || !e.name ? httpStatusCode(status) : e.name;
  const retryable = e.$retryable !== undefined || status === 429 || status >= 500 || RETRY_LATER_CODES.has(code);
  return new CloudApiError({ ...base, code, detail, httpStatus: status, retryable });
}
