import { CLOUD_ERROR_CODES, CloudApiError, isCloudApiError, isNotFound } from '@/server/clouds/cloud-error';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS, type CloudLogger, type ProviderOptions } from '@/server/clouds/options';
import type {
  AllocatePublicIpRequest,
  CallOptions,
  CloudCredentials,
  CloudProvider,
  CopyImageRequest,
  CreateHostRequest,
  FirewallInfo,
  HostInfo,
  ImageInfo,
  ImagePage,
  KeyPairInfo,
  PublicIpInfo,
  RegionInfo,
  RunResource,
} from '@/server/clouds/provider';
import { RUN_ID_TAG } from '@/server/clouds/provider';
import { exponentialBackoff, retry } from '@/server/lib/retry';
import { UCloudClient, type UCloudClientOptions } from './client';
import { parseHostType } from './host-type';
import { businessGroup, remarkOf, toHostInfo, toImageInfo, ucloudImageName, ucloudLabel, zoneCapabilities } from './mappers';
import type { EIPPayMode, TCreateUHostInstanceRequest, TUHostInstanceSet, TUHostKeyPair } from './types';

// CloudProvider over our UCloudClient, following the Packer ucloud-uhost builder where it is
// right (reference §3) and going past it where it leaks: names and the run id are fitted into
// UCloud's labels (it has no free-form tags), and terminate does its own stop-and-wait.

/** RetCodes that mean "already gone" for one action but are not generic NotFound codes. */
const NOT_A_CUSTOM_IMAGE = 8956; // TerminateCustomImage: missing, or not a custom image
const EIP_NOT_BOUND = 4211;
/** Retry-later answers while a host changes state: 8856 stop before delete, 8905 power state. */
const HOST_BUSY = new Set([8856, 8905]);
const FIREWALL_IN_USE = 4361;

/** DescribeImage's page size is capped at 100 (DescribeUHostInstance's documented maximum; the sandbox enforces it). */
const IMAGE_PAGE_MAX = 100;
const EIP_PAGE = 100;
/** UCloud's minimum Linux boot disk, used only when the image's size cannot be read. */
const FALLBACK_BOOT_DISK_GB = 20;
/** Packer's eip_charge_mode words → PayMode; vendor words pass through. */
const PAY_MODES: Record<string, EIPPayMode> = { traffic: 'Traffic', bandwidth: 'Bandwidth', post_accurate_bandwidth: 'PostAccurateBandwidth' };

/** A wait that is not over yet; only ever seen inside terminateHost's retry loop. */
class NotYet extends Error {}

export class UCloudProvider implements CloudProvider {
  readonly cloud = 'ucloud' as const;
  /** Every request goes through CallOptions.beforeRequest (composite methods such as createHost send several). */
  readonly reportsRequests = true;
  private readonly client: UCloudClient;
  private readonly projectId?: string;
  private defaultProject?: Promise<string>;
  private readonly pollMs: number;
  private readonly waitTimeoutMs: number;
  private readonly logger?: CloudLogger;

  constructor(credentials: CloudCredentials, opts: ProviderOptions & { client?: Partial<UCloudClientOptions> } = {}) {
    if (credentials.cloud !== 'ucloud') throw new TypeError(`UCloudProvider needs ucloud credentials, got ${credentials.cloud}`);
    this.projectId = credentials.projectId;
    this.client = new UCloudClient({
      publicKey: credentials.keyId,
      privateKey: credentials.secret,
      projectId: credentials.projectId,
      baseUrl: credentials.endpoint,
      logger: opts.logger,
      ...opts.client,
    });
    this.pollMs = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    this.logger = opts.logger;
  }

  // --- account and discovery ----------------------------------------------------------------

  /** GetProjectList proves the keys (and that the configured project is theirs), GetRegion the regional side. */
  async testConnection(opts: CallOptions = {}): Promise<{ regions: number }> {
    await this.project(opts);
    const res = await this.client.getRegion(opts);
    return { regions: new Set(res.Regions.map((r) => r.Region)).size };
  }

  async listRegions(opts: CallOptions = {}): Promise<RegionInfo[]> {
    // GetRegion lists one element per (region, zone) pair.
    const res = await this.client.getRegion(opts);
    const regions = new Map<string, { name: string; zones: string[] }>();
    for (const r of res.Regions) {
      const entry = regions.get(r.Region) ?? { name: r.RegionName || r.Region, zones: [] };
      if (!entry.zones.includes(r.Zone)) entry.zones.push(r.Zone);
      regions.set(r.Region, entry);
    }
    return Promise.all(
      [...regions].map(async ([id, r]) => {
        const types = await this.client.describeAvailableInstanceTypes({ Region: id }, opts);
        return { id, name: r.name, zones: zoneCapabilities(r.zones, types.AvailableInstanceTypes) };
      }),
    );
  }

  async *listBaseImages(region: string, opts: CallOptions & { pageSize: number }): AsyncIterable<ImagePage> {
    const pageSize = Math.min(IMAGE_PAGE_MAX, Math.max(1, Math.floor(opts.pageSize) || IMAGE_PAGE_MAX));
    for await (const page of this.client.listImages({ Region: region, ImageType: 'Base' }, { pageSize, signal: opts.signal })) {
      yield { images: page.images.map((i) => toImageInfo(region, i)), calls: page.page, totalCount: page.totalCount };
    }
  }

  // --- images -------------------------------------------------------------------------------

  /** DescribeImage answers an unknown id with an empty set, which is null here. */
  async describeImage(region: string, imageId: string, opts: CallOptions = {}): Promise<ImageInfo | null> {
    const res = await this.client.describeImage({ Region: region, ImageId: imageId }, opts);
    const image = res.ImageSet.find((i) => i.ImageId === imageId);
    return image ? toImageInfo(region, image) : null;
  }

  /** The host must already be stopped (8010 otherwise); stopping is the caller's step, not a side effect. */
  async createImage(
    req: { region: string; hostId: string; name: string; description?: string; tags: Record<string, string> },
    opts: CallOptions = {},
  ): Promise<{ imageId: string }> {
    const res = await this.client.createCustomImage(
      { Region: req.region, UHostId: req.hostId, ImageName: ucloudImageName(req.name), ImageDescription: req.description, Tag: businessGroup(req.tags) },
      opts,
    );
    return { imageId: res.ImageId };
  }

  async copyImage(req: CopyImageRequest, opts: CallOptions = {}): Promise<{ imageId: string }> {
    const res = await this.client.copyCustomImage(
      {
        Region: req.sourceRegion,
        SourceImageId: req.sourceImageId,
        // Copies stay in the account's project; only the region changes (8962 if neither does).
        TargetProjectId: await this.project(opts),
        TargetRegion: req.targetRegion === req.sourceRegion ? undefined : req.targetRegion,
        TargetImageName: ucloudImageName(req.name),
        TargetImageDescription: req.description,
        TargetImageTag: businessGroup(req.tags),
      },
      // UCloud takes the copy in the source region; its budget (copies into a region) is the target's.
      { ...opts, beforeRequest: opts.beforeRequest && ((action, region) => opts.beforeRequest!(action, action === 'CopyCustomImage' ? req.targetRegion : region)) },
    );
    const imageId = res.TargetImageId ?? res.Infos?.[0]?.TargetImageId;
    if (!imageId) throw invalidResponse('CopyCustomImage', req.sourceRegion, 'answer has no TargetImageId');
    return { imageId };
  }

  async deleteImage(region: string, imageId: string, opts: CallOptions = {}): Promise<void> {
    try {
      await this.client.terminateCustomImage({ Region: region, ImageId: imageId }, opts);
    } catch (err) {
      if (isNotFound(err) || retCodeOf(err) === NOT_A_CUSTOM_IMAGE) return;
      throw err;
    }
  }

  // --- hosts --------------------------------------------------------------------------------

  async createHost(req: CreateHostRequest, opts: CallOptions = {}): Promise<{ hostId: string }> {
    const size = parseHostType(req.hostType);
    const [zone, diskSize, login] = await Promise.all([
      req.zone ?? this.firstZone(req.region, opts),
      req.bootDiskSizeGb ?? this.imageSize(req.region, req.imageId, opts),
      this.login(req, opts),
    ]);
    const res = await this.client.createUHostInstance(
      {
        Region: req.region,
        Zone: zone,
        ImageId: req.imageId,
        // Templates say cloud_ssd (Packer's default and spelling); the API wants CLOUD_SSD.
        Disks: [{ IsBoot: true, Type: (req.bootDiskType ?? 'cloud_ssd').toUpperCase(), Size: diskSize }],
        ...login,
        ...size,
        MinimalCpuPlatform: req.cpuPlatform,
        Name: ucloudLabel(req.name),
        Tag: businessGroup(req.tags),
        // Hourly, as Packer bills its temporary hosts (the API's default is a month).
        ChargeType: 'Dynamic',
        SecurityGroupId: req.firewallId,
        NetworkInterface: req.publicIp
          ? [
              {
                EIP: {
                  Bandwidth: req.publicIp.bandwidthMbps,
                  PayMode: payMode(req.publicIp.chargeMode),
                  // The line: BGP in mainland regions, International in hk and overseas (reference §4).
                  OperatorName: req.region.startsWith('cn-') ? 'Bgp' : 'International',
                },
              },
            ]
          : undefined,
      },
      opts,
    );
    return { hostId: res.UHostIds[0]! };
  }

  /** UCloud deletes hosts outright: a terminated host is simply absent (null). */
  async describeHost(region: string, hostId: string, opts: CallOptions = {}): Promise<HostInfo | null> {
    const host = await this.rawHost(region, hostId, opts);
    return host ? toHostInfo(region, host) : null;
  }

  /** A graceful stop (PoweroffUHostInstance can damage the file system, reference §5 #1). */
  async stopHost(region: string, hostId: string, opts: CallOptions = {}): Promise<void> {
    await this.client.stopUHostInstance({ Region: region, UHostId: hostId }, opts);
  }

  /**
   * TerminateUHostInstance refuses a host that is not stopped (8856), so: stop it if it runs,
   * wait while it boots or stops, then terminate with its EIP and disks. A host already gone
   * is done. Unlike Packer, a host that vanishes mid-wait ends the wait instead of crashing it.
   */
  async terminateHost(region: string, hostId: string, opts: CallOptions = {}): Promise<void> {
    const deadline = Date.now() + this.waitTimeoutMs;
    let lastState = '';
    try {
      await retry(
        async () => {
          const host = await this.rawHost(region, hostId, opts);
          if (!host) return;
          lastState = host.State ?? '';
          if (lastState === 'Running') {
            await this.stopHost(region, hostId, opts);
            throw new NotYet();
          }
          if (lastState !== 'Stopped' && !/fail/i.test(lastState)) throw new NotYet();
          // Stopped, or a failed install/resize: try; 8856 means it wants a stop after all.
          try {
            await this.client.terminateUHostInstance({ Region: region, UHostId: hostId, ReleaseEIP: true, ReleaseUDisk: true }, opts);
          } catch (err) {
            if (isNotFound(err)) return;
            if (retCodeOf(err) === 8856) await this.stopHost(region, hostId, opts).catch(() => undefined);
            throw err;
          }
        },
        {
          tries: Infinity,
          signal: opts.signal,
          delay: exponentialBackoff({ baseMs: this.pollMs, capMs: this.pollMs * 10 }),
          shouldRetry: (err) => Date.now() < deadline && (err instanceof NotYet || (isCloudApiError(err) && (err.retryable || HOST_BUSY.has(err.retCode ?? 0)))),
          onRetry: ({ attempt, delayMs }) => this.logger?.debug({ cloud: 'ucloud', region, hostId, state: lastState, attempt, delayMs }, 'ucloud terminate: waiting'),
        },
      );
    } catch (err) {
      if (!(err instanceof NotYet)) throw err;
      throw new CloudApiError({
        provider: 'ucloud',
        action: 'TerminateUHostInstance',
        region,
        code: CLOUD_ERROR_CODES.TIMEOUT,
        detail: `host ${hostId} did not stop within ${this.waitTimeoutMs} ms (last state "${lastState}")`,
        retryable: true,
      });
    }
  }

  // --- key pairs ----------------------------------------------------------------------------

  /** UCloud key pairs hold a name only: `tags` cannot be stored (the run id should be in the name). */
  async createKeyPair(region: string, name: string, _tags: Record<string, string>, opts: CallOptions = {}): Promise<KeyPairInfo> {
    const res = await this.client.createUHostKeyPair({ Region: region, KeyPairName: name }, opts);
    return { name: res.KeyPair.KeyPairName ?? name, id: res.KeyPair.KeyPairId, region, privateKeyPem: res.KeyPair.PrivateKeyBody };
  }

  /** Deletes by name (the interface's handle); no pair of that name means done. */
  async deleteKeyPair(region: string, name: string, opts: CallOptions = {}): Promise<void> {
    const ids = (await this.keyPairsNamed(region, name, opts)).map((k) => k.KeyPairId);
    if (ids.length === 0) return;
    try {
      await this.client.deleteUHostKeyPairs({ Region: region, KeyPairIds: ids }, opts);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // --- firewalls ----------------------------------------------------------------------------

  async createFirewall(
    req: { region: string; name: string; sshPort: number; sourceCidrs: string[]; tags: Record<string, string> },
    opts: CallOptions = {},
  ): Promise<FirewallInfo> {
    const name = ucloudLabel(req.name);
    const res = await this.client.createFirewall(
      {
        Region: req.region,
        Name: name,
        Rule: req.sourceCidrs.map((cidr) => `TCP|${req.sshPort}|${cidr}|ACCEPT|HIGH|ssh`),
        Tag: businessGroup(req.tags),
        // Firewalls have a Remark, so they can keep every tag, not only the run id.
        Remark: remarkOf(req.tags),
      },
      opts,
    );
    return { id: res.FWId, region: req.region, name };
  }

  /** Not found (54002) is done; "in use" (4361, a host not yet terminated) is a retryable error. */
  async deleteFirewall(region: string, firewallId: string, opts: CallOptions = {}): Promise<void> {
    try {
      await this.client.deleteFirewall({ Region: region, FWId: firewallId }, opts);
    } catch (err) {
      if (isNotFound(err)) return;
      if (isCloudApiError(err) && err.retCode === FIREWALL_IN_USE && !err.retryable) throw asRetryable(err);
      throw err;
    }
  }

  // --- public IPs ---------------------------------------------------------------------------

  async listPublicIps(region: string, opts: CallOptions = {}): Promise<PublicIpInfo[]> {
    const out: PublicIpInfo[] = [];
    for (let offset = 0; ; offset += EIP_PAGE) {
      const res = await this.client.describeEIP({ Region: region, Offset: offset, Limit: EIP_PAGE }, opts);
      for (const e of res.EIPSet) {
        out.push({ id: e.EIPId, region, address: e.EIPAddr?.[0]?.IP ?? '', hostId: e.Resource?.ResourceID || e.Resource?.ResourceId || null });
      }
      if (res.EIPSet.length < EIP_PAGE || offset + EIP_PAGE >= (res.TotalCount ?? 0)) return out;
    }
  }

  async releasePublicIp(region: string, id: string, opts: CallOptions = {}): Promise<void> {
    const res = await this.client.describeEIP({ Region: region, EIPIds: [id] }, opts);
    const eip = res.EIPSet.find((e) => e.EIPId === id);
    if (!eip) return;
    const resourceId = eip.Resource?.ResourceID || eip.Resource?.ResourceId;
    const gone = (err: unknown) => isNotFound(err) || retCodeOf(err) === EIP_NOT_BOUND;
    // A bound EIP cannot be released (4212).
    if (resourceId) {
      await this.client
        .unBindEIP({ Region: region, EIPId: id, ResourceType: eip.Resource?.ResourceType || 'uhost', ResourceId: resourceId }, opts)
        .catch((err: unknown) => {
          if (!gone(err)) throw err;
        });
    }
    await this.client.releaseEIP({ Region: region, EIPId: id }, opts).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /**
   * AllocateEIP (reference §2.13) rather than the EIP block of CreateUHostInstance, which has no
   * Tag, Name or Remark: this EIP carries the run id as its business group, so a killed run's EIP
   * can be found. Hourly, like the host; AllocateEIP spells the mainland line `BGP`.
   */
  async allocatePublicIp(req: AllocatePublicIpRequest, opts: CallOptions = {}): Promise<PublicIpInfo> {
    const res = await this.client.allocateEIP(
      {
        Region: req.region,
        OperatorName: req.region.startsWith('cn-') ? 'BGP' : 'International',
        Bandwidth: req.bandwidthMbps,
        PayMode: payMode(req.chargeMode),
        ChargeType: 'Dynamic',
        Tag: businessGroup(req.tags),
        Name: ucloudLabel(req.name),
        Remark: remarkOf(req.tags),
      },
      opts,
    );
    const eip = res.EIPSet[0]!;
    return { id: eip.EIPId, region: req.region, address: eip.EIPAddr?.[0]?.IP ?? '', hostId: null };
  }

  /** BindEIP is not retried by the client (a lost answer would be a 4154 on retry): check instead. */
  async bindPublicIp(region: string, id: string, hostId: string, opts: CallOptions = {}): Promise<void> {
    try {
      await this.client.bindEIP({ Region: region, EIPId: id, ResourceType: 'uhost', ResourceId: hostId }, opts);
    } catch (err) {
      const res = await this.client.describeEIP({ Region: region, EIPIds: [id] }, opts).catch(() => null);
      const eip = res?.EIPSet.find((e) => e.EIPId === id);
      if ((eip?.Resource?.ResourceID || eip?.Resource?.ResourceId) === hostId) return;
      throw err;
    }
  }

  /**
   * The run's hosts, EIPs, firewalls and images carry its id as business group (`Tag`); key pairs
   * have no label, so theirs is found in the name (the engine names them after the run).
   */
  async findResourcesByRunId(region: string, runId: string, opts: CallOptions = {}): Promise<RunResource[]> {
    const group = businessGroup({ [RUN_ID_TAG]: runId });
    const ours = (tag: string | undefined, name: string | undefined) => tag === group || (name ?? '').includes(runId);
    const out: RunResource[] = [];
    for (let offset = 0; ; offset += IMAGE_PAGE_MAX) {
      const res = await this.client.describeUHostInstance({ Region: region, Tag: group, Offset: offset, Limit: IMAGE_PAGE_MAX }, opts);
      for (const h of res.UHostSet) if (h.Tag === group) out.push({ kind: 'host', id: h.UHostId, region, name: h.Name ?? '' });
      if (res.UHostSet.length < IMAGE_PAGE_MAX) break;
    }
    for (let offset = 0; ; offset += EIP_PAGE) {
      const res = await this.client.describeEIP({ Region: region, Offset: offset, Limit: EIP_PAGE }, opts);
      for (const e of res.EIPSet) if (ours(e.Tag, e.Name)) out.push({ kind: 'eip', id: e.EIPId, region, name: e.Name ?? e.EIPAddr?.[0]?.IP ?? '' });
      if (res.EIPSet.length < EIP_PAGE) break;
    }
    for (let offset = 0; ; offset += EIP_PAGE) {
      const res = await this.client.describeFirewall({ Region: region, Offset: offset, Limit: EIP_PAGE }, opts);
      for (const f of res.DataSet) if (f.Type === 'user defined' && ours(f.Tag, f.Name)) out.push({ kind: 'firewall', id: f.FWId, region, name: f.Name ?? '' });
      if (res.DataSet.length < EIP_PAGE) break;
    }
    for (let offset = 0; ; offset += EIP_PAGE) {
      const res = await this.client.describeUHostKeyPairs({ Region: region, Offset: offset, Limit: EIP_PAGE }, opts);
      for (const k of res.KeyPairs) if (k.KeyPairName?.includes(runId)) out.push({ kind: 'keypair', id: k.KeyPairName, region, name: k.KeyPairName });
      if (res.KeyPairs.length < EIP_PAGE) break;
    }
    for await (const page of this.client.listImages({ Region: region, ImageType: 'Custom', Tag: group }, { pageSize: IMAGE_PAGE_MAX, signal: opts.signal, beforeRequest: opts.beforeRequest })) {
      for (const i of page.images) if (i.Tag === group) out.push({ kind: 'image', id: i.ImageId, region, name: i.ImageName ?? '' });
    }
    return out;
  }

  /**
   * UCloud has no generic tag API, and its per-resource label actions cannot hold key/value
   * tags. Tags are written at creation (business group + name, see mappers.ts), so this is a
   * deliberate no-op rather than a partial imitation.
   */
  async tagResource(region: string, resourceId: string, tags: Record<string, string>, _opts?: CallOptions): Promise<void> {
    this.logger?.debug({ cloud: 'ucloud', region, resourceId, keys: Object.keys(tags) }, 'ucloud has no tag API; tags are set at creation only');
  }

  // --- internals ----------------------------------------------------------------------------

  /** The configured project, or the account's default one (checked against GetProjectList either way). */
  private project(opts: CallOptions): Promise<string> {
    if (!this.defaultProject) {
      this.defaultProject = this.client.getProjectList({}, opts).then((res) => {
        const wanted = this.projectId;
        const found = wanted ? res.ProjectSet.find((p) => p.ProjectId === wanted) : (res.ProjectSet.find((p) => p.IsDefault) ?? res.ProjectSet[0]);
        if (!found) {
          throw new CloudApiError({
            provider: 'ucloud',
            action: 'GetProjectList',
            code: '292',
            retCode: 292,
            detail: wanted ? `project ${wanted} is not one of this account's projects` : 'the account has no project',
            retryable: false,
          });
        }
        return found.ProjectId;
      });
      // A failed lookup (wrong keys, network) must not stick for the provider's life.
      this.defaultProject.catch(() => (this.defaultProject = undefined));
    }
    return this.defaultProject;
  }

  private async rawHost(region: string, hostId: string, opts: CallOptions): Promise<TUHostInstanceSet | null> {
    try {
      const res = await this.client.describeUHostInstance({ Region: region, UHostIds: [hostId] }, opts);
      return res.UHostSet.find((h) => h.UHostId === hostId) ?? null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  private async firstZone(region: string, opts: CallOptions): Promise<string> {
    const res = await this.client.getRegion(opts);
    const zone = res.Regions.find((r) => r.Region === region)?.Zone;
    if (!zone) throw new RangeError(`UCloud region ${region} has no zone this account can use`);
    return zone;
  }

  /** A boot disk defaults to the image's size, as in Packer (local disks must match it exactly). */
  private async imageSize(region: string, imageId: string, opts: CallOptions): Promise<number> {
    const image = await this.describeImage(region, imageId, opts);
    // A missing image is CreateUHostInstance's to report, with its own code (8874).
    return image?.sizeGb ?? FALLBACK_BOOT_DISK_GB;
  }

  private async login(req: CreateHostRequest, opts: CallOptions): Promise<Pick<TCreateUHostInstanceRequest, 'LoginMode' | 'Password' | 'KeyPairId'>> {
    const { keyPairName, password } = req.login;
    if (keyPairName) {
      // CreateUHostInstance takes the key pair's id; the interface hands names around (as EC2 does).
      const keyPair = (await this.keyPairsNamed(req.region, keyPairName, opts))[0];
      if (!keyPair) {
        throw new CloudApiError({
          provider: 'ucloud',
          action: 'DescribeUHostKeyPairs',
          region: req.region,
          code: 'KEY_PAIR_NOT_FOUND',
          detail: `no key pair named ${keyPairName} in ${req.region}`,
          retryable: false,
        });
      }
      return { LoginMode: 'KeyPair', KeyPairId: keyPair.KeyPairId };
    }
    if (password) return { LoginMode: 'Password', Password: password };
    throw new TypeError('a UCloud host needs login.password or login.keyPairName');
  }

  private async keyPairsNamed(region: string, name: string, opts: CallOptions): Promise<TUHostKeyPair[]> {
    const res = await this.client.describeUHostKeyPairs({ Region: region, KeyPairName: name, Limit: 100 }, opts);
    return res.KeyPairs.filter((k) => k.KeyPairName === name);
  }
}

function payMode(mode: string | undefined): EIPPayMode {
  // Packer's default eip_charge_mode is traffic; vendor words (Bandwidth…) pass through.
  if (!mode) return 'Traffic';
  return (PAY_MODES[mode.toLowerCase()] ?? mode) as EIPPayMode;
}

function retCodeOf(err: unknown): number | undefined {
  return isCloudApiError(err) ? err.retCode : undefined;
}

function asRetryable(err: CloudApiError): CloudApiError {
  return new CloudApiError({
    provider: err.provider,
    action: err.action,
    code: err.code,
    detail: err.detail,
    retCode: err.retCode,
    region: err.region,
    requestId: err.requestId,
    httpStatus: err.httpStatus,
    params: err.params,
    retryable: true,
    cause: err,
  });
}

function invalidResponse(action: string, region: string, detail: string): CloudApiError {
  // The action took effect, so repeating it would duplicate the resource.
  return new CloudApiError({ provider: 'ucloud', action, region, code: CLOUD_ERROR_CODES.INVALID_RESPONSE, detail, retryable: false });
}
