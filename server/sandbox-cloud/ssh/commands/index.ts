import { type Command } from 'just-bash';
import { fileCommands } from './files';
import type { HostState } from './host-state';
import { execFilePlugin, shellOverrides } from './shell';
import { sudo } from './sudo';
import { systemCommands } from './system';
import { systemdCommands } from './systemd';
import { userCommands } from './users';

export { execFilePlugin };
export { newHostState, type HostState } from './host-state';
export { unitsStartedAtBoot } from './systemd';
export { SECURE_PATH } from './sudo';
export { findUser } from './accounts';
export { exportPrelude } from './util';

/** The tools a cloud image has and just-bash lacks (or gets wrong), all working on the host's virtual disk. */
export function sandboxCommands(state: HostState): Command[] {
  return [...shellOverrides, sudo, ...userCommands, ...fileCommands(state), ...systemdCommands(state), ...systemCommands(state)];
}
