import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxRequest, SandboxResponse } from '../http-types';
import type { RegionSpec } from '../world/types';
import type { ActionClass } from '../world/rate-limiter';
import type { World } from '../world/world';
import { handleIam } from './actions/iam';
import { imageActions } from './actions/images';
import { instanceActions } from './actions/instances';
import { keyPairActions } from './actions/keypairs';
import { networkActions } from './actions/network';
import { regionActions } from './actions/regions';
import { storageActions } from './actions/storage';
import { tagActions } from './actions/tags';
import type { Ec2Action, Ec2Context } from './context';
import { Ec2Error, toEc2Error } from './errors';
import { Params } from './query';
import { parseAuthorization, verifySignature } from './sigv4';
import { errorXml, successXml } from './xml';

// The EC2 Query API front end: authenticate (SigV4), pick the region from the credential
// scope, throttle, inject faults, dispatch on `Action`, and render XML. Everything a client
// can observe about a failure (code, message, status, `x-amzn-requestid`) is decided here or
// in errors.ts.

export const EC2_API_VERSION = '2016-11-15';

const ACTIONS: Record<string, Ec2Action> = {
  ...regionActions,
  ...imageActions,
  ...storageActions,
  ...instanceActions,
  ...networkActions,
  ...keyPairActions,
  ...tagActions,
};

/** Which of AWS's request-token buckets an action draws from. */
function actionClass(action: string): ActionClass {
  if (action === 'CopyImage') return 'copy';
  return action.startsWith('Describe') ? 'describe' : 'mutate';
}

export async function handleEc2(world: World, req: SandboxRequest): Promise<SandboxResponse> {
  const requestId = randomUUID();
  try {
    return await handle(world, req, requestId);
  } catch (err) {
    const e = toEc2Error(err);
    return { status: e.status, headers: xmlHeaders(requestId), body: errorXml(e.code, e.message, requestId) };
  }
}

function xmlHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId };
}

async function handle(world: World, req: SandboxRequest, requestId: string): Promise<SandboxResponse> {
  const params = Params.parse(req.body.toString('utf8'), req.url.searchParams);

  // 1. Who is calling. Neither SDK retries AuthFailure, so a wrong key fails fast.
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) {
    throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials: the request must carry an AWS4-HMAC-SHA256 Authorization header.');
  }
  const account = world.awsAccountByAccessKey(auth.accessKeyId);
  if (!account) throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials');
  const verdict = verifySignature(auth, account.secretAccessKey, {
    method: req.method,
    paths: signedPathCandidates(req.url.pathname),
    query: req.url.searchParams,
    headers: req.headers,
    body: req.body,
  });
  if (!verdict.ok) throw new Ec2Error('AuthFailure', `AWS was not able to validate the provided access credentials (${verdict.reason})`);

  // 2. Which API. Packer sends IAM calls (iam_instance_profile) to the same endpoint.
  if (auth.service === 'iam') return handleIam(account, params, requestId);
  if (auth.service !== 'ec2') throw new Ec2Error('AuthFailure', `Credential should be scoped to correct service: 'ec2' (got '${auth.service}').`);

  // 3. Which action.
  const action = params.str('Action');
  if (!action) throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
  const version = params.str('Version');
  if (!version) throw new Ec2Error('MissingParameter', 'The request must contain the parameter Version');
  if (version !== EC2_API_VERSION) throw new Ec2Error('NoSuchVersion', `The requested version (${version}) of service AmazonEC2 does not exist`);
  const run = ACTIONS[action];
  if (!run) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);

  // 4. Which region: only the credential scope says (one endpoint serves them all).
  const region = regionOf(world, auth.region, action);

  // 5. Throttling and injected faults, before the action touches anything.
  if (!world.rateLimiter.take('aws', account.id, region.id, actionClass(action))) {
    throw new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
  }
  const fault = world.faults.forAction('ec2', action);
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault.error) {
    const code = fault.error.code ?? 'InternalError';
    throw new Ec2Error(code, fault.error.message ?? defaultFaultMessage(code, action));
  }

  const ctx: Ec2Context = { world, account, region, params, requestId };
  const body = await run(ctx);
  return { status: 200, headers: xmlHeaders(requestId), body: successXml(action, requestId, body) };
}

/**
 * The sandbox strips its `/ec2` prefix before calling us, but clients signed the full path
 * (JS v3 sends `/ec2/` for an endpoint ending in `/ec2`; a client pointed at the bare host
 * signs `/`). Any of them is accepted.
 */
function signedPathCandidates(path: string): string[] {
  const candidates = new Set([`/ec2${path}`, path]);
  if (path === '/') candidates.add('/ec2');
  return [...candidates];
}

function regionOf(world: World, id: string, action: string): RegionSpec {
  const region = world.region('aws', id);
  if (region) return region;
  // DescribeRegions answers from any scope: then Packer's region validation can print the
  // list of valid regions instead of an opaque error.
  if (action === 'DescribeRegions') return { cloud: 'aws', id, name: id, zones: [] };
  const known = world.regions('aws').map((r) => r.id);
  throw new Ec2Error('InvalidParameterValue', `The region '${id}' of the request's credential scope is not served here. Valid regions: ${known.join(', ')}`);
}

function defaultFaultMessage(code: string, action: string): string {
  switch (code) {
    case 'InternalError':
      return 'An internal error has occurred';
    case 'Unavailable':
      return 'The service is unavailable. Please try again shortly.';
    case 'RequestLimitExceeded':
      return 'Request limit exceeded.';
    default:
      return `${action} failed (injected fault ${code})`;
  }
}
