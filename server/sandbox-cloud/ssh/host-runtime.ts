import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import type { InMemoryFs } from 'just-bash';
import ssh2, { type Connection } from 'ssh2';
import type { Host } from '../world/types';
import type { HostRuntime } from '../world/world';
import { newHostState, type HostState } from './commands';
import { handleConnection } from './connection';
import { HostShell } from './host-shell';

interface RunningHost {
  tcp: TcpServer;
  sockets: Set<Socket>;
  clients: Set<Connection>;
  /** Aborts the commands still running when the host goes down. */
  halt: AbortController;
}

/** How long a stopping host waits for clients to take the disconnect before cutting the sockets. */
const DISCONNECT_GRACE_MS = 50;

/**
 * The SSH side of sandbox hosts: one SSH server per running host on its own loopback address
 * (Linux routes all of 127/8 to lo), commands run by just-bash over the host's virtual disk.
 */
export class SshHostRuntime implements HostRuntime {
  private readonly hostKeyPem: string;
  private readonly running = new Map<string, RunningHost>();
  /** Disk-level state (file owners) outlives a stop; the rest is reset at each boot. */
  private readonly states = new Map<string, HostState>();

  constructor(private readonly opts: { port: number; hostKeyPem?: string }) {
    this.hostKeyPem =
      opts.hostKeyPem ??
      generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      }).privateKey;
  }

  async start(host: Host, fs: InMemoryFs): Promise<void> {
    if (this.running.has(host.id)) await this.stop(host.id);
    const state = this.states.get(host.id) ?? newHostState();
    this.states.set(host.id, state);
    const shell = new HostShell(host, fs, state);
    await shell.boot();

    const entry: RunningHost = { tcp: createServer(), sockets: new Set(), clients: new Set(), halt: new AbortController() };
    const ssh = new ssh2.Server({ hostKeys: [this.hostKeyPem], ident: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.6' }, (client) => {
      entry.clients.add(client);
      client.once('close', () => entry.clients.delete(client));
      handleConnection(client, shell, entry.halt.signal);
    });
    // Own the TCP sockets (ssh2 only gets them injected) so that a stop can cut them.
    entry.tcp.on('connection', (socket) => {
      entry.sockets.add(socket);
      socket.once('close', () => entry.sockets.delete(socket));
      socket.on('error', () => undefined);
      // Small SSH packets otherwise wait on Nagle + delayed ACK (~40 ms each way).
      socket.setNoDelay(true);
      ssh.injectSocket(socket);
    });
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => {
        console.error(`[sandbox-ssh] host ${host.id}: cannot listen on ${host.address}:${this.opts.port}: ${err.message}`);
        reject(err);
      };
      entry.tcp.once('error', failed);
      entry.tcp.listen(this.opts.port, host.address, () => {
        entry.tcp.off('error', failed);
        resolve();
      });
    });
    entry.tcp.on('error', (err) => console.error(`[sandbox-ssh] host ${host.id}: ${err.message}`));
    this.running.set(host.id, entry);
  }

  /** Like a host going down: the server stops listening and every open connection drops. */
  async stop(hostId: string): Promise<void> {
    const entry = this.running.get(hostId);
    if (!entry) return;
    this.running.delete(hostId);
    entry.halt.abort();
    const closed = new Promise<void>((resolve) => entry.tcp.close(() => resolve()));
    for (const client of entry.clients) {
      try {
        client.end();
      } catch {
        // already gone
      }
    }
    if (entry.sockets.size) await new Promise((resolve) => setTimeout(resolve, DISCONNECT_GRACE_MS));
    for (const socket of entry.sockets) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  /** Whether the host's SSH server is up (for tests and diagnostics). */
  isRunning(hostId: string): boolean {
    return this.running.has(hostId);
  }
}
