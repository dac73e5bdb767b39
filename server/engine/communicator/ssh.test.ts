// The SSH communicator against real sandbox hosts (ssh2 servers over just-bash disks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '@/server/sandbox-cloud/server';
import { waitHostRunning } from '@/server/testing/ssh-exec';
import type { Host } from '@/server/sandbox-cloud/world/types';
import { connectSsh, lineSplitter, SshTimeoutError } from './ssh';
import type { Communicator } from './types';

const PASSWORD = 'Comm-Test-Pass-1';
let sb: SandboxCloud;
const comms: Communicator[] = [];

beforeAll(async () => {
  sb = await startSandboxCloud({ timeScale: 0.1, sshPort: 20_000 + Math.floor(Math.random() * 40_000) });
});

afterAll(async () => {
  await Promise.all(comms.map((c) => c.close()));
  await sb?.close();
});

const waitRunning = (host: Host) => waitHostRunning(host);

async function ucloudHost(): Promise<Host> {
  return waitRunning(await sb.world.createHost({
    cloud: 'ucloud', ownerId: 'ucloud-sandbox', region: 'cn-bj2', zone: 'cn-bj2-02', imageId: 'uimage-vmy3ld', machineType: 'N',
    cpu: 2, memoryMb: 4096, bootDiskType: 'CLOUD_SSD', name: 'comm-test', login: { password: PASSWORD }, securityGroupIds: [],
  }));
}

function collect() {
  const lines: string[] = [];
  return { lines, log: (line: string) => void lines.push(line) };
}

async function connectRoot(host: Host, extra: { timeoutMs?: number } = {}): Promise<Communicator> {
  const comm = await connectSsh(
    { host: host.address, port: sb.world.sshPort, username: 'root', password: PASSWORD },
    { signal: new AbortController().signal, timeoutMs: extra.timeoutMs ?? 20_000, log: () => undefined, retryDelay: { baseMs: 50, capMs: 200 } },
  );
  comms.push(comm);
  return comm;
}

async function run(comm: Communicator, command: string, signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await comm.exec(command, { signal, onStdout: (l) => out.push(l), onStderr: (l) => err.push(l) });
  return { ...result, out, err };
}

describe('connectSsh', () => {
  it('connects with a password and logs the wait', async () => {
    const host = await ucloudHost();
    const { lines, log } = collect();
    const comm = await connectSsh(
      { host: host.address, port: sb.world.sshPort, username: 'root', password: PASSWORD },
      { signal: new AbortController().signal, timeoutMs: 20_000, log, retryDelay: { baseMs: 50, capMs: 200 } },
    );
    comms.push(comm);
    expect(lines[0]).toMatch(/^Waiting for SSH on root@127\.\d+\.\d+\.\d+:\d+/);
    expect(lines.at(-1)).toBe(`Connected to root@${host.address}:${sb.world.sshPort}`);
    expect(await run(comm, 'whoami')).toMatchObject({ exitCode: 0, disconnected: false, out: ['root'] });
  });

  it('connects with a key pair as ubuntu on an aws host', async () => {
    const { privateKeyPem } = sb.world.createKeyPair({ cloud: 'aws', ownerId: '111122223333', region: 'us-east-1', name: `comm-key-${Date.now()}` });
    const keyName = [...sb.world.keyPairs.values()].at(-1)!.name;
    const host = await waitRunning(await sb.world.createHost({
      cloud: 'aws', ownerId: '111122223333', region: 'us-east-1', zone: 'us-east-1a', imageId: 'ami-0c7217cdde317cfec', machineType: 't3.small',
      cpu: 2, memoryMb: 2048, bootDiskType: 'gp3', name: 'comm-key', login: { keyName }, securityGroupIds: [],
    }));
    const comm = await connectSsh(
      { host: host.address, port: sb.world.sshPort, username: 'ubuntu', privateKey: privateKeyPem },
      { signal: new AbortController().signal, timeoutMs: 20_000, log: () => undefined, retryDelay: { baseMs: 50, capMs: 200 } },
    );
    comms.push(comm);
    expect(await run(comm, 'whoami; sudo whoami')).toMatchObject({ exitCode: 0, out: ['ubuntu', 'root'] });
    // The wrong key never gets in: after the timeout, the error names the auth failure.
    const stranger = sb.world.createKeyPair({ cloud: 'aws', ownerId: '111122223333', region: 'us-east-1', name: `stranger-${Date.now()}` });
    await expect(connectSsh(
      { host: host.address, port: sb.world.sshPort, username: 'ubuntu', privateKey: stranger.privateKeyPem },
      { signal: new AbortController().signal, timeoutMs: 1500, log: () => undefined, retryDelay: { baseMs: 100, capMs: 300 } },
    )).rejects.toThrow(/Timed out after 1\.5s waiting for SSH on .* \(last error: All configured authentication methods failed\)/);
  });

  it('SSH never ready: fails after timeoutMs naming host:port and the last error', async () => {
    sb.world.faults.update({ unreachableHosts: 'next' });
    const host = await ucloudHost();
    const { lines, log } = collect();
    const started = Date.now();
    const err = await connectSsh(
      { host: host.address, port: sb.world.sshPort, username: 'root', password: PASSWORD },
      { signal: new AbortController().signal, timeoutMs: 1200, log, retryDelay: { baseMs: 100, capMs: 300 } },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshTimeoutError);
    expect((err as Error).message).toBe(`Timed out after 1.2s waiting for SSH on ${host.address}:${sb.world.sshPort} (last error: connect ECONNREFUSED ${host.address}:${sb.world.sshPort})`);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(lines.some((l) => l.includes('SSH not ready') && l.includes('ECONNREFUSED'))).toBe(true);
  });

  it('a cancel while waiting rejects with the signal reason at once', async () => {
    sb.world.faults.update({ unreachableHosts: 'next' });
    const host = await ucloudHost();
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled by user')), 300);
    const started = Date.now();
    await expect(connectSsh({ host: host.address, port: sb.world.sshPort, username: 'root', password: PASSWORD }, { signal: ac.signal, timeoutMs: 60_000, log: () => undefined }))
      .rejects.toThrow('cancelled by user');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('SshCommunicator.exec', () => {
  it('streams stdout and stderr as separate lines and reports exit codes', async () => {
    const comm = await connectRoot(await ucloudHost());
    const r = await run(comm, 'echo one; echo err1 >&2; printf "two\\nthree"; echo err2 >&2; exit 3');
    expect(r).toMatchObject({ exitCode: 3, disconnected: false, out: ['one', 'two', 'three'], err: ['err1', 'err2'] });
    expect(await run(comm, 'true')).toMatchObject({ exitCode: 0, out: [], err: [] });
    expect((await run(comm, 'nosuchcommand')).exitCode).toBe(127);
  });

  it('a cancel mid-command closes the channel and rejects quickly with the reason', async () => {
    const comm = await connectRoot(await ucloudHost());
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('stop now')), 200);
    await expect(run(comm, 'sleep 30', ac.signal)).rejects.toThrow('stop now');
    expect(Date.now() - started).toBeLessThan(1500);
    // The connection stays usable.
    expect((await run(comm, 'echo still-here')).out).toEqual(['still-here']);
  });

  it('reports disconnected when the host goes down mid-command, and reconnects on the next call', async () => {
    const host = await ucloudHost();
    const comm = await connectRoot(host);
    setTimeout(() => sb.world.stopHost(host), 200);
    const r = await run(comm, 'sleep 20');
    expect(r).toMatchObject({ exitCode: null, disconnected: true });
    while (host.state !== 'stopped') await new Promise((res) => setTimeout(res, 20));
    sb.world.startHost(host);
    expect(await run(comm, 'echo back')).toMatchObject({ exitCode: 0, out: ['back'] });
  });
});

describe('SshCommunicator file transfer', () => {
  it('uploads with a mode, downloads back, and reports SFTP errors', async () => {
    const comm = await connectRoot(await ucloudHost());
    const signal = new AbortController().signal;
    const data = Buffer.from('#!/bin/sh\necho uploaded\n');
    await comm.upload('/tmp/up.sh', data, { signal, mode: 0o750 });
    expect(await run(comm, 'stat -c %a /tmp/up.sh && /tmp/up.sh')).toMatchObject({ exitCode: 0, out: ['750', 'uploaded'] });
    expect((await comm.download('/tmp/up.sh', { signal })).equals(data)).toBe(true);
    const big = Buffer.alloc(300_000, 'x');
    await comm.upload('/tmp/big.bin', big, { signal });
    expect((await comm.download('/tmp/big.bin', { signal })).length).toBe(300_000);
    await expect(comm.download('/tmp/missing', { signal })).rejects.toThrow(/no such file/i);
    await expect(comm.upload('/nonexistent-dir/x', data, { signal })).rejects.toThrow(/no such file/i);
  });
});

describe('lineSplitter', () => {
  it('splits across chunks, keeps multi-byte characters whole, drops \\r and flushes the rest', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const euro = Buffer.from('€');
    s.push(Buffer.concat([Buffer.from('a\r\nb'), euro.subarray(0, 1)]));
    s.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')]));
    s.flush();
    expect(lines).toEqual(['a', 'b€', '', 'last']);
  });
});
