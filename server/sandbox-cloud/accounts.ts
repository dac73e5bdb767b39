import type { Account } from './world/types';

// The accounts a newcomer and the tests use; flags and environment variables add more.
export const DEFAULT_ACCOUNTS: Account[] = [
  {
    cloud: 'ucloud',
    id: 'ucloud-sandbox',
    publicKey: 'sandbox-public-key',
    privateKey: 'sandbox-private-key',
    projects: [{ id: 'org-sandbox', name: 'Default', isDefault: true }],
  },
  { cloud: 'aws', id: '111122223333', accessKeyId: 'AKIASANDBOX000000000', secretAccessKey: 'sandbox-secret-key' },
];

/** Parses account flags like "pk:sk:org-x" into sandbox accounts. */
export function parseAccounts(ucloud: string[], aws: string[]): Account[] {
  const out: Account[] = [];
  ucloud.forEach((spec, i) => {
    const [publicKey, privateKey, projectId = `org-extra${i + 1}`] = spec.split(':');
    if (!publicKey || !privateKey) throw new Error(`bad --ucloud-account ${spec}: want publicKey:privateKey[:projectId]`);
    out.push({ cloud: 'ucloud', id: `ucloud-${publicKey}`, publicKey, privateKey, projects: [{ id: projectId, name: 'Default', isDefault: true }] });
  });
  aws.forEach((spec, i) => {
    const [accessKeyId, secretAccessKey, ownerId = String(222233334444 + i)] = spec.split(':');
    if (!accessKeyId || !secretAccessKey) throw new Error(`bad --aws-account ${spec}: want accessKeyId:secretAccessKey[:ownerId]`);
    out.push({ cloud: 'aws', id: ownerId, accessKeyId, secretAccessKey });
  });
  return out;
}

