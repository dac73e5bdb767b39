// What every builder's steps share: the per-build environment (handed in by build.ts) and the
// part of the typed state that the generic steps (connect, provision, stop, image, copy) use.
// Each builder extends HostBuildState with its own fields (ucloud-uhost/state.ts, amazon-ebs/state.ts).
import type { CloudProvider, HostInfo, ImageInfo } from '@/server/clouds/provider';
import type { Communicator, FileSource } from '../../communicator/types';
import type { Step } from '../../runner/step';
import type { ApiBudget } from '../../scheduler/api-budget';
import type { ResolvedProvisioner } from '../../template/check-template';

/** Poll intervals and bounds of the engine's own waits. */
export interface EngineTiming {
  /** First delay of every poll; it doubles up to 6× this (Packer: 2 s → 12 s). */
  pollMs: number;
  /** Upper bound of waiting for a host to run / stop / disappear. */
  hostTimeoutMs: number;
}

export const DEFAULT_TIMING: EngineTiming = { pollMs: 2_000, hostTimeoutMs: 10 * 60_000 };

export interface BuildEnv {
  runId: string;
  buildName: string;
  buildType: 'ucloud-uhost' | 'amazon-ebs';
  /** Budgeted provider (withBudget): every call spends the shared ApiBudget first. */
  provider: CloudProvider;
  budget: ApiBudget;
  /** The account key the budget is kept under (access key id / public key). */
  account: string;
  /** UCloud project the account works in (artifact ids carry it). */
  projectId?: string;
  files: FileSource;
  provisioners: ResolvedProvisioner[];
  /** SSH port used when the template sets none (the sandbox's shared SSH port). */
  sshPortOverride?: number;
  timing: EngineTiming;
  /** The template's build time (`{{timestamp}}`), for options rendered while the build runs. */
  buildTime: Date;
}

export interface ProducedImage {
  region: string;
  imageId: string;
  projectId?: string;
}

export interface CopyFailure {
  region: string;
  error: string;
}

export interface HostBuildState {
  region: string;
  sourceImage?: ImageInfo;
  /** Firewall / security group the host runs in; `firewallCreated` when it is our temporary one. */
  firewallId?: string;
  hostId?: string;
  host?: HostInfo;
  /** UCloud: the EIP the create-eip step allocated and bound (released before the host goes). */
  publicIpId?: string;
  login: { username: string; port: number; password?: string; privateKey?: string };
  comm?: Communicator;
  imageId?: string;
  /** Copies that became available. */
  copies: ProducedImage[];
  copyFailures: CopyFailure[];
}

/** A build ready to run: its state, its steps and what to redact from its logs. */
export interface PreparedBuild<S extends HostBuildState = HostBuildState> {
  state: S;
  steps: Step<S>[];
  secrets: string[];
  /** The images the run produced (the source region's first, then the copies). */
  images(state: S): ProducedImage[];
}
