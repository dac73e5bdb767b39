import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../http-types';
import type { ActionClass } from '../world/rate-limiter';
import type { World } from '../world/world';
import { accountActions } from './actions/account';
import { discoveryActions } from './actions/discovery';
import { hostActions } from './actions/hosts';
import { imageActions } from './actions/images';
import { keyPairActions } from './actions/keypairs';
import { networkActions } from './actions/network';
import { defaultProjectId, type ActionTable, type Payload } from './context';
import { ApiError, RetCode, toApiError } from './errors';
import { flatten, Params } from './params';
import { verifySignature } from './signature';

// The UCloud API front end of the sandbox cloud. One URL, the operation chosen by `Action`
// (reference §1.1–1.6): parse → Action known? → signed by a known key? → project → rate
// limit → injected faults → run. Every answer is HTTP 200 with the JSON envelope
// { RetCode, Action: '<Action>Response', Message | payload… } and an X-UCLOUD-REQUEST-UUID
// header, as the real gateway answers.

const ACTIONS: ActionTable = {
  ...accountActions,
  ...imageActions,
  ...hostActions,
  ...keyPairActions,
  ...networkActions,
  ...discoveryActions,
};

/** Which token bucket an action draws from: reads, image copies, or other mutations. */
function actionClass(action: string): ActionClass {
  if (action.startsWith('Describe') || action.startsWith('Get')) return 'describe';
  if (action === 'CopyCustomImage') return 'copy';
  return 'mutate';
}

/**
 * Request parameters from the query string and the body. The Go SDK posts a form body *and*
 * appends `?Action=` to the URL, so both are read (the body wins on a clash). JSON bodies may be
 * flat (`"Disks.0.Type"`, what the JS SDK sends) or nested; nested ones are flattened the way
 * the SDKs flatten before signing.
 */
function readParams(req: SandboxRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) params[k] = v;
  const text = req.body.toString('utf8');
  if (text.trim() === '') return params;
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const looksJson = contentType.includes('json') || (!contentType.includes('form') && text.trimStart().startsWith('{'));
  if (looksJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(RetCode.BAD_PARAMS, 'Params not available: the request body is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ApiError(RetCode.BAD_PARAMS, 'Params not available: the JSON body must be an object');
    }
    Object.assign(params, flatten(parsed));
  } else {
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
  }
  return params;
}

function respond(action: string | undefined, retCode: number, fields: Record<string, unknown>, requestId: string): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'X-UCLOUD-REQUEST-UUID': requestId },
    body: JSON.stringify({ RetCode: retCode, Action: `${action ?? ''}Response`, ...fields }),
  };
}

export async function handleUCloud(world: World, req: SandboxRequest): Promise<SandboxResponse> {
  const requestId = randomUUID();
  let action: string | undefined;
  try {
    if (req.method !== 'GET' && req.method !== 'POST') {
      return { status: 405, headers: { allow: 'GET, POST', 'content-type': 'text/plain' }, body: 'UCloud API accepts GET and POST' };
    }
    const raw = readParams(req);
    action = raw.Action || undefined;
    if (!action) throw new ApiError(RetCode.MISSING_ACTION, 'Missing Action');
    const spec = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!spec) throw new ApiError(RetCode.NO_SUCH_ACTION, `Action [${action}] does not exist`);

    const signature = raw.Signature;
    if (!signature) throw new ApiError(RetCode.MISSING_SIGNATURE, 'Missing signature');
    const account = raw.PublicKey ? world.ucloudAccountByPublicKey(raw.PublicKey) : undefined;
    if (!account) throw new ApiError(RetCode.NO_SUCH_USER, 'User does not exist');
    if (!verifySignature(raw, account.privateKey, signature)) {
      throw new ApiError(RetCode.BAD_SIGNATURE, 'Signature VerifyAC Error');
    }

    const requestedProject = raw.ProjectId || undefined;
    if (requestedProject !== undefined && !account.projects.some((p) => p.id === requestedProject)) {
      throw new ApiError(RetCode.NO_SUCH_PROJECT, `Project [${requestedProject}] does not exist`);
    }
    const projectId = requestedProject ?? defaultProjectId(account);

    // Budgets are per account and region (non-regional actions share one "global" bucket).
    if (!world.rateLimiter.take('ucloud', account.id, raw.Region || 'global', actionClass(action))) {
      throw new ApiError(RetCode.THROTTLED, `Request throttled: too many ${action} requests, please retry later`);
    }

    const fault = world.faults.forAction('ucloud', action);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.error) {
      const code = fault.error.code !== undefined && /^\d+$/.test(fault.error.code) ? Number(fault.error.code) : RetCode.UNAVAILABLE;
      throw new ApiError(code, fault.error.message ?? 'Service temporarily unavailable, please retry later');
    }

    let payload: Payload;
    try {
      payload = await spec.run({ world, account, projectId, params: new Params(raw), action });
    } catch (err) {
      throw toApiError(err, spec.errors);
    }
    return respond(action, RetCode.OK, payload, requestId);
  } catch (err) {
    const apiError = toApiError(err, 'other');
    return respond(action, apiError.retCode, { Message: apiError.message }, requestId);
  }
}
