import type { BuildEnv } from './types';

/** `{{ build `Key` }}` data for provisioners (Packer's generated data of an SSH build). */
export function buildData(env: BuildEnv, s: { hostId?: string; host?: { publicIp: string | null }; login: { username: string; port: number; password?: string; privateKey?: string } }): Record<string, string> {
  return {
    ID: s.hostId ?? '',
    Host: s.host?.publicIp ?? '',
    Port: String(s.login.port),
    User: s.login.username,
    Password: s.login.password ?? '',
    ConnType: 'ssh',
    PackerRunUUID: env.runId,
    PackerHTTPAddr: '',
    SSHPublicKey: '',
    SSHPrivateKey: s.login.privateKey ?? '',
    WinRMPassword: '',
  };
}
