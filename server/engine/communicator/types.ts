// What a provisioner needs from a connection to the host being built.

export interface ExecOptions {
  signal: AbortSignal;
  /** Called once per complete output line (the last partial line is flushed at the end). */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
}

export interface ExecResult {
  /** null when the connection dropped before the command reported a status. */
  exitCode: number | null;
  /** The SSH connection was lost while the command ran (e.g. the script rebooted the host). */
  disconnected: boolean;
}

export interface Communicator {
  exec(command: string, opts: ExecOptions): Promise<ExecResult>;
  upload(remotePath: string, content: Buffer, opts: { signal: AbortSignal; mode?: number }): Promise<void>;
  download(remotePath: string, opts: { signal: AbortSignal }): Promise<Buffer>;
  close(): Promise<void>;
}

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  password?: string;
  /** PEM private key (PKCS#1 or OpenSSH). */
  privateKey?: string;
}

/** Where `file` provisioners and `script(s)` read local files: a template's attachments or the build's inputs, never the server's own disk. */
export interface FileSource {
  read(path: string): Promise<Buffer>;
  /** For `direction: download`: where the downloaded bytes go. */
  write(path: string, content: Buffer): Promise<void>;
}
