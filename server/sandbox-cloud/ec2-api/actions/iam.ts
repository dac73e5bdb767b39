import { createHash } from 'node:crypto';
import type { SandboxResponse } from '../../http-types';
import type { Params } from '../query';
import { iamErrorXml, iamSuccessXml } from '../xml';
import type { AwsAccount } from '../../world/types';

// Packer's `iam_instance_profile` makes it call IAM GetInstanceProfile at the same custom
// endpoint (scope service `iam`) and only checks for an error. The world has no IAM, so every
// well-formed profile name exists. IAM speaks the classic Query layout, not EC2's.

const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;

export function handleIam(account: AwsAccount, params: Params, requestId: string): SandboxResponse {
  const reply = (status: number, body: string): SandboxResponse => ({
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body,
  });
  const fail = (status: number, code: string, message: string) => reply(status, iamErrorXml(code, message, requestId, status >= 500 ? 'Receiver' : 'Sender'));

  const action = params.str('Action');
  if (!action) return fail(400, 'MissingAction', 'The request must contain the parameter Action');
  if (params.str('Version') !== '2010-05-08') return fail(400, 'NoSuchVersion', `The requested version (${params.str('Version') ?? ''}) of service IAM does not exist`);
  if (action !== 'GetInstanceProfile') return fail(400, 'InvalidAction', `The action ${action} is not valid for this web service (the sandbox cloud answers IAM GetInstanceProfile only).`);

  const name = params.str('InstanceProfileName');
  if (!name) return fail(400, 'ValidationError', "1 validation error detected: Value null at 'instanceProfileName' failed to satisfy constraint: Member must not be null");
  if (!PROFILE_NAME.test(name)) return fail(400, 'ValidationError', `The specified value for instanceProfileName is invalid: ${name}`);
  return reply(
    200,
    iamSuccessXml('GetInstanceProfile', requestId, {
      InstanceProfile: {
        InstanceProfileName: name,
        InstanceProfileId: `AIPA${createHash('sha256').update(`${account.id}|${name}`).digest('hex').slice(0, 17).toUpperCase()}`,
        Arn: `arn:aws:iam::${account.id}:instance-profile/${name}`,
        Path: '/',
        CreateDate: new Date(Date.UTC(2026, 0, 1)),
        Roles: [],
      },
    }),
  );
}
