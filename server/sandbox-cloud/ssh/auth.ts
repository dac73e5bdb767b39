import { timingSafeEqual } from 'node:crypto';
import ssh2, { type AuthContext, type ParsedKey } from 'ssh2';
import type { Host } from '../world/types';

function parsePublicKey(line: string): ParsedKey | undefined {
  const parsed = ssh2.utils.parseKey(line.trim());
  if (parsed instanceof Error) return undefined;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * sshd's decision for one authentication attempt. The host's login settings are read on every
 * attempt, so a key or password changed through the cloud API applies to the next login.
 */
export function authenticate(host: Host, ctx: AuthContext): void {
  const login = host.login;
  const methods: ('publickey' | 'password')[] = login.password !== undefined ? ['publickey', 'password'] : ['publickey'];
  if (!login.users.includes(ctx.username)) return ctx.reject(methods);
  if (ctx.method === 'password') {
    return login.password !== undefined && sameSecret(ctx.password, login.password) ? ctx.accept() : ctx.reject(methods);
  }
  if (ctx.method === 'publickey') {
    const key = login.authorizedKeys.map(parsePublicKey).find((k) => k?.getPublicSSH().equals(ctx.key.data));
    if (!key) return ctx.reject(methods);
    // Without a signature the client only asks whether the key would do; it signs next.
    if (!ctx.signature || !ctx.blob) {
      // The answer must echo the algorithm asked about (Go's ssh, i.e. Packer, checks); ssh2
      // would answer "ssh-rsa" to a question about "rsa-sha2-256".
      if (ctx.key.algo === 'ssh-rsa' && ctx.hashAlgo) ctx.key.algo = `rsa-sha2-${ctx.hashAlgo.replace('sha', '')}`;
      return ctx.accept();
    }
    return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) ? ctx.accept() : ctx.reject(methods);
  }
  return ctx.reject(methods);
}
