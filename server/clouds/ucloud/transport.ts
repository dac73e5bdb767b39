import { CLOUD_ERROR_CODES, CloudApiError, httpStatusCode } from '@/server/clouds/cloud-error';
import { isRetryableFailure } from './retry-policy';
import { ZEnvelope, type TEnvelope } from './schemas';
import { flattenParams, signParams, type FlatParams } from './signature';

// One signed POST to the UCloud gateway and the envelope check (reference §1.2, §1.5). No
// retries here: the client decides, per action, whether a failure is worth another attempt.

export interface TransportConfig {
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
  userAgent: string;
}

export interface SendContext {
  action: string;
  /** For error messages; the Region parameter itself is already in `params`. */
  region?: string;
  idempotent: boolean;
  signal?: AbortSignal;
}

export interface SendResult {
  body: TEnvelope;
  requestId?: string;
  httpStatus: number;
}

export const REQUEST_ID_HEADER = 'x-ucloud-request-uuid';

export async function send(config: TransportConfig, params: Record<string, unknown>, ctx: SendContext): Promise<SendResult> {
  const flat: FlatParams = flattenParams({ ...params, Action: ctx.action, PublicKey: config.publicKey });
  const body = { ...flat, Signature: signParams(flat, config.privateKey) };

  const fail = (f: { code: string; detail: string; retCode?: number; httpStatus?: number; requestId?: string; cause?: unknown }) =>
    new CloudApiError({
      provider: 'ucloud',
      action: ctx.action,
      region: ctx.region,
      params: flat,
      retryable: isRetryableFailure(f, ctx.idempotent),
      ...f,
    });

  const timeout = AbortSignal.timeout(config.timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    // Flat keys with JSON types, as the JS SDK sends them; the gateway accepts JSON bodies and
    // whether it would take nested JSON is unconfirmed (reference §6).
    res = await config.fetch(config.baseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': config.userAgent, 'U-Timestamp-Ms': String(Date.now()) },
      body: JSON.stringify(body),
      signal,
    });
    text = await res.text();
  } catch (err) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    if (timeout.aborted) throw fail({ code: CLOUD_ERROR_CODES.TIMEOUT, detail: `no response within ${config.timeoutMs} ms`, cause: err });
    throw fail({ code: CLOUD_ERROR_CODES.NETWORK_ERROR, detail: describeCause(err), cause: err });
  }

  const requestId = res.headers.get(REQUEST_ID_HEADER) ?? undefined;
  const httpStatus = res.status;
  const parsed = parseJson(text);

  if (httpStatus >= 400) {
    const message = parsed.ok && typeof parsed.value.Message === 'string' ? parsed.value.Message : res.statusText || truncate(text);
    throw fail({ code: httpStatusCode(httpStatus), detail: `HTTP ${httpStatus}: ${message}`, httpStatus, requestId });
  }
  if (text.trim() === '') throw fail({ code: CLOUD_ERROR_CODES.EMPTY_RESPONSE, detail: 'response body is empty', httpStatus, requestId });
  if (!parsed.ok) throw fail({ code: CLOUD_ERROR_CODES.INVALID_RESPONSE, detail: `response is not a JSON object: ${truncate(text)}`, httpStatus, requestId });

  const envelope = ZEnvelope.safeParse(parsed.value);
  if (!envelope.success) {
    throw fail({ code: CLOUD_ERROR_CODES.INVALID_RESPONSE, detail: 'response has no numeric RetCode', httpStatus, requestId });
  }
  const { RetCode, Message } = envelope.data;
  if (RetCode !== 0) {
    throw fail({ code: String(RetCode), retCode: RetCode, detail: Message || 'no message', httpStatus, requestId });
  }
  return { body: envelope.data, requestId, httpStatus };
}

type JsonObject = Record<string, unknown>;

function parseJson(text: string): { ok: true; value: JsonObject } | { ok: false } {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false };
    return { ok: true, value: dropNulls(value) as JsonObject };
  } catch {
    return { ok: false };
  }
}

// UCloud backends send `null` for empty fields now and then; treating null as absent lets the
// schemas say `.optional()` once instead of `.nullish()` everywhere (the Go SDK decodes null to
// the zero value, to the same effect).
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(dropNulls);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const inner = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${inner}`;
  }
  return String(err);
}

const truncate = (s: string, max = 200): string => (s.length > max ? `${s.slice(0, max)}…` : s);
