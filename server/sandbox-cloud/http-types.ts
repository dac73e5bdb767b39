/** The parts of an HTTP request the vendor front ends look at. */
export interface SandboxRequest {
  method: string;
  /** Path and query after the vendor prefix (/ucloud or /ec2). */
  url: URL;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
