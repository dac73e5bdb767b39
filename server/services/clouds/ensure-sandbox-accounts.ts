import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { SYSTEM } from '../audit/record-audit';
import { createCloudAccount } from './create-cloud-account';

// The sandbox cloud's default accounts (see server/sandbox-cloud/accounts.ts): not secrets,
// they only open the local sandbox.
const SANDBOX = {
  ucloud: { keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox' },
  aws: { keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key' },
};

/**
 * On a console with no cloud accounts yet, adds one per cloud pointing at the embedded sandbox,
 * as the console itself (SYSTEM). The sandbox's accounts learn its SSH port on every start: all
 * its hosts answer on that one port, which builds must use instead of the template's.
 */
export async function ensureSandboxAccounts(db: Db, sandboxUrl: string, sshPort: number): Promise<number> {
  await db.update(tables.cloudAccounts).set({ sshPort }).where(eq(tables.cloudAccounts.sandbox, true));
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(tables.cloudAccounts);
  if ((row?.n ?? 0) > 0) return 0;
  const common = { environment: 'sandbox', imagePageSize: 20, syncConcurrency: 4, syncIntervalMinutes: 360, enabled: true };
  await createCloudAccount(db, SYSTEM, { ...common, name: 'sandbox-ucloud', cloud: 'ucloud', ...SANDBOX.ucloud, endpoint: `${sandboxUrl}/ucloud` }, { sandbox: true, sshPort });
  await createCloudAccount(db, SYSTEM, { ...common, name: 'sandbox-aws', cloud: 'aws', ...SANDBOX.aws, endpoint: `${sandboxUrl}/ec2` }, { sandbox: true, sshPort });
  return 2;
}
