// The SSH communicator (Packer's communicator/ssh): waits until the host answers SSH, runs
// commands with their output streamed line by line, moves files over SFTP. A connection lost
// mid-command is reported as `disconnected` (a script may reboot the host on purpose); the next
// call reconnects, waiting again up to the same timeout.
import { constants as osConstants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import ssh2, { type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { exponentialBackoff, retry } from '@/server/lib/retry';
import type { Communicator, ExecOptions, ExecResult, SshTarget } from './types';

export interface ConnectSshOptions {
  signal: AbortSignal;
  /** How long to wait for the host to answer SSH (Packer's `ssh_timeout`), for the first connection and each reconnect. */
  timeoutMs: number;
  log: (line: string) => void;
  /** Backoff between attempts; default 500 ms doubling up to 5 s. */
  retryDelay?: { baseMs: number; capMs: number };
  /** Handshake deadline of one attempt (ssh2 `readyTimeout`); default 20 s, never beyond the overall deadline. */
  attemptTimeoutMs?: number;
  /** Seconds between keepalives; a host that stops answering is declared lost after 3 missed ones. Default 10. */
  keepaliveSeconds?: number;
}

/** SSH never became ready within `timeoutMs`. */
export class SshTimeoutError extends Error {
  readonly userMessage: string;
  readonly lastError: unknown;

  constructor(message: string, lastError: unknown) {
    super(message, { cause: lastError });
    this.name = 'SshTimeoutError';
    this.userMessage = message;
    this.lastError = lastError;
  }
}

export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))}s`;
  return `${ms}ms`;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Connects, retrying refused connections, handshake timeouts and failed logins until `timeoutMs`. */
export async function connectSsh(target: SshTarget, opts: ConnectSshOptions): Promise<Communicator> {
  if (target.privateKey !== undefined) {
    // A key ssh2 cannot parse never gets better by waiting.
    const parsed = ssh2.utils.parseKey(target.privateKey);
    if (parsed instanceof Error) throw new Error(`The SSH private key for ${target.username}@${target.host} cannot be read: ${parsed.message}`);
  }
  if (target.password === undefined && target.privateKey === undefined) throw new Error(`No SSH password or private key for ${target.username}@${target.host}`);
  const comm = new SshCommunicator(target, opts);
  await comm.connect(opts.signal);
  return comm;
}

class SshCommunicator implements Communicator {
  private client: ssh2.Client | undefined;
  private closed = false;

  constructor(
    private readonly target: SshTarget,
    private readonly opts: ConnectSshOptions,
  ) {}

  private get where(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  async connect(signal: AbortSignal): Promise<void> {
    const { timeoutMs, log } = this.opts;
    const deadline = AbortSignal.timeout(timeoutMs);
    const waitSignal = AbortSignal.any([signal, deadline]);
    const startedAt = Date.now();
    let lastError: unknown;
    let lastLogged = '';
    log(`Waiting for SSH on ${this.target.username}@${this.where} (timeout ${formatDuration(timeoutMs)})…`);
    try {
      this.client = await retry(
        async () => {
          try {
            return await this.connectOnce(waitSignal, Math.max(1000, Math.min(this.opts.attemptTimeoutMs ?? 20_000, timeoutMs - (Date.now() - startedAt))));
          } catch (err) {
            // An attempt cut short by the deadline says nothing new about the host.
            if (!waitSignal.aborted || lastError === undefined) lastError = err;
            throw err;
          }
        },
        {
          tries: Infinity,
          signal: waitSignal,
          delay: exponentialBackoff(this.opts.retryDelay ?? { baseMs: 500, capMs: 5000 }),
          onRetry: ({ error, delayMs }) => {
            const text = messageOf(error);
            if (text !== lastLogged) log(`SSH not ready on ${this.where} yet (${text}); retrying in ${formatDuration(delayMs)}`);
            lastLogged = text;
          },
        },
      );
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (deadline.aborted) {
        const last = lastError === undefined ? 'none' : messageOf(lastError);
        throw new SshTimeoutError(`Timed out after ${formatDuration(timeoutMs)} waiting for SSH on ${this.where} (last error: ${last})`, lastError);
      }
      throw err;
    }
    log(`Connected to ${this.target.username}@${this.where}`);
  }

  private connectOnce(signal: AbortSignal, readyTimeout: number): Promise<ssh2.Client> {
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (err === undefined) return resolve(client);
        client.removeAllListeners('ready');
        client.on('error', () => undefined);
        client.end();
        client.destroy();
        reject(err);
      };
      const onAbort = () => settle(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      client.once('ready', () => {
        // Errors after the handshake surface as a closed connection to whoever is using it.
        client.on('error', () => undefined);
        settle();
      });
      client.on('error', (err) => settle(err));
      client.once('close', () => settle(new Error('connection closed during the SSH handshake')));
      const config: ConnectConfig = {
        host: this.target.host,
        port: this.target.port,
        username: this.target.username,
        readyTimeout,
        keepaliveInterval: (this.opts.keepaliveSeconds ?? 10) * 1000,
        keepaliveCountMax: 3,
        ...(this.target.password !== undefined ? { password: this.target.password } : {}),
        ...(this.target.privateKey !== undefined ? { privateKey: this.target.privateKey } : {}),
      };
      try {
        client.connect(config);
      } catch (err) {
        settle(err);
      }
    });
  }

  private isAlive(client: ssh2.Client | undefined): boolean {
    // `_sock` is ssh2's socket; absent from its types, but the only reliable liveness signal.
    const sock = (client as unknown as { _sock?: { destroyed?: boolean; writable?: boolean } } | undefined)?._sock;
    return client !== undefined && sock !== undefined && !sock.destroyed && sock.writable !== false;
  }

  /** The live client, reconnecting when the previous connection dropped (e.g. the host rebooted). */
  private async ensure(signal: AbortSignal): Promise<ssh2.Client> {
    signal.throwIfAborted();
    if (this.closed) throw new Error(`The SSH connection to ${this.where} was closed`);
    if (this.client && this.isAlive(this.client)) return this.client;
    this.opts.log(`The SSH connection to ${this.where} was lost; reconnecting`);
    this.client = undefined;
    await this.connect(signal);
    if (!this.client) throw new Error(`No SSH connection to ${this.where}`);
    return this.client;
  }

  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    const client = await this.ensure(opts.signal);
    return new Promise<ExecResult>((resolve, reject) => {
      let lost = false;
      let exitCode: number | null = null;
      let stream: ClientChannel | undefined;
      let done = false;
      const out = lineSplitter(opts.onStdout);
      const err = lineSplitter(opts.onStderr);
      const cleanup = () => {
        done = true;
        opts.signal.removeEventListener('abort', onAbort);
        client.off('close', onLost);
        client.off('end', onLost);
      };
      const finish = (disconnected: boolean) => {
        if (done) return;
        cleanup();
        out.flush();
        err.flush();
        resolve({ exitCode: disconnected ? null : exitCode, disconnected });
      };
      const fail = (e: unknown) => {
        if (done) return;
        cleanup();
        out.flush();
        err.flush();
        reject(e);
      };
      const onAbort = () => {
        if (stream) {
          try {
            stream.signal('KILL');
          } catch {
            // the server may not take signals; closing the channel is what counts
          }
          stream.close();
        }
        fail(opts.signal.reason);
      };
      const onLost = () => {
        lost = true;
        // Let the output that already arrived drain before reporting.
        setImmediate(() => finish(exitCode === null));
      };
      if (opts.signal.aborted) return fail(opts.signal.reason);
      opts.signal.addEventListener('abort', onAbort, { once: true });
      client.once('close', onLost);
      client.once('end', onLost);
      client.exec(command, (e, channel) => {
        if (done) {
          channel?.close();
          return;
        }
        if (e) return lost ? finish(true) : fail(e);
        stream = channel;
        channel.on('data', (d: Buffer) => out.push(d));
        channel.stderr.on('data', (d: Buffer) => err.push(d));
        channel.on('exit', (code: number | null, signalName?: string) => {
          if (typeof code === 'number') exitCode = code;
          else if (signalName) exitCode = 128 + (osConstants.signals[`SIG${signalName}` as keyof typeof osConstants.signals] ?? 0);
        });
        channel.on('close', () => {
          if (exitCode !== null) return finish(false);
          // No exit status: either the connection is going down (its close follows) or the server gave none.
          setTimeout(() => finish(lost || !this.isAlive(client)), 50);
        });
        // No input: EOF at once, as Go's ssh does (servers may wait for it).
        channel.end();
      });
    });
  }

  private async withSftp<T>(signal: AbortSignal, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const client = await this.ensure(signal);
    return abortable(signal, async (onAbort) => {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((e, s) => (e ? reject(e) : resolve(s))));
      onAbort(() => sftp.end());
      try {
        return await fn(sftp);
      } finally {
        sftp.end();
      }
    });
  }

  async upload(remotePath: string, content: Buffer, opts: { signal: AbortSignal; mode?: number }): Promise<void> {
    await this.withSftp(opts.signal, async (sftp) => {
      await new Promise<void>((resolve, reject) => sftp.writeFile(remotePath, content, (e) => (e ? reject(e) : resolve())));
      const mode = opts.mode;
      if (mode !== undefined) await new Promise<void>((resolve, reject) => sftp.chmod(remotePath, mode, (e) => (e ? reject(e) : resolve())));
    });
  }

  async download(remotePath: string, opts: { signal: AbortSignal }): Promise<Buffer> {
    return this.withSftp(opts.signal, (sftp) =>
      new Promise<Buffer>((resolve, reject) => sftp.readFile(remotePath, (e, data) => (e ? reject(e) : resolve(data)))));
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.isAlive(client)) client.end();
      else {
        clearTimeout(timer);
        client.destroy();
        resolve();
      }
    });
  }
}

/** Runs `fn`, rejecting with the signal's reason as soon as it aborts (after running the registered abort hooks). */
async function abortable<T>(signal: AbortSignal, fn: (onAbort: (hook: () => void) => void) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const hooks: (() => void)[] = [];
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      for (const hook of hooks) {
        try {
          hook();
        } catch {
          // best effort
        }
      }
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([fn((hook) => hooks.push(hook)), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** Turns chunks into lines: split on \n (a trailing \r dropped), UTF-8 safe across chunk borders. */
export function lineSplitter(onLine: ((line: string) => void) | undefined): { push(chunk: Buffer): void; flush(): void } {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const emit = (line: string) => onLine?.(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      rest += decoder.write(chunk);
      let nl = rest.indexOf('\n');
      while (nl >= 0) {
        emit(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
        nl = rest.indexOf('\n');
      }
    },
    flush() {
      rest += decoder.end();
      if (rest !== '') emit(rest);
      rest = '';
    },
  };
}
