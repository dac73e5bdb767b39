/** What a host knows beyond its disk: InMemoryFs has no owners, and systemd/sysctl state lives in RAM. */
export interface HostState {
  /** Units running since boot; a stop forgets them, a boot starts the enabled ones. */
  activeUnits: Set<string>;
  /** Kernel parameters applied with sysctl since boot. */
  kernel: Map<string, string>;
  /** Owners set by chown/install/scp (uid, gid), by absolute path; disk state, so it survives a reboot. */
  owners: Map<string, { uid: number; gid: number }>;
}

export function newHostState(): HostState {
  return { activeUnits: new Set(), kernel: new Map(), owners: new Map() };
}
