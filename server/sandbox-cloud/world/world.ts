import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { InMemoryFs } from 'just-bash';
import { generateBaseImages, findOsSeed } from './base-images';
import { DEFAULT_AWS_REGIONS, DEFAULT_UCLOUD_REGIONS } from './catalog';
import { Clock } from './clock';
import { Faults } from './faults';
import { RateLimiter } from './rate-limiter';
import { restoreFs, seedFiles, snapshotFs } from './rootfs';
import type {
  Account,
  AwsAccount,
  Cloud,
  Eip,
  Firewall,
  FirewallRule,
  FsSnapshot,
  Host,
  Image,
  KeyPair,
  RegionSpec,
  ResourceView,
  Snapshot,
  UCloudAccount,
  Volume,
  ZoneSpec,
} from './types';

export type SandboxErrorKind =
  | 'NOT_FOUND'
  | 'INVALID_ZONE'
  | 'DISK_TYPE_UNAVAILABLE'
  | 'MACHINE_TYPE_UNAVAILABLE'
  | 'IMAGE_NOT_SUPPORTED_ON_HOST'
  | 'ENA_REQUIRED'
  | 'IMAGE_NOT_AVAILABLE'
  | 'INVALID_STATE'
  | 'IN_USE'
  | 'DUPLICATE'
  | 'COPY_LIMIT';

/** A world-level refusal; the UCloud and EC2 front ends turn it into the vendor's error. */
export class SandboxError extends Error {
  constructor(
    readonly kind: SandboxErrorKind,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** Starts and stops the SSH servers of hosts; the world decides when. */
export interface HostRuntime {
  start(host: Host, fs: InMemoryFs): Promise<void>;
  stop(hostId: string): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  accounts: Account[];
  ucloudRegions?: RegionSpec[];
  awsRegions?: RegionSpec[];
  timeProfile?: 'fast' | 'realistic';
  timeScale?: number;
  sshPort?: number;
  seed?: number;
  runtime?: HostRuntime;
  /** Concurrent image copies allowed into one destination region, per cloud. */
  maxConcurrentCopies?: { aws: number; ucloud: number };
}

export interface CreateHostRequest {
  cloud: Cloud;
  ownerId: string;
  projectId?: string;
  region: string;
  zone: string;
  imageId: string;
  machineType: string;
  cpuPlatform?: string;
  cpu: number;
  memoryMb: number;
  bootDiskType: string;
  bootDiskSizeGb?: number;
  name: string;
  login: { password?: string; keyName?: string };
  securityGroupIds: string[];
  tags?: Record<string, string>;
}

const TERMINATED_KEEP_MS = 60 * 60 * 1000;

/**
 * Everything that exists in the sandbox cloud: accounts, regions, images, hosts and their
 * network bits, with lifecycle transitions driven by the clock. Pure model: no HTTP here.
 */
export class World {
  readonly accounts: Account[];
  readonly regionsByCloud: Record<Cloud, RegionSpec[]>;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly rateLimiter = new RateLimiter();
  readonly sshPort: number;
  readonly images = new Map<string, Image>();
  readonly hosts = new Map<string, Host>();
  readonly eips = new Map<string, Eip>();
  readonly firewalls = new Map<string, Firewall>();
  readonly keyPairs = new Map<string, KeyPair>();
  readonly volumes = new Map<string, Volume>();
  readonly snapshots = new Map<string, Snapshot>();
  /** API requests served, by "ucloud:Action" / "ec2:Action" (GET /_sandbox/stats). */
  readonly apiCalls = new Map<string, number>();
  private readonly fileSystems = new Map<string, InMemoryFs>();
  private readonly maxCopies: { aws: number; ucloud: number };
  private runtime?: HostRuntime;
  private addressCounter = 0;
  private readonly addressBase: number;

  constructor(opts: WorldOptions) {
    this.accounts = opts.accounts;
    this.regionsByCloud = {
      ucloud: opts.ucloudRegions ?? DEFAULT_UCLOUD_REGIONS,
      aws: opts.awsRegions ?? DEFAULT_AWS_REGIONS,
    };
    this.clock = new Clock(opts.timeProfile ?? 'fast', opts.timeScale ?? 1, opts.seed ?? 42);
    this.faults = new Faults(() => this.clock.random());
    this.sshPort = opts.sshPort ?? 2222;
    this.runtime = opts.runtime;
    this.maxCopies = opts.maxConcurrentCopies ?? { aws: 100, ucloud: 20 };
    // A random second octet keeps two sandboxes on one machine (parallel tests) apart.
    this.addressBase = 32 + Math.floor(Math.random() * 200);
    for (const region of [...this.regionsByCloud.ucloud, ...this.regionsByCloud.aws]) {
      for (const image of generateBaseImages(region)) this.images.set(image.id, image);
    }
    for (const account of this.accounts) this.seedAccountDefaults(account);
  }

  setRuntime(runtime: HostRuntime): void {
    this.runtime = runtime;
  }

  // ---- accounts and regions ------------------------------------------------------------

  ucloudAccountByPublicKey(publicKey: string): UCloudAccount | undefined {
    return this.accounts.find((a): a is UCloudAccount => a.cloud === 'ucloud' && a.publicKey === publicKey);
  }

  awsAccountByAccessKey(accessKeyId: string): AwsAccount | undefined {
    return this.accounts.find((a): a is AwsAccount => a.cloud === 'aws' && a.accessKeyId === accessKeyId);
  }

  regions(cloud: Cloud): RegionSpec[] {
    return this.regionsByCloud[cloud];
  }

  region(cloud: Cloud, id: string): RegionSpec | undefined {
    return this.regionsByCloud[cloud].find((r) => r.id === id);
  }

  zone(cloud: Cloud, region: string, zone: string): ZoneSpec | undefined {
    return this.region(cloud, region)?.zones.find((z) => z.id === zone);
  }

  maxConcurrentCopies(cloud: Cloud): number {
    return this.faults.config.maxConcurrentCopiesPerRegion ?? this.maxCopies[cloud];
  }

  // ---- images -----------------------------------------------------------------------------

  /** Base images of the region plus the viewer's own images there (deleted ones excluded). */
  listImages(cloud: Cloud, region: string, viewerId: string): Image[] {
    return [...this.images.values()].filter(
      (i) => i.cloud === cloud && i.region === region && i.state !== 'deleted' && (i.kind === 'base' || i.ownerId === viewerId),
    );
  }

  findImage(cloud: Cloud, region: string, id: string, viewerId: string): Image | undefined {
    const image = this.images.get(id);
    if (!image || image.cloud !== cloud || image.region !== region || image.state === 'deleted') return undefined;
    return image.kind === 'base' || image.ownerId === viewerId ? image : undefined;
  }

  async imageFiles(image: Image): Promise<FsSnapshot> {
    if ('snapshot' in image.rootfs) return image.rootfs.snapshot;
    const os = findOsSeed(image.rootfs.seed);
    if (!os) throw new SandboxError('NOT_FOUND', `no OS seed ${image.rootfs.seed}`);
    const fs = new InMemoryFs(seedFiles(os));
    return snapshotFs(fs);
  }

  /** Snapshots the host's disk now; the image becomes available after the image-create time. */
  async createImage(host: Host, opts: { name: string; description?: string; tags?: Record<string, string> }): Promise<Image> {
    const fs = this.fileSystems.get(host.id);
    if (!fs) throw new SandboxError('INVALID_STATE', `host ${host.id} has no disk`);
    const source = this.images.get(host.imageId);
    const snapshot = await snapshotFs(fs);
    const image: Image = {
      id: this.newId(host.cloud === 'aws' ? 'ami-' : 'uimage-'),
      cloud: host.cloud,
      ownerId: host.ownerId,
      projectId: host.projectId,
      region: host.region,
      kind: 'custom',
      name: opts.name,
      description: opts.description ?? '',
      state: 'pending',
      osFamily: source?.osFamily ?? 'Linux',
      osVersion: source?.osVersion ?? '',
      osName: source?.osName ?? 'Linux',
      architecture: source?.architecture ?? 'x86_64',
      sizeGb: host.bootDiskSizeGb,
      features: source?.features ?? [],
      enaSupport: source?.enaSupport ?? true,
      cpuPlatforms: source?.cpuPlatforms ?? [],
      defaultUser: source?.defaultUser ?? 'root',
      createdAt: Date.now(),
      rootfs: { snapshot },
      sourceImageId: host.imageId,
      snapshotIds: [],
      tags: { ...opts.tags },
    };
    if (host.cloud === 'aws') image.snapshotIds = [this.createSnapshot(image, host.volumeIds[0]).id];
    this.images.set(image.id, image);
    if (!this.faults.config.stuckImages) {
      this.clock.after(this.clock.duration('imageCreate'), () => this.settleImage(image, 'available'));
    }
    return image;
  }

  /** Starts a copy into another region of the same cloud; refused when the region's copy slots are full. */
  copyImage(
    source: Image,
    opts: { toRegion: string; ownerId: string; projectId?: string; name: string; description?: string },
  ): Image {
    if (source.state !== 'available') {
      throw new SandboxError('IMAGE_NOT_AVAILABLE', `image ${source.id} is ${source.state}`, { imageId: source.id, state: source.state });
    }
    if (!this.region(source.cloud, opts.toRegion)) {
      throw new SandboxError('NOT_FOUND', `no region ${opts.toRegion}`, { region: opts.toRegion });
    }
    const active = [...this.images.values()].filter(
      (i) => i.cloud === source.cloud && i.region === opts.toRegion && i.state === 'pending' && i.sourceRegion !== undefined,
    ).length;
    if (active >= this.maxConcurrentCopies(source.cloud)) {
      throw new SandboxError('COPY_LIMIT', `${active} image copies into ${opts.toRegion} are already in progress`, {
        region: opts.toRegion,
        limit: String(this.maxConcurrentCopies(source.cloud)),
      });
    }
    const copy: Image = {
      ...source,
      id: this.newId(source.cloud === 'aws' ? 'ami-' : 'uimage-'),
      ownerId: opts.ownerId,
      projectId: opts.projectId,
      region: opts.toRegion,
      kind: 'custom',
      name: opts.name,
      description: opts.description ?? '',
      state: 'pending',
      createdAt: Date.now(),
      sourceImageId: source.id,
      sourceRegion: source.region,
      snapshotIds: [],
      tags: {},
    };
    if (copy.cloud === 'aws') copy.snapshotIds = [this.createSnapshot(copy).id];
    this.images.set(copy.id, copy);
    const failing = this.faults.config.failCopiesTo?.includes(opts.toRegion);
    if (!this.faults.config.stuckImages && !this.faults.config.stuckCopies) {
      this.clock.after(this.clock.duration('imageCopy'), () =>
        this.settleImage(copy, failing ? 'failed' : 'available', failing ? 'copy failed: internal error in destination region' : undefined),
      );
    }
    return copy;
  }

  deleteImage(image: Image): void {
    image.state = 'deleted';
    for (const id of image.snapshotIds) {
      const snap = this.snapshots.get(id);
      // EC2 keeps snapshots after deregistering; UCloud deletes them with the image.
      if (snap && image.cloud === 'ucloud') snap.state = 'deleted';
    }
  }

  private settleImage(image: Image, state: 'available' | 'failed', reason?: string): void {
    if (image.state !== 'pending') return;
    image.state = state;
    image.failureReason = reason;
    for (const id of image.snapshotIds) {
      const snap = this.snapshots.get(id);
      if (snap) snap.state = 'completed';
    }
  }

  private createSnapshot(image: Image, volumeId?: string): Snapshot {
    const snap: Snapshot = {
      id: this.newId('snap-', 17),
      cloud: image.cloud,
      ownerId: image.ownerId,
      region: image.region,
      volumeId,
      imageId: image.id,
      sizeGb: image.sizeGb,
      state: 'pending',
      createdAt: Date.now(),
      tags: {},
    };
    this.snapshots.set(snap.id, snap);
    return snap;
  }

  // ---- hosts ------------------------------------------------------------------------------

  /**
   * Checks the request against the zone's capabilities (field problems #2 and #3), boots a
   * host from the image's files, and starts its SSH server once it is running.
   */
  async createHost(req: CreateHostRequest): Promise<Host> {
    const zone = this.zone(req.cloud, req.region, req.zone);
    if (!zone) throw new SandboxError('INVALID_ZONE', `zone ${req.zone} is not in region ${req.region}`, { zone: req.zone });
    const image = this.findImage(req.cloud, req.region, req.imageId, req.ownerId);
    if (!image) throw new SandboxError('NOT_FOUND', `image ${req.imageId} not found in ${req.region}`, { imageId: req.imageId });
    if (image.state !== 'available') {
      throw new SandboxError('IMAGE_NOT_AVAILABLE', `image ${image.id} is ${image.state}`, { imageId: image.id, state: image.state });
    }
    const machine = zone.machineTypes.find((m) => m.type === req.machineType);
    if (!machine) {
      throw new SandboxError('MACHINE_TYPE_UNAVAILABLE', `${req.machineType} is not offered in ${zone.id}`, {
        machineType: req.machineType,
        zone: zone.id,
        offered: zone.machineTypes.map((m) => m.type).join(','),
      });
    }
    if (req.cloud === 'ucloud' && !zone.bootDiskTypes.includes(req.bootDiskType)) {
      throw new SandboxError('DISK_TYPE_UNAVAILABLE', `boot disk type ${req.bootDiskType} is not available in ${zone.id}`, {
        diskType: req.bootDiskType,
        zone: zone.id,
        offered: zone.bootDiskTypes.join(','),
      });
    }
    if (req.cloud === 'ucloud' && image.cpuPlatforms.length > 0) {
      const hostPlatforms = machine.cpuPlatforms ?? [];
      if (!hostPlatforms.some((p) => image.cpuPlatforms.includes(p))) {
        throw new SandboxError('IMAGE_NOT_SUPPORTED_ON_HOST', `image ${image.id} does not boot on ${req.machineType} hosts in ${zone.id}`, {
          imageId: image.id,
          machineType: req.machineType,
          zone: zone.id,
          hostPlatforms: hostPlatforms.join(','),
          imagePlatforms: image.cpuPlatforms.join(','),
        });
      }
    }
    if (req.cloud === 'aws' && machine.requiresEna && !image.enaSupport) {
      throw new SandboxError('ENA_REQUIRED', `instance type ${req.machineType} requires ENA, which image ${image.id} lacks`, {
        imageId: image.id,
        machineType: req.machineType,
      });
    }

    const fs = await restoreFs(await this.imageFiles(image));
    const id = this.newId(req.cloud === 'aws' ? 'i-' : 'uhost-', req.cloud === 'aws' ? 17 : 8);
    await fs.writeFile('/etc/hostname', `${req.cloud === 'aws' ? `ip-10-0-${this.addressCounter % 250}-${(this.addressCounter * 7) % 250}` : id}\n`);
    const keyPair = req.login.keyName ? this.findKeyPair(req.cloud, req.region, req.ownerId, req.login.keyName) : undefined;
    const host: Host = {
      id,
      cloud: req.cloud,
      ownerId: req.ownerId,
      projectId: req.projectId,
      region: req.region,
      zone: req.zone,
      name: req.name,
      state: 'pending',
      imageId: image.id,
      machineType: req.machineType,
      cpu: req.cpu,
      memoryMb: req.memoryMb,
      bootDiskType: req.bootDiskType,
      bootDiskSizeGb: Math.max(req.bootDiskSizeGb ?? image.sizeGb, image.sizeGb),
      address: this.nextAddress(),
      privateIp: `10.${(this.addressCounter >> 8) & 255}.${this.addressCounter & 255}.${10 + (this.addressCounter % 200)}`,
      sshPort: this.sshPort,
      login: {
        password: req.login.password,
        authorizedKeys: keyPair ? [keyPair.publicKey] : [],
        users: [...new Set(['root', image.defaultUser])],
      },
      securityGroupIds: req.securityGroupIds,
      keyName: keyPair?.name,
      eipIds: [],
      volumeIds: [],
      createdAt: Date.now(),
      unreachable: this.faults.takeUnreachable(),
      tags: { ...req.tags },
    };
    if (req.cloud === 'aws') {
      const volume: Volume = {
        id: this.newId('vol-', 17),
        cloud: 'aws',
        ownerId: req.ownerId,
        region: req.region,
        zone: req.zone,
        sizeGb: host.bootDiskSizeGb,
        type: req.bootDiskType,
        state: 'in-use',
        hostId: id,
        device: '/dev/xvda',
        deleteOnTermination: true,
        snapshotId: image.snapshotIds[0],
        createdAt: Date.now(),
        tags: {},
      };
      this.volumes.set(volume.id, volume);
      host.volumeIds.push(volume.id);
    }
    this.hosts.set(id, host);
    this.fileSystems.set(id, fs);
    this.transition(host, 'pending', 'running', 'hostBoot');
    return host;
  }

  /** Puts back a host loaded from a state file, restarting its SSH server if it runs. */
  restoreHost(host: Host, fs: InMemoryFs): void {
    this.hosts.set(host.id, host);
    this.fileSystems.set(host.id, fs);
    if (host.state === 'running' && !host.unreachable) this.startSsh(host, fs);
  }

  /** A host whose SSH server cannot listen behaves like one that never answers, as on a real cloud. */
  private startSsh(host: Host, fs: InMemoryFs): void {
    this.runtime?.start(host, fs).catch(() => {
      host.unreachable = true;
    });
  }

  hostFs(hostId: string): InMemoryFs | undefined {
    return this.fileSystems.get(hostId);
  }

  findHost(cloud: Cloud, region: string, id: string, ownerId: string): Host | undefined {
    const host = this.hosts.get(id);
    return host && host.cloud === cloud && host.region === region && host.ownerId === ownerId ? host : undefined;
  }

  listHosts(cloud: Cloud, region: string, ownerId: string): Host[] {
    return [...this.hosts.values()].filter((h) => h.cloud === cloud && h.region === region && h.ownerId === ownerId);
  }

  stopHost(host: Host): void {
    if (host.state === 'stopped' || host.state === 'stopping') return;
    if (host.state !== 'running') throw new SandboxError('INVALID_STATE', `host ${host.id} is ${host.state}`, { state: host.state });
    void this.runtime?.stop(host.id);
    this.transition(host, 'stopping', 'stopped', 'hostStop', 'User initiated shutdown');
  }

  startHost(host: Host): void {
    if (host.state === 'running' || host.state === 'pending') return;
    if (host.state !== 'stopped') throw new SandboxError('INVALID_STATE', `host ${host.id} is ${host.state}`, { state: host.state });
    this.transition(host, 'pending', 'running', 'hostStart');
  }

  /** Terminates a host, releasing its EIPs and deleting volumes marked delete-on-termination. */
  terminateHost(host: Host, opts: { releaseEips?: boolean } = {}): void {
    if (host.state === 'terminated' || host.state === 'terminating') return;
    void this.runtime?.stop(host.id);
    for (const eipId of host.eipIds) {
      const eip = this.eips.get(eipId);
      if (!eip) continue;
      eip.hostId = undefined;
      if (opts.releaseEips) this.eips.delete(eipId);
    }
    host.eipIds = [];
    this.transition(host, 'terminating', 'terminated', 'hostTerminate', 'User initiated shutdown', () => {
      this.fileSystems.delete(host.id);
      for (const volumeId of host.volumeIds) {
        const volume = this.volumes.get(volumeId);
        if (!volume) continue;
        if (volume.deleteOnTermination) volume.state = 'deleted';
        else Object.assign(volume, { state: 'available', hostId: undefined });
      }
      // Terminated hosts stay describable for a while, as on the real clouds.
      this.clock.after(TERMINATED_KEEP_MS, () => this.hosts.delete(host.id));
    });
  }

  private transition(
    host: Host,
    during: Host['state'],
    to: Host['state'],
    event: 'hostBoot' | 'hostStop' | 'hostStart' | 'hostTerminate',
    reason?: string,
    then?: () => void,
  ): void {
    host.state = during;
    host.stateReason = reason;
    const startedAt = host.state;
    this.clock.after(this.clock.duration(event), () => {
      if (host.state !== startedAt) return; // overtaken by another transition (e.g. terminate while booting)
      host.state = to;
      if (to === 'running' && !host.unreachable) {
        const fs = this.fileSystems.get(host.id);
        if (fs) this.startSsh(host, fs);
      }
      then?.();
    });
  }

  // ---- public IPs -------------------------------------------------------------------------

  allocateEip(opts: { cloud: Cloud; ownerId: string; region: string; bandwidth: number; payMode: string; operatorName: string }): Eip {
    const eip: Eip = {
      id: this.newId('eip-', 8),
      ...opts,
      address: '',
      createdAt: Date.now(),
      tags: {},
    };
    this.eips.set(eip.id, eip);
    return eip;
  }

  /** Binding points the EIP at the host's loopback address: that is where its SSH server listens. */
  bindEip(eip: Eip, host: Host): void {
    if (eip.hostId && eip.hostId !== host.id) throw new SandboxError('IN_USE', `EIP ${eip.id} is bound to ${eip.hostId}`);
    eip.hostId = host.id;
    eip.address = host.address;
    if (!host.eipIds.includes(eip.id)) host.eipIds.push(eip.id);
  }

  unbindEip(eip: Eip): void {
    const host = eip.hostId ? this.hosts.get(eip.hostId) : undefined;
    if (host) host.eipIds = host.eipIds.filter((id) => id !== eip.id);
    eip.hostId = undefined;
  }

  releaseEip(eip: Eip): void {
    if (eip.hostId) throw new SandboxError('IN_USE', `EIP ${eip.id} is still bound to ${eip.hostId}`);
    this.eips.delete(eip.id);
  }

  // ---- firewalls / security groups ---------------------------------------------------------

  createFirewall(opts: { cloud: Cloud; ownerId: string; region: string; name: string; description?: string; type?: string; vpcId?: string; rules?: FirewallRule[]; tags?: Record<string, string> }): Firewall {
    const dup = [...this.firewalls.values()].find(
      (f) => f.cloud === opts.cloud && f.ownerId === opts.ownerId && f.region === opts.region && f.name === opts.name && f.vpcId === (opts.vpcId ?? f.vpcId),
    );
    if (dup && opts.cloud === 'aws') throw new SandboxError('DUPLICATE', `security group ${opts.name} already exists`, { name: opts.name, vpcId: dup.vpcId });
    const fw: Firewall = {
      id: this.newId(opts.cloud === 'aws' ? 'sg-' : 'firewall-', opts.cloud === 'aws' ? 17 : 8),
      cloud: opts.cloud,
      ownerId: opts.ownerId,
      region: opts.region,
      name: opts.name,
      description: opts.description ?? '',
      type: opts.type ?? (opts.cloud === 'aws' ? 'user' : 'user defined'),
      vpcId: opts.vpcId ?? this.defaultVpcId(opts.cloud, opts.region, opts.ownerId),
      rules: opts.rules ?? [],
      createdAt: Date.now(),
      tags: { ...opts.tags },
    };
    this.firewalls.set(fw.id, fw);
    return fw;
  }

  listFirewalls(cloud: Cloud, region: string, ownerId: string): Firewall[] {
    return [...this.firewalls.values()].filter((f) => f.cloud === cloud && f.region === region && f.ownerId === ownerId);
  }

  /** Refused while a host that is not terminated still uses it. */
  deleteFirewall(fw: Firewall): void {
    const user = [...this.hosts.values()].find((h) => h.securityGroupIds.includes(fw.id) && h.state !== 'terminated');
    if (user) throw new SandboxError('IN_USE', `resource ${fw.id} has a dependent object`, { hostId: user.id });
    this.firewalls.delete(fw.id);
  }

  defaultVpcId(cloud: Cloud, region: string, ownerId: string): string {
    const hash = createHash('sha256').update(`${cloud}|${region}|${ownerId}|vpc`).digest('hex');
    return cloud === 'aws' ? `vpc-${hash.slice(0, 17)}` : `uvnet-${hash.slice(0, 8)}`;
  }

  defaultSubnetId(cloud: Cloud, region: string, ownerId: string): string {
    const hash = createHash('sha256').update(`${cloud}|${region}|${ownerId}|subnet`).digest('hex');
    return cloud === 'aws' ? `subnet-${hash.slice(0, 17)}` : `subnet-${hash.slice(0, 8)}`;
  }

  // ---- key pairs --------------------------------------------------------------------------

  /** Generates an RSA key pair; the private key (PKCS#1 PEM, as EC2 returns it) is never stored. */
  createKeyPair(opts: { cloud: Cloud; ownerId: string; region: string; name: string; tags?: Record<string, string> }): { keyPair: KeyPair; privateKeyPem: string } {
    if (this.findKeyPair(opts.cloud, opts.region, opts.ownerId, opts.name)) {
      throw new SandboxError('DUPLICATE', `The keypair '${opts.name}' already exists.`, { name: opts.name });
    }
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const sshPublic = toOpenSshRsa(publicKey);
    const keyPair: KeyPair = {
      id: this.newId('key-', 17),
      cloud: opts.cloud,
      ownerId: opts.ownerId,
      region: opts.region,
      name: opts.name,
      fingerprint: createHash('sha1').update(publicKey).digest('hex').match(/../g)!.join(':'),
      publicKey: sshPublic,
      createdAt: Date.now(),
      tags: { ...opts.tags },
    };
    this.keyPairs.set(keyPair.id, keyPair);
    return { keyPair, privateKeyPem: privateKey };
  }

  findKeyPair(cloud: Cloud, region: string, ownerId: string, name: string): KeyPair | undefined {
    return [...this.keyPairs.values()].find((k) => k.cloud === cloud && k.region === region && k.ownerId === ownerId && k.name === name);
  }

  deleteKeyPair(keyPair: KeyPair): void {
    this.keyPairs.delete(keyPair.id);
  }

  // ---- tags and the leak listing ----------------------------------------------------------

  /** Any resource by id, for tagging. */
  findTaggable(id: string): { kind: ResourceView['kind']; resource: { tags: Record<string, string>; ownerId: string; region: string } } | undefined {
    const tables = [
      ['host', this.hosts],
      ['image', this.images],
      ['eip', this.eips],
      ['firewall', this.firewalls],
      ['keypair', this.keyPairs],
      ['volume', this.volumes],
      ['snapshot', this.snapshots],
    ] as const;
    for (const [kind, table] of tables) {
      const resource = (table as Map<string, { tags: Record<string, string>; ownerId: string; region: string }>).get(id);
      if (resource) return { kind, resource };
    }
    return undefined;
  }

  /**
   * Every live resource an account made; with `baseImages` also the clouds' own base images
   * ('include' adds them, 'only' lists just them — for checking an inventory against the cloud).
   */
  resources(opts: { baseImages?: 'exclude' | 'include' | 'only' } = {}): ResourceView[] {
    const out: ResourceView[] = [];
    if (opts.baseImages === 'include' || opts.baseImages === 'only') {
      for (const i of this.images.values()) {
        if (i.kind === 'base' && i.state !== 'deleted') out.push(view('image', i, i.name, i.state));
      }
      if (opts.baseImages === 'only') return out;
    }
    for (const h of this.hosts.values()) {
      if (h.state !== 'terminated') out.push(view('host', h, h.name, h.state));
    }
    for (const i of this.images.values()) {
      if (i.kind === 'custom' && i.state !== 'deleted') out.push(view('image', i, i.name, i.state));
    }
    for (const e of this.eips.values()) out.push(view('eip', e, e.address, e.hostId ? 'bound' : 'free'));
    for (const f of this.firewalls.values()) {
      if (f.type === 'user' || f.type === 'user defined') out.push(view('firewall', f, f.name, 'active'));
    }
    for (const k of this.keyPairs.values()) out.push(view('keypair', k, k.name, 'active'));
    for (const v of this.volumes.values()) {
      if (v.state !== 'deleted') out.push(view('volume', v, v.device, v.state));
    }
    for (const s of this.snapshots.values()) {
      if (s.state !== 'deleted') out.push(view('snapshot', s, s.imageId ?? '', s.state));
    }
    return out;
  }

  async close(): Promise<void> {
    this.clock.close();
    await this.runtime?.close();
  }

  // ---- internals --------------------------------------------------------------------------

  private seedAccountDefaults(account: Account): void {
    for (const region of this.regionsByCloud[account.cloud]) {
      if (account.cloud === 'ucloud') {
        const rules: FirewallRule[] = [
          { protocol: 'TCP', fromPort: 22, toPort: 22, source: '0.0.0.0/0', action: 'ACCEPT', priority: 'HIGH' },
          { protocol: 'ICMP', fromPort: 0, toPort: 0, source: '0.0.0.0/0', action: 'ACCEPT', priority: 'HIGH' },
        ];
        this.createFirewall({ cloud: 'ucloud', ownerId: account.id, region: region.id, name: 'Web recommended', type: 'recommend web', rules: [...rules, { protocol: 'TCP', fromPort: 80, toPort: 80, source: '0.0.0.0/0', action: 'ACCEPT', priority: 'HIGH' }] });
        this.createFirewall({ cloud: 'ucloud', ownerId: account.id, region: region.id, name: 'Non-Web recommended', type: 'recommend non web', rules });
      } else {
        this.createFirewall({ cloud: 'aws', ownerId: account.id, region: region.id, name: 'default', description: 'default VPC security group', type: 'default' });
      }
    }
  }

  private nextAddress(): string {
    this.addressCounter += 1;
    const n = this.addressCounter;
    return `127.${this.addressBase}.${(n >> 8) & 255}.${(n & 255) || 1}`;
  }

  newId(prefix: string, length = 8): string {
    if (prefix === 'ami-' || prefix === 'i-' || prefix === 'vol-' || prefix === 'snap-' || prefix === 'sg-' || prefix === 'key-') {
      return `${prefix}${randomBytes(9).toString('hex').slice(0, length === 8 ? 17 : length)}`;
    }
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return `${prefix}${Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('')}`;
  }
}

function view(kind: ResourceView['kind'], r: { id: string; cloud: Cloud; region: string; ownerId: string; tags: Record<string, string> }, name: string, state: string): ResourceView {
  return { kind, cloud: r.cloud, id: r.id, region: r.region, ownerId: r.ownerId, name, state, tags: { ...r.tags } };
}

/** DER SubjectPublicKeyInfo of an RSA key → "ssh-rsa AAAA…" (what SSH servers compare against). */
function toOpenSshRsa(spkiDer: Buffer): string {
  const jwk = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const mpint = (b64url: string) => {
    let bytes = Buffer.from(b64url, 'base64url');
    if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return bytes;
  };
  const parts = [Buffer.from('ssh-rsa'), mpint(jwk.e!), mpint(jwk.n!)];
  const blob = Buffer.concat(parts.flatMap((p) => [uint32(p.length), p]));
  return `ssh-rsa ${blob.toString('base64')}`;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
