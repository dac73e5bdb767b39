import { readTagSpecifications, tagSet } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { Ec2Error } from '../errors';
import { applyFilters } from '../filters';
import { readFilters } from '../query';
import type { XmlObject } from '../xml';
import type { KeyPair } from '../../world/types';
import { SandboxError } from '../../world/world';

// Key pairs. Packer creates `packer_<uuid>`, keeps `keyMaterial` (an unencrypted PKCS#1 PEM,
// parsed only when its SSH communicator connects) and deletes the pair at the end. The world
// generates RSA keys and keeps only the public half, as EC2 does.

function ownKeyPairs(ctx: Ec2Context): KeyPair[] {
  return [...ctx.world.keyPairs.values()].filter((k) => k.cloud === 'aws' && k.region === ctx.region.id && k.ownerId === ctx.account.id);
}

const KEY_NAME = /^[\x20-\x7E]{1,255}$/;

const createKeyPair: Ec2Action = (ctx) => {
  const { params } = ctx;
  const name = params.required('KeyName');
  if (!KEY_NAME.test(name)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${name}' for KeyName: ASCII characters only, at most 255`);
  const keyType = params.str('KeyType') ?? 'rsa';
  if (keyType !== 'rsa') {
    // The world only makes RSA keys; saying so beats handing back a key of the wrong type.
    throw new Ec2Error('InvalidParameterValue', `Invalid value '${keyType}' for KeyType: the sandbox cloud creates rsa key pairs only`);
  }
  const format = params.str('KeyFormat') ?? 'pem';
  if (format !== 'pem') throw new Ec2Error('InvalidParameterValue', `Invalid value '${format}' for KeyFormat: the sandbox cloud returns pem only`);
  const tags = readTagSpecifications(params, ['key-pair']);
  try {
    const { keyPair, privateKeyPem } = ctx.world.createKeyPair({ cloud: 'aws', ownerId: ctx.account.id, region: ctx.region.id, name, tags: tags['key-pair'] });
    return {
      keyName: keyPair.name,
      keyFingerprint: keyPair.fingerprint,
      keyMaterial: privateKeyPem.trimEnd(),
      keyPairId: keyPair.id,
      tagSet: tagSet(keyPair.tags),
    };
  } catch (err) {
    if (err instanceof SandboxError && err.kind === 'DUPLICATE') throw new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
    throw err;
  }
};

/** Deleting a key pair that does not exist succeeds, as on AWS (and moto). */
const deleteKeyPair: Ec2Action = (ctx) => {
  const name = ctx.params.str('KeyName');
  const id = ctx.params.str('KeyPairId');
  if (!name && !id) throw new Ec2Error('MissingParameter', 'The request must contain the parameter KeyName or KeyPairId');
  const keyPair = ownKeyPairs(ctx).find((k) => (id ? k.id === id : k.name === name));
  if (keyPair) ctx.world.deleteKeyPair(keyPair);
  return { return: true, keyPairId: keyPair?.id };
};

function keyPairView(k: KeyPair, includePublicKey: boolean): XmlObject {
  return {
    keyPairId: k.id,
    keyName: k.name,
    keyFingerprint: k.fingerprint,
    keyType: 'rsa',
    createTime: new Date(k.createdAt),
    publicKey: includePublicKey ? `${k.publicKey} ${k.name}` : undefined,
    tagSet: tagSet(k.tags),
  };
}

const describeKeyPairs: Ec2Action = (ctx) => {
  const { params } = ctx;
  const names = params.list('KeyName');
  const ids = params.list('KeyPairId');
  let keys = ownKeyPairs(ctx);
  for (const n of names) if (!keys.some((k) => k.name === n)) throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`);
  for (const id of ids) if (!keys.some((k) => k.id === id)) throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair ID '${id}' does not exist`);
  if (names.length || ids.length) keys = keys.filter((k) => names.includes(k.name) || ids.includes(k.id));
  keys = applyFilters(
    keys,
    readFilters(params),
    {
      'key-name': (k) => k.name,
      'key-pair-id': (k) => k.id,
      fingerprint: (k) => k.fingerprint,
      'key-type': () => 'rsa',
    },
    (k) => k.tags,
  );
  keys.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { keySet: keys.map((k) => keyPairView(k, params.bool('IncludePublicKey') ?? false)) };
};

export const keyPairActions: Record<string, Ec2Action> = {
  CreateKeyPair: createKeyPair,
  DeleteKeyPair: deleteKeyPair,
  DescribeKeyPairs: describeKeyPairs,
};
