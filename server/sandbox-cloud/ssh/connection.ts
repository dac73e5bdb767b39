import type { Connection, Session } from 'ssh2';
import { authenticate } from './auth';
import { handleExec, handleShell, type SessionContext } from './exec';
import type { HostShell } from './host-shell';
import { findUser } from './commands';
import { serveSftp } from './sftp';

/** Serves one SSH client of a host: authentication, then its sessions. */
export function handleConnection(client: Connection, shell: HostShell, hostSignal: AbortSignal): void {
  const closed = new AbortController();
  const signal = AbortSignal.any([closed.signal, hostSignal]);
  let user = '';
  // A client that resets the connection must not take the sandbox down with an unhandled 'error'.
  client.on('error', () => undefined);
  client.on('close', () => closed.abort());
  client.on('authentication', (ctx) => {
    user = ctx.username;
    authenticate(shell.host, ctx);
  });
  client.on('ready', () => {
    client.on('session', (accept) => handleSession(accept(), { shell, user, env: {}, pty: false, signal }));
  });
}

function handleSession(session: Session, ctx: SessionContext): void {
  // ssh2 passes accept/reject only when the client asked for a reply.
  type Reply = (() => void) | undefined;
  session.on('env', (accept: Reply, _reject: Reply, info) => {
    ctx.env[info.key] = info.val;
    accept?.();
  });
  session.on('pty', (accept: Reply) => {
    ctx.pty = true;
    accept?.();
  });
  for (const event of ['window-change', 'signal']) session.on(event, (accept: Reply) => accept?.());
  // No agent or X11 forwarding here: refusing is what sshd does when they are disabled.
  for (const event of ['auth-agent', 'x11']) session.on(event, (_accept: Reply, reject: Reply) => reject?.());
  session.on('exec', (accept, _reject, info) => {
    const channel = accept();
    void handleExec(channel, info.command, ctx).catch(() => channel.close());
  });
  session.on('shell', (accept) => {
    const channel = accept();
    void handleShell(channel, ctx).catch(() => channel.close());
  });
  session.on('sftp', (accept) => {
    const identity = Promise.all([findUser(ctx.shell.fs, ctx.user), ctx.shell.loginEnv(ctx.user)]).then(([entry, login]) => ({
      home: login.cwd,
      uid: entry?.uid ?? 0,
      gid: entry?.gid ?? 0,
    }));
    serveSftp(accept(), { fs: ctx.shell.fs, owners: ctx.shell.state.owners, identity });
  });
  session.on('subsystem', (_accept, reject) => reject());
}
