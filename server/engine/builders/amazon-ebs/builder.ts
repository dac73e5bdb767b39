// Packer's amazon-ebs builder as typed steps (reference ec2-api.md §2.1): source AMI → key pair →
// security group → instance → running → SSH → provision → stop → AMI → wait → region copies.
// Cleanups in reverse: instance (waited until terminated), security group (retried while in use),
// key pair; the AMI and its copies are deleted unless the run succeeded.
import { goDurationSeconds } from '../../template/go-time';
import type { TAmazonEbsConfig } from '../../template/builders/amazon-ebs';
import { interpolate } from '../../template/interpolate';
import { buildData } from '../common/build-data';
import { resourceName } from '../common/names';
import { sshPortFor } from '../common/ssh-port';
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
import type { BuildEnv, PreparedBuild } from '../common/types';
import type { AmazonEbsState } from './state';
import { stepCreateKeyPair } from './steps/step-create-key-pair';

/** Packer's AMI waits: 15 s × 120 attempts unless `aws_polling` says otherwise. */
const AWS_POLL_DELAY_S = 15;
const AWS_AMI_ATTEMPTS = 120;

export function prepareAmazonEbs(env: BuildEnv, config: TAmazonEbsConfig): PreparedBuild<AmazonEbsState> {
  const port = sshPortFor(config.ssh_port, env.sshPortOverride);
  const state: AmazonEbsState = {
    region: config.region,
    login: { username: config.ssh_username ?? 'ec2-user', port },
    copies: [],
    copyFailures: [],
  };
  const delayS = config.aws_polling?.delay_seconds ?? AWS_POLL_DELAY_S;
  const attempts = config.aws_polling?.max_attempts ?? AWS_AMI_ATTEMPTS;
  const imageTimeoutMs = delayS * attempts * 1000;
  // `aws_polling` sets the poll delay; the engine's own (shorter, for the sandbox) wins when set lower.
  const pollMs = Math.min(delayS * 1000, env.timing.pollMs);
  const existingSg = config.security_group_id ?? config.security_group_ids?.[0];
  // Options whose `{{ .SourceAMI }}`-style data is known only now (left verbatim by checkTemplate).
  const render = (s: AmazonEbsState, text: string): string => {
    if (!text.includes('{{')) return text;
    const src = s.sourceImage;
    const out = interpolate(text, {
      where: 'amazon-ebs',
      buildTime: env.buildTime,
      buildName: env.buildName,
      buildType: env.buildType,
      fields: { BuildRegion: s.region, SourceAMI: src?.id ?? '', SourceAMIName: src?.name ?? '', SourceAMIOwner: '', SourceAMIOwnerName: '', SourceAMICreationDate: src?.createdAt?.toISOString() ?? '', SourceAMITags: null },
      fieldsWithSubfields: ['SourceAMITags'],
    });
    return out.errors.length > 0 ? text : out.value;
  };
  const renderMap = (s: AmazonEbsState, m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, render(s, v)]));

  const steps = [
    stepResolveSourceImage<AmazonEbsState>(env, () => config.source_ami),
    stepCreateKeyPair(env, { name: config.temporary_key_pair_name }),
    stepCreateFirewall<AmazonEbsState>(env, { existingId: existingSg, sshPort: config.ssh_port, sourceCidrs: config.temporary_security_group_source_cidrs }),
    stepCreateHost<AmazonEbsState>(env, (s) => ({
      region: s.region,
      zone: config.availability_zone,
      imageId: config.source_ami ?? '',
      hostType: config.instance_type,
      name: resourceName(env.runId),
      login: { keyPairName: s.keyPairName },
      firewallId: s.firewallId,
      publicIp: { bandwidthMbps: 0 },
      tags: renderMap(s, config.run_tags),
    })),
    stepWaitHost<AmazonEbsState>(env, { bootDisk: false }),
    stepConnectSsh<AmazonEbsState>(env, { timeoutMs: goDurationSeconds(config.ssh_timeout) * 1000, sshHost: config.ssh_host, usePrivateIp: config.ssh_interface === 'private_ip' }),
    stepProvision<AmazonEbsState>(env, (s) => ({
      ...buildData(env, s),
      BuildRegion: s.region,
      SourceAMI: s.sourceImage?.id ?? '',
      SourceAMIName: s.sourceImage?.name ?? '',
    })),
    stepStopHost<AmazonEbsState>(env, { skipStopCall: config.disable_stop_instance }),
    stepCreateImage<AmazonEbsState>(env, (s) => ({ name: config.ami_name, description: config.ami_description ? render(s, config.ami_description) : undefined, tags: renderMap(s, config.tags) })),
    stepWaitImage<AmazonEbsState>(env, { timeoutMs: imageTimeoutMs, pollMs }),
    stepCopyImage<AmazonEbsState>(env, 'aws', {
      timeoutMs: imageTimeoutMs,
      pollMs,
      tags: (s) => renderMap(s, config.tags),
      targets: (s) =>
        [...new Set(config.ami_regions)]
          .filter((r) => r !== s.region)
          .map((region) => ({ region, name: config.ami_name, description: config.ami_description ? render(s, config.ami_description) : undefined })),
    }),
  ];
  return {
    state,
    steps,
    secrets: [],
    images: (s) => [...(s.imageId ? [{ region: s.region, imageId: s.imageId }] : []), ...s.copies],
  };
}
