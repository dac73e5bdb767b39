import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { restoreFs, snapshotFs } from './rootfs';
import type { Eip, Firewall, FsSnapshot, Host, Image, KeyPair, Snapshot, Volume } from './types';
import type { World } from './world';

interface SavedState {
  version: 1;
  images: Image[];
  hosts: (Host & { disk: FsSnapshot })[];
  eips: Eip[];
  firewalls: Firewall[];
  keyPairs: KeyPair[];
  volumes: Volume[];
  snapshots: Snapshot[];
}

/** Writes what accounts created (not the generated base images) to a JSON file, atomically. */
export async function saveState(world: World, file: string): Promise<void> {
  const hosts: SavedState['hosts'] = [];
  for (const h of world.hosts.values()) {
    const fs = world.hostFs(h.id);
    if (fs && h.state !== 'terminated') hosts.push({ ...h, disk: await snapshotFs(fs) });
  }
  const state: SavedState = {
    version: 1,
    images: [...world.images.values()].filter((i) => i.kind === 'custom'),
    hosts,
    eips: [...world.eips.values()],
    firewalls: [...world.firewalls.values()],
    keyPairs: [...world.keyPairs.values()],
    volumes: [...world.volumes.values()],
    snapshots: [...world.snapshots.values()],
  };
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

/**
 * Restores a saved world. Transitions that were under way are completed at once (a restart
 * takes longer than any of them), and running hosts get their SSH servers back.
 */
export async function loadState(world: World, file: string): Promise<void> {
  if (!existsSync(file)) return;
  const state = JSON.parse(await readFile(file, 'utf8')) as SavedState;
  for (const i of state.images) world.images.set(i.id, { ...i, state: i.state === 'pending' ? 'available' : i.state });
  for (const e of state.eips) world.eips.set(e.id, e);
  world.firewalls.clear();
  for (const f of state.firewalls) world.firewalls.set(f.id, f);
  for (const k of state.keyPairs) world.keyPairs.set(k.id, k);
  for (const v of state.volumes) world.volumes.set(v.id, v);
  for (const s of state.snapshots) world.snapshots.set(s.id, { ...s, state: s.state === 'pending' ? 'completed' : s.state });
  for (const { disk, ...host } of state.hosts) {
    const settled: Host['state'] = host.state === 'pending' ? 'running' : host.state === 'stopping' ? 'stopped' : host.state === 'terminating' ? 'terminated' : host.state;
    world.restoreHost({ ...host, state: settled }, await restoreFs(disk));
  }
}
