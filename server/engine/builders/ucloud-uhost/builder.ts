// Packer's ucloud-uhost builder as typed steps (reference ucloud-api.md §3.4): check the source
// image → login → firewall → host → EIP (allocated with the run id, bound) → running + boot disk → SSH → provision → stop → image →
// wait → copies. Cleanups run in reverse: EIP, host (stop-first by the provider), firewall.
import { goDurationSeconds } from '../../template/go-time';
import type { TUcloudUhostConfig } from '../../template/builders/ucloud-uhost';
import { stepConnectSsh } from '../common/steps/step-connect-ssh';
import { stepCopyImage } from '../common/steps/step-copy-image';
import { stepCreateFirewall } from '../common/steps/step-create-firewall';
import { stepCreateHost } from '../common/steps/step-create-host';
import { stepCreateImage } from '../common/steps/step-create-image';
import { stepProvision } from '../common/steps/step-provision';
import { stepResolveSourceImage } from '../common/steps/step-resolve-source-image';
import { stepStopHost } from '../common/steps/step-stop-host';
import { stepWaitHost } from '../common/steps/step-wait-host';
import { stepWaitImage } from '../common/steps/step-wait-image';
import { buildData } from '../common/build-data';
import { resourceName } from '../common/names';
import { sshPortFor } from '../common/ssh-port';
import type { BuildEnv, PreparedBuild } from '../common/types';
import type { UcloudUhostState } from './state';
import { stepCreateEip } from './steps/step-create-eip';
import { generateUcloudPassword, stepCreateLogin } from './steps/step-create-login';

export function prepareUcloudUhost(env: BuildEnv, config: TUcloudUhostConfig): PreparedBuild<UcloudUhostState> {
  const projectId = config.project_id || env.projectId || '';
  const password = config.ssh_password ?? generateUcloudPassword();
  const port = sshPortFor(config.ssh_port, env.sshPortOverride);
  const state: UcloudUhostState = {
    region: config.region,
    projectId,
    login: { username: config.ssh_username, port },
    copies: [],
    copyFailures: [],
  };
  const imageTimeoutMs = config.wait_image_ready_timeout * 1000;
  const steps = [
    stepResolveSourceImage<UcloudUhostState>(env, () => config.source_image_id),
    stepCreateLogin(password, config.ssh_password !== undefined),
    stepCreateFirewall<UcloudUhostState>(env, { existingId: config.security_group_id, sshPort: config.ssh_port, sourceCidrs: ['0.0.0.0/0'] }),
    stepCreateHost<UcloudUhostState>(env, (s) => ({
      region: s.region,
      zone: config.availability_zone,
      imageId: config.source_image_id,
      hostType: config.instance_type,
      bootDiskType: config.boot_disk_type,
      bootDiskSizeGb: config.boot_disk_size,
      cpuPlatform: config.min_cpu_platform,
      name: config.instance_name ?? resourceName(env.runId),
      login: { password },
      firewallId: s.firewallId,
      // The EIP is the next step's (AllocateEIP can carry the run id; the create call's EIP cannot).
    })),
    ...(config.use_ssh_private_ip ? [] : [stepCreateEip(env, { bandwidthMbps: config.eip_bandwidth, chargeMode: config.eip_charge_mode })]),
    stepWaitHost<UcloudUhostState>(env, { bootDisk: true }),
    stepConnectSsh<UcloudUhostState>(env, { timeoutMs: goDurationSeconds(config.ssh_timeout) * 1000, sshHost: config.ssh_host, usePrivateIp: config.use_ssh_private_ip }),
    stepProvision<UcloudUhostState>(env, (s) => buildData(env, s)),
    stepStopHost<UcloudUhostState>(env),
    stepCreateImage<UcloudUhostState>(env, () => ({ name: config.image_name, description: config.image_description || undefined })),
    stepWaitImage<UcloudUhostState>(env, { timeoutMs: imageTimeoutMs }),
    stepCopyImage<UcloudUhostState>(env, 'ucloud', {
      timeoutMs: imageTimeoutMs,
      // A mapping equal to the source project and region is skipped, as in Packer.
      targets: (s) =>
        config.image_copy_to_mappings
          .filter((m) => !(m.region === s.region && (m.project_id === s.projectId || !s.projectId)))
          .map((m) => ({ region: m.region, name: m.name || config.image_name, description: m.description || config.image_description || undefined, projectId: m.project_id || s.projectId })),
    }),
  ];
  return {
    state,
    steps,
    secrets: [password],
    images: (s) => [
      ...(s.imageId ? [{ region: s.region, imageId: s.imageId, projectId: s.projectId }] : []),
      ...s.copies.map((c) => ({ ...c, projectId: c.projectId ?? s.projectId })),
    ],
  };
}
