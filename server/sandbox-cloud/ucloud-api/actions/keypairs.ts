import { createHash } from 'node:crypto';
import type { KeyPair } from '../../world/types';
import { SandboxError } from '../../world/world';
import type { ActionContext, ActionTable, Payload } from '../context';
import { requireRegion, unixSeconds } from '../context';
import { ApiError, fromSandboxError } from '../errors';
import { page } from '../params';

// Host key pairs (docs uhost-api/create_uhost_key_pair.md, describe_uhost_key_pairs.md,
// delete_uhost_key_pairs.md), so that CreateUHostInstance's LoginMode=KeyPair has something to
// refer to. Key pairs are kept per region, as the world stores them.

function ownKeyPairs(ctx: ActionContext, region: string): KeyPair[] {
  return [...ctx.world.keyPairs.values()].filter((k) => k.cloud === 'ucloud' && k.ownerId === ctx.account.id && k.region === region);
}

/** Docs: md5(ProjectId|KeyPairId|PublicKey). */
function fingerprint(ctx: ActionContext, k: KeyPair): string {
  return createHash('md5').update(`${ctx.projectId}|${k.id}|${k.publicKey}`).digest('hex');
}

function view(ctx: ActionContext, k: KeyPair): Payload {
  return {
    ProjectId: ctx.projectId,
    KeyPairId: k.id,
    KeyPairName: k.name,
    KeyPairFingerPrint: fingerprint(ctx, k),
    CreateTime: unixSeconds(k.createdAt),
  };
}

function createKeyPair(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const name = ctx.params.required('KeyPairName');
  if (name.length > 63) throw ApiError.invalid('KeyPairName', '1-63 characters');
  try {
    const { keyPair, privateKeyPem } = ctx.world.createKeyPair({ cloud: 'ucloud', ownerId: ctx.account.id, region: region.id, name });
    return { KeyPair: { ...view(ctx, keyPair), PrivateKeyBody: privateKeyPem } };
  } catch (err) {
    throw err instanceof SandboxError ? fromSandboxError(err, 'keypair') : err;
  }
}

function describeKeyPairs(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const name = ctx.params.str('KeyPairName');
  const fp = ctx.params.str('KeyPairFingerPrint');
  const all = ownKeyPairs(ctx, region.id)
    .filter((k) => (!name || k.name === name) && (!fp || fingerprint(ctx, k) === fp))
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  // Docs: Limit defaults to 20, at most 100.
  return { TotalCount: all.length, KeyPairs: page(all, ctx.params.paging({ max: 100 })).map((k) => view(ctx, k)) };
}

function deleteKeyPairs(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const ids = ctx.params.list('KeyPairIds');
  if (ids.length === 0) throw ApiError.missing('KeyPairIds.0');
  const own = ownKeyPairs(ctx, region.id);
  for (const id of ids) {
    const k = own.find((x) => x.id === id);
    if (k) ctx.world.deleteKeyPair(k);
  }
  return {};
}

export const keyPairActions: ActionTable = {
  CreateUHostKeyPair: { run: createKeyPair, errors: 'keypair' },
  DescribeUHostKeyPairs: { run: describeKeyPairs, errors: 'keypair' },
  DeleteUHostKeyPairs: { run: deleteKeyPairs, errors: 'keypair' },
};
