// The sandbox's own vocabulary. The UCloud and EC2 front ends translate it to each vendor's
// names, states and errors; nothing here is shared with the console's own code.

export type Cloud = 'ucloud' | 'aws';

export interface UCloudAccount {
  cloud: 'ucloud';
  /** Internal owner id of the account's resources. */
  id: string;
  publicKey: string;
  privateKey: string;
  projects: { id: string; name: string; isDefault: boolean }[];
}

export interface AwsAccount {
  cloud: 'aws';
  /** 12-digit owner id. */
  id: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type Account = UCloudAccount | AwsAccount;

export interface MachineTypeSpec {
  /** UCloud MachineType letter (N, C, O, …) or EC2 instance type (t3.small, …). */
  type: string;
  /** EC2 only: instance types on the Nitro system need ENA in the image. */
  requiresEna?: boolean;
  /** UCloud only: host families whose CPUs the image must support. */
  cpuPlatforms?: string[];
}

export interface ZoneSpec {
  id: string;
  /** UCloud boot disk types offered in this zone (CLOUD_SSD, LOCAL_NORMAL, …). */
  bootDiskTypes: string[];
  machineTypes: MachineTypeSpec[];
}

export interface RegionSpec {
  cloud: Cloud;
  id: string;
  name: string;
  zones: ZoneSpec[];
}

export type HostState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminating' | 'terminated';
export type ImageState = 'pending' | 'available' | 'failed' | 'deleted';

export interface Tagged {
  tags: Record<string, string>;
}

/** A file-system image: every path with its content (base64) or kind. */
export type FsSnapshot = Record<string, { type: 'file'; data: string; mode: number } | { type: 'dir'; mode: number } | { type: 'symlink'; target: string }>;

export interface Image extends Tagged {
  id: string;
  cloud: Cloud;
  /** 'system' for the cloud's own base images; else the owning account id. */
  ownerId: string;
  /** UCloud project of a custom image. */
  projectId?: string;
  region: string;
  kind: 'base' | 'custom';
  name: string;
  description: string;
  state: ImageState;
  osFamily: string;
  osVersion: string;
  osName: string;
  architecture: 'x86_64' | 'arm64';
  sizeGb: number;
  /** UCloud image features (CloudInit, NetEnhnced, …). */
  features: string[];
  /** EC2: whether the image has the ENA driver. */
  enaSupport: boolean;
  /** UCloud: CPU platforms the image boots on; empty = all. */
  cpuPlatforms: string[];
  defaultUser: string;
  createdAt: number;
  /** Where the file system comes from: an OS seed, or a snapshot taken from a host. */
  rootfs: { seed: string } | { snapshot: FsSnapshot };
  sourceImageId?: string;
  sourceRegion?: string;
  snapshotIds: string[];
  /** Set when a copy or create fails (injected fault). */
  failureReason?: string;
}

export interface Host extends Tagged {
  id: string;
  cloud: Cloud;
  ownerId: string;
  projectId?: string;
  region: string;
  zone: string;
  name: string;
  state: HostState;
  imageId: string;
  machineType: string;
  cpu: number;
  memoryMb: number;
  bootDiskType: string;
  bootDiskSizeGb: number;
  /** Loopback address its SSH server listens on; what the clouds report as the public IP. */
  address: string;
  privateIp: string;
  sshPort: number;
  /** Who may log in over SSH: these users, with this password or any of these OpenSSH public keys. */
  login: { password?: string; authorizedKeys: string[]; users: string[] };
  securityGroupIds: string[];
  keyName?: string;
  eipIds: string[];
  volumeIds: string[];
  createdAt: number;
  stateReason?: string;
  /** Set by fault injection: the host runs but its SSH server never answers. */
  unreachable: boolean;
}

export interface Eip extends Tagged {
  id: string;
  cloud: Cloud;
  ownerId: string;
  /** UCloud project the EIP belongs to (absent = the account's default project). */
  projectId?: string;
  region: string;
  address: string;
  bandwidth: number;
  payMode: string;
  operatorName: string;
  hostId?: string;
  createdAt: number;
}

export interface FirewallRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  source: string;
  action: 'ACCEPT' | 'DROP';
  priority?: string;
  remark?: string;
}

/** A UCloud firewall or an EC2 security group. */
export interface Firewall extends Tagged {
  id: string;
  cloud: Cloud;
  ownerId: string;
  /** UCloud project of a user-defined firewall (absent = default project; seeded ones serve every project). */
  projectId?: string;
  region: string;
  name: string;
  description: string;
  /** UCloud: 'user defined' | 'recommend web' | 'recommend non web'; EC2: 'default' | 'user'. */
  type: string;
  vpcId: string;
  rules: FirewallRule[];
  createdAt: number;
}

export interface KeyPair extends Tagged {
  id: string;
  cloud: Cloud;
  ownerId: string;
  region: string;
  name: string;
  fingerprint: string;
  /** OpenSSH public key line; the private key is returned once and never kept. */
  publicKey: string;
  createdAt: number;
}

export interface Volume extends Tagged {
  id: string;
  cloud: Cloud;
  ownerId: string;
  region: string;
  zone: string;
  sizeGb: number;
  type: string;
  state: 'in-use' | 'available' | 'deleted';
  hostId?: string;
  device: string;
  deleteOnTermination: boolean;
  snapshotId?: string;
  createdAt: number;
}

export interface Snapshot extends Tagged {
  id: string;
  cloud: Cloud;
  ownerId: string;
  region: string;
  volumeId?: string;
  imageId?: string;
  sizeGb: number;
  state: 'pending' | 'completed' | 'deleted';
  createdAt: number;
}

export type ResourceKind = 'host' | 'image' | 'eip' | 'firewall' | 'keypair' | 'volume' | 'snapshot';

/** One line of GET /_sandbox/resources. */
export interface ResourceView {
  kind: ResourceKind;
  cloud: Cloud;
  id: string;
  region: string;
  ownerId: string;
  name: string;
  state: string;
  tags: Record<string, string>;
}
