// One interface over both clouds. The engine and the services speak only this; every
// difference between UCloud and EC2 (names, states, paging, errors) stays in the two
// implementations (`ucloud/provider.ts`, `aws/provider.ts`).

export type CloudKind = 'ucloud' | 'aws';

/**
 * The tag key that carries a build's run id on every temporary resource (the reaper finds
 * leftovers by it). EC2 stores it as a real tag; UCloud has no free-form tags, so its provider
 * maps this one key onto the resource's business group (`Tag`), the only label UCloud can filter by.
 */
export const RUN_ID_TAG = 'rome:run-id';

export interface CloudCredentials {
  cloud: CloudKind;
  /** UCloud public key, or AWS access key id. */
  keyId: string;
  /** UCloud private key, or AWS secret access key. Decrypted only to build a provider. */
  secret: string;
  /** UCloud project id (org-…); unused on AWS. */
  projectId?: string;
  /** Base URL override (the sandbox cloud: http://127.0.0.1:4600/ucloud or …/ec2). */
  endpoint?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Awaited before each API request the call sends (a method may send several: EC2's
   * createFirewall is CreateSecurityGroup + AuthorizeSecurityGroupIngress), so a request budget
   * can charge requests rather than methods. `action` is the vendor's action name.
   */
  beforeRequest?: (action: string, region: string) => Promise<void>;
}

/** What a zone can run: the capabilities the validation of a build checks (field problems #2, #3). */
export interface ZoneCapabilities {
  zone: string;
  /** Boot disk types offered, in the provider's template vocabulary (UCloud: cloud_ssd, local_normal…; AWS: gp2, gp3…). */
  bootDiskTypes: string[];
  /** Host types offered (UCloud machine types N/C/O…; EC2 instance types t3.small…). */
  hostTypes: string[];
  /** UCloud: CPU platforms per machine type (an image may only boot on some). */
  cpuPlatforms?: Record<string, string[]>;
}

export interface RegionInfo {
  id: string;
  name: string;
  zones: ZoneCapabilities[];
}

export type ImageState = 'available' | 'pending' | 'failed' | 'deleted' | 'unknown';

export interface ImageInfo {
  id: string;
  region: string;
  name: string;
  description: string;
  state: ImageState;
  /** The vendor's own state word, for display (Available, Making, pending, …). */
  vendorState: string;
  /** 'base' = offered by the cloud; 'custom' = made by an account. */
  kind: 'base' | 'custom';
  osFamily: string;
  osVersion: string;
  osName: string;
  architecture: string;
  sizeGb: number | null;
  createdAt: Date | null;
  /** EC2: the image has the ENA driver (Nitro instance types need it). */
  enaSupport?: boolean;
  /** UCloud: CPU platforms the image boots on (empty = any). */
  cpuPlatforms?: string[];
  tags: Record<string, string>;
  failureReason?: string;
}

/** One listing call's worth of images; `calls` counts API requests so far (for sync stats). */
export interface ImagePage {
  images: ImageInfo[];
  calls: number;
  totalCount?: number;
}

export type HostState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminating' | 'terminated' | 'failed' | 'unknown';

export interface HostInfo {
  id: string;
  region: string;
  zone: string;
  state: HostState;
  vendorState: string;
  publicIp: string | null;
  privateIp: string | null;
  imageId: string;
  hostType: string;
  /** UCloud: Normal once the boot disk is initialised (an image cannot be made before). */
  bootDiskReady: boolean;
  tags: Record<string, string>;
  stateReason?: string;
}

export interface CreateHostRequest {
  region: string;
  zone?: string;
  imageId: string;
  hostType: string;
  bootDiskType?: string;
  bootDiskSizeGb?: number;
  /** UCloud `MinimalCpuPlatform` (Intel/Auto, Amd/Epyc2…; field problem #2); ignored on EC2. */
  cpuPlatform?: string;
  name: string;
  /** Either a password (UCloud only) or the name of a key pair made by createKeyPair in the same region. */
  login: { password?: string; keyPairName?: string };
  firewallId?: string;
  /** Attach a public IP at creation (UCloud EIP on the NIC; EC2 public IP of the default subnet). */
  publicIp?: { bandwidthMbps: number; chargeMode?: string };
  tags: Record<string, string>;
}

export interface KeyPairInfo {
  name: string;
  id: string;
  region: string;
  /** Only returned by createKeyPair, never stored by the provider. */
  privateKeyPem?: string;
}

export interface FirewallInfo {
  id: string;
  region: string;
  name: string;
}

export interface PublicIpInfo {
  id: string;
  region: string;
  address: string;
  hostId: string | null;
}

/** What a build run left behind, found by its run id (`npm run image -- cleanup`). */
export type RunResourceKind = 'host' | 'eip' | 'firewall' | 'keypair' | 'image';

export interface RunResource {
  kind: RunResourceKind;
  /** The id the matching delete call takes (a key pair's name, as deleteKeyPair wants). */
  id: string;
  region: string;
  name: string;
}

export interface AllocatePublicIpRequest {
  region: string;
  name: string;
  bandwidthMbps: number;
  /** Packer's eip_charge_mode words (traffic, bandwidth, post_accurate_bandwidth) or the vendor's. */
  chargeMode?: string;
  tags: Record<string, string>;
}

export interface CopyImageRequest {
  sourceRegion: string;
  sourceImageId: string;
  targetRegion: string;
  name: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface CloudProvider {
  readonly cloud: CloudKind;
  /** Every request of every method goes through CallOptions.beforeRequest (a budget can charge exactly what is sent). */
  readonly reportsRequests?: boolean;

  /** A cheap authenticated call; throws CloudApiError when the keys or endpoint are wrong. */
  testConnection(opts?: CallOptions): Promise<{ regions: number }>;
  /** Regions and zones with their capabilities (discovery actions). */
  listRegions(opts?: CallOptions): Promise<RegionInfo[]>;
  /** The cloud's base images of a region, one API call per page. */
  listBaseImages(region: string, opts: CallOptions & { pageSize: number }): AsyncIterable<ImagePage>;

  describeImage(region: string, imageId: string, opts?: CallOptions): Promise<ImageInfo | null>;
  /** Makes an image from a (stopped) host. */
  createImage(req: { region: string; hostId: string; name: string; description?: string; tags: Record<string, string> }, opts?: CallOptions): Promise<{ imageId: string }>;
  copyImage(req: CopyImageRequest, opts?: CallOptions): Promise<{ imageId: string }>;
  /** Idempotent: an image that no longer exists counts as deleted. */
  deleteImage(region: string, imageId: string, opts?: CallOptions): Promise<void>;

  createHost(req: CreateHostRequest, opts?: CallOptions): Promise<{ hostId: string }>;
  describeHost(region: string, hostId: string, opts?: CallOptions): Promise<HostInfo | null>;
  stopHost(region: string, hostId: string, opts?: CallOptions): Promise<void>;
  /** Idempotent; stops the host first where the cloud requires it (UCloud). */
  terminateHost(region: string, hostId: string, opts?: CallOptions): Promise<void>;

  createKeyPair(region: string, name: string, tags: Record<string, string>, opts?: CallOptions): Promise<KeyPairInfo>;
  deleteKeyPair(region: string, name: string, opts?: CallOptions): Promise<void>;

  /** A temporary firewall (UCloud) / security group (EC2) letting SSH in. */
  createFirewall(req: { region: string; name: string; sshPort: number; sourceCidrs: string[]; tags: Record<string, string> }, opts?: CallOptions): Promise<FirewallInfo>;
  deleteFirewall(region: string, firewallId: string, opts?: CallOptions): Promise<void>;

  /** Public IPs the account holds (UCloud EIPs; EC2: none are allocated by builds). */
  listPublicIps(region: string, opts?: CallOptions): Promise<PublicIpInfo[]>;
  releasePublicIp(region: string, id: string, opts?: CallOptions): Promise<void>;
  /**
   * A public IP labelled with the run (UCloud: AllocateEIP with the run id as business group, the
   * name and every tag in the remark — an EIP made inside CreateUHostInstance can carry none).
   * EC2 builds take the default subnet's public IP and never call this; it refuses there.
   */
  allocatePublicIp(req: AllocatePublicIpRequest, opts?: CallOptions): Promise<PublicIpInfo>;
  /** Binds an allocated public IP to a host; binding it to the host it is already on is done. */
  bindPublicIp(region: string, id: string, hostId: string, opts?: CallOptions): Promise<void>;

  /**
   * The temporary resources (hosts, EIPs, firewalls/security groups, key pairs) and images of one
   * run in a region, found by the run id (EC2: the `rome:run-id` tag; UCloud: the business group,
   * and names for key pairs, which have no label). Hosts already terminated are not listed.
   */
  findResourcesByRunId(region: string, runId: string, opts?: CallOptions): Promise<RunResource[]>;

  tagResource(region: string, resourceId: string, tags: Record<string, string>, opts?: CallOptions): Promise<void>;
}
