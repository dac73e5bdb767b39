import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { createProvider } from '../index';

// A request budget must see every request the SDK sends, its own retries included: a throttled
// request the SDK silently retries would otherwise spend the vendor's tokens uncharged.
describe('EC2 provider: beforeRequest', () => {
  let sandbox: SandboxCloud;
  beforeAll(async () => {
    sandbox = await startSandboxCloud({ sshPort: 20000 + Math.floor(Math.random() * 20000) });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('is awaited before each request of a composite call and before each SDK retry', { timeout: 30_000 }, async () => {
    const provider = createProvider({ cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` });
    const seen: string[] = [];
    const beforeRequest = async (action: string, region: string) => {
      seen.push(`${region} ${action}`);
    };
    const fw = await provider.createFirewall({ region: 'us-east-1', name: 'hook-test', sshPort: 22, sourceCidrs: ['0.0.0.0/0'], tags: {} }, { beforeRequest });
    expect(seen).toEqual(['us-east-1 CreateSecurityGroup', 'us-east-1 AuthorizeSecurityGroupIngress']);

    seen.length = 0;
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ actions: { 'ec2:DeleteSecurityGroup': { code: 'RequestLimitExceeded', times: 2 } } }) });
    await provider.deleteFirewall('us-east-1', fw.id, { beforeRequest });
    // Two throttled attempts, retried by the SDK, then the one that worked.
    expect(seen).toEqual(['us-east-1 DeleteSecurityGroup', 'us-east-1 DeleteSecurityGroup', 'us-east-1 DeleteSecurityGroup']);
    // Without a hook, nothing is called (and nothing breaks).
    await expect(provider.describeImage('us-east-1', 'ami-0c7217cdde317cfec')).resolves.toBeTruthy();
    expect(seen).toHaveLength(3);
  });
});
