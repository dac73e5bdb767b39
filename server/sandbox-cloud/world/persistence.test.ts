import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DEFAULT_ACCOUNTS } from '../accounts';
import { startSandboxCloud } from '../server';
import { loadState, saveState } from './persistence';
import { World } from './world';

const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-state-'));
const file = path.join(dir, 'state.json');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('--state persistence', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('brings back hosts with their disks, custom images and key pairs after a restart', async () => {
    const first = new World({ accounts: DEFAULT_ACCOUNTS, timeScale: 0.05 });
    const host = await first.createHost({
      cloud: 'aws',
      ownerId: '111122223333',
      region: 'us-east-1',
      zone: 'us-east-1a',
      imageId: 'ami-0c7217cdde317cfec',
      machineType: 't3.small',
      cpu: 2,
      memoryMb: 2048,
      bootDiskType: 'gp2',
      name: 'persisted',
      login: {},
      securityGroupIds: [],
      tags: { run: 'persist-test' },
    });
    await wait(300);
    await first.hostFs(host.id)!.writeFile('/opt/marker', 'still here');
    first.stopHost(host);
    await wait(300);
    const image = await first.createImage(host, { name: 'persisted-image' });
    const { keyPair } = first.createKeyPair({ cloud: 'aws', ownerId: '111122223333', region: 'us-east-1', name: 'persisted-key' });
    await saveState(first, file);
    await first.close();

    const second = new World({ accounts: DEFAULT_ACCOUNTS, timeScale: 0.05 });
    await loadState(second, file);
    expect(second.hosts.get(host.id)?.state).toBe('stopped');
    expect(second.hosts.get(host.id)?.tags).toEqual({ run: 'persist-test' });
    expect(await second.hostFs(host.id)!.readFile('/opt/marker')).toBe('still here');
    expect(second.images.get(image.id)).toMatchObject({ name: 'persisted-image', state: 'available' });
    expect(second.keyPairs.get(keyPair.id)?.name).toBe('persisted-key');
    expect(second.resources().map((r) => r.id)).toEqual(expect.arrayContaining([host.id, image.id, keyPair.id]));
    await second.close();
  });

  it('writes the state file after bursts of concurrent API calls without failing any of them', async () => {
    const stateFile = path.join(dir, 'burst.json');
    const sandbox = await startSandboxCloud({ stateFile, sshPort: 20000 + Math.floor(Math.random() * 20000) });
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${sandbox.url}/ucloud`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Action: 'GetRegion' }) }).then((r) => r.status),
      ),
    );
    expect(answers.every((status) => status === 200)).toBe(true);
    await wait(1500);
    expect(existsSync(stateFile)).toBe(true);
    await sandbox.close();
    expect(existsSync(`${stateFile}.tmp`)).toBe(false);
  });
});
