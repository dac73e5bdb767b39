import { randomUUID } from 'node:crypto';
import {
  AuthorizeSecurityGroupIngressCommand,
  CopyImageCommand,
  CreateImageCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeTagsCommand,
  DescribeRegionsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type BlockDeviceMapping,
  type EC2Client,
  type Image,
  type ResourceType,
  type TagSpecification,
  type VolumeType,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { CLOUD_ERROR_CODES, CloudApiError, isCloudApiError, isNotFound } from '@/server/clouds/cloud-error';
import type { CloudLogger, ProviderOptions } from '@/server/clouds/options';
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
  RunResourceKind,
  ZoneCapabilities,
} from '@/server/clouds/provider';
import { RUN_ID_TAG } from '@/server/clouds/provider';
import { Ec2ClientPool, requestHook, toCloudApiError } from './client';
import { EBS_BOOT_VOLUME_TYPES, toHostInfo, toImageInfo, toTags } from './mappers';
import { awsRegionName } from './region-names';

// CloudProvider over EC2 (Packer amazon-ebs semantics, reference ec2-api.md). EC2 already has
// real tags, NotFound error codes and token paging, so this is mostly a translation; the
// places where EC2 needs more than one call (deleteImage, createFirewall) say why.

/** EC2 rejects MaxResults outside 5–1000 for DescribeImages (InvalidParameterValue). */
const IMAGE_PAGE_MIN = 5;
const IMAGE_PAGE_MAX = 1000;
const DEFAULT_HOME_REGION = 'us-east-1';

type SendOptions = { abortSignal?: AbortSignal };

export class AwsProvider implements CloudProvider {
  readonly cloud = 'aws' as const;
  readonly reportsRequests = true;
  private readonly clients: Ec2ClientPool;
  private readonly homeRegion: string;
  private readonly logger?: CloudLogger;

  constructor(credentials: CloudCredentials, opts: ProviderOptions & { maxAttempts?: number } = {}) {
    if (credentials.cloud !== 'aws') throw new TypeError(`AwsProvider needs aws credentials, got ${credentials.cloud}`);
    this.clients = new Ec2ClientPool({
      accessKeyId: credentials.keyId,
      secretAccessKey: credentials.secret,
      endpoint: credentials.endpoint,
      maxAttempts: opts.maxAttempts,
    });
    this.homeRegion = opts.awsHomeRegion ?? DEFAULT_HOME_REGION;
    this.logger = opts.logger;
  }

  /** Closes the per-region clients' sockets; the provider must not be used afterwards. */
  destroy(): void {
    this.clients.destroy();
  }

  // --- account and discovery ----------------------------------------------------------------

  async testConnection(opts: CallOptions = {}): Promise<{ regions: number }> {
    return { regions: (await this.regionIds(opts)).length };
  }

  async listRegions(opts: CallOptions = {}): Promise<RegionInfo[]> {
    const ids = await this.regionIds(opts);
    // Regions are independent (separate endpoints and rate limits), so ask them side by side.
    return Promise.all(ids.map(async (id) => ({ id, name: awsRegionName(id), zones: await this.zones(id, opts) })));
  }

  async *listBaseImages(region: string, opts: CallOptions & { pageSize: number }): AsyncIterable<ImagePage> {
    const maxResults = clamp(opts.pageSize, IMAGE_PAGE_MIN, IMAGE_PAGE_MAX);
    let nextToken: string | undefined;
    let calls = 0;
    do {
      const input = { Owners: ['amazon'], Filters: [{ Name: 'state', Values: ['available'] }], MaxResults: maxResults, NextToken: nextToken };
      const res = await this.send(region, 'DescribeImages', input, (c, o) => c.send(new DescribeImagesCommand(input), o), opts);
      calls++;
      yield { images: (res.Images ?? []).map((i) => toImageInfo(region, i)), calls };
      nextToken = res.NextToken || undefined;
    } while (nextToken);
  }

  // --- images -------------------------------------------------------------------------------

  async describeImage(region: string, imageId: string, opts: CallOptions = {}): Promise<ImageInfo | null> {
    const image = await this.rawImage(region, imageId, opts);
    return image ? toImageInfo(region, image) : null;
  }

  async createImage(
    req: { region: string; hostId: string; name: string; description?: string; tags: Record<string, string> },
    opts: CallOptions = {},
  ): Promise<{ imageId: string }> {
    const input = {
      InstanceId: req.hostId,
      Name: req.name,
      Description: req.description,
      // Tag the snapshots too: they outlive a deregistered AMI and a sweeper must find them.
      TagSpecifications: tagSpecs(['image', 'snapshot'], req.tags),
    };
    const res = await this.send(req.region, 'CreateImage', input, (c, o) => c.send(new CreateImageCommand(input), o), opts);
    return { imageId: required(res.ImageId, 'CreateImage', 'ImageId') };
  }

  async copyImage(req: CopyImageRequest, opts: CallOptions = {}): Promise<{ imageId: string }> {
    // CopyImage is sent to the destination region and names the source region.
    const input = {
      SourceRegion: req.sourceRegion,
      SourceImageId: req.sourceImageId,
      Name: req.name,
      Description: req.description,
      // The same token on an SDK retry makes a second copy impossible.
      ClientToken: randomUUID(),
      TagSpecifications: tagSpecs(['image', 'snapshot'], req.tags ?? {}),
    };
    const res = await this.send(req.targetRegion, 'CopyImage', input, (c, o) => c.send(new CopyImageCommand(input), o), opts);
    return { imageId: required(res.ImageId, 'CopyImage', 'ImageId') };
  }

  /** DeregisterImage keeps the AMI's snapshots (and their cost), so they are deleted here too. */
  async deleteImage(region: string, imageId: string, opts: CallOptions = {}): Promise<void> {
    const image = await this.rawImage(region, imageId, opts);
    if (!image) return;
    const deregister = { ImageId: imageId };
    await ignoreGone(this.send(region, 'DeregisterImage', deregister, (c, o) => c.send(new DeregisterImageCommand(deregister), o), opts));
    const snapshotIds = (image.BlockDeviceMappings ?? []).flatMap((b) => (b.Ebs?.SnapshotId ? [b.Ebs.SnapshotId] : []));
    for (const SnapshotId of snapshotIds) {
      const input = { SnapshotId };
      await ignoreGone(this.send(region, 'DeleteSnapshot', input, (c, o) => c.send(new DeleteSnapshotCommand(input), o), opts));
    }
  }

  // --- hosts --------------------------------------------------------------------------------

  async createHost(req: CreateHostRequest, opts: CallOptions = {}): Promise<{ hostId: string }> {
    if (!req.login.keyPairName) throw new TypeError('EC2 hosts log in with a key pair (login.keyPairName); passwords are a UCloud option');
    const tags = { Name: req.name, ...req.tags };
    const input = {
      ImageId: req.imageId,
      InstanceType: req.hostType as _InstanceType,
      MinCount: 1,
      MaxCount: 1,
      KeyName: req.login.keyPairName,
      SecurityGroupIds: req.firewallId ? [req.firewallId] : undefined,
      Placement: req.zone ? { AvailabilityZone: req.zone } : undefined,
      BlockDeviceMappings: await this.bootDisk(req, opts),
      // The volume is tagged too, so a sweeper can tell a leftover volume's run.
      TagSpecifications: tagSpecs(['instance', 'volume'], tags),
      // Makes the SDK's retry of a timed-out RunInstances return the first instance instead of a second one.
      ClientToken: randomUUID(),
    };
    // req.publicIp: builds run in the default VPC, whose subnets give every instance a public IP.
    const res = await this.send(req.region, 'RunInstances', input, (c, o) => c.send(new RunInstancesCommand(input), o), opts);
    return { hostId: required(res.Instances?.[0]?.InstanceId, 'RunInstances', 'Instances[0].InstanceId') };
  }

  /** Describable until EC2 forgets it (about an hour after termination), then null. */
  async describeHost(region: string, hostId: string, opts: CallOptions = {}): Promise<HostInfo | null> {
    const input = { InstanceIds: [hostId] };
    const res = await ignoreGone(this.send(region, 'DescribeInstances', input, (c, o) => c.send(new DescribeInstancesCommand(input), o), opts));
    const instance = res?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === hostId);
    return instance ? toHostInfo(region, instance) : null;
  }

  async stopHost(region: string, hostId: string, opts: CallOptions = {}): Promise<void> {
    const input = { InstanceIds: [hostId] };
    await this.send(region, 'StopInstances', input, (c, o) => c.send(new StopInstancesCommand(input), o), opts);
  }

  /** EC2 terminates from any state, and terminating twice is accepted. */
  async terminateHost(region: string, hostId: string, opts: CallOptions = {}): Promise<void> {
    const input = { InstanceIds: [hostId] };
    await ignoreGone(this.send(region, 'TerminateInstances', input, (c, o) => c.send(new TerminateInstancesCommand(input), o), opts));
  }

  // --- key pairs and security groups --------------------------------------------------------

  async createKeyPair(region: string, name: string, tags: Record<string, string>, opts: CallOptions = {}): Promise<KeyPairInfo> {
    const input = { KeyName: name, TagSpecifications: tagSpecs(['key-pair'], tags) };
    const res = await this.send(region, 'CreateKeyPair', input, (c, o) => c.send(new CreateKeyPairCommand(input), o), opts);
    return { name: res.KeyName ?? name, id: res.KeyPairId ?? '', region, privateKeyPem: res.KeyMaterial };
  }

  async deleteKeyPair(region: string, name: string, opts: CallOptions = {}): Promise<void> {
    const input = { KeyName: name };
    await ignoreGone(this.send(region, 'DeleteKeyPair', input, (c, o) => c.send(new DeleteKeyPairCommand(input), o), opts));
  }

  async createFirewall(
    req: { region: string; name: string; sshPort: number; sourceCidrs: string[]; tags: Record<string, string> },
    opts: CallOptions = {},
  ): Promise<FirewallInfo> {
    const create = {
      GroupName: req.name,
      Description: `Temporary SSH access for ${req.name}`,
      TagSpecifications: tagSpecs(['security-group'], { Name: req.name, ...req.tags }),
    };
    const res = await this.send(req.region, 'CreateSecurityGroup', create, (c, o) => c.send(new CreateSecurityGroupCommand(create), o), opts);
    const groupId = required(res.GroupId, 'CreateSecurityGroup', 'GroupId');
    const v4 = req.sourceCidrs.filter((c) => !c.includes(':'));
    const v6 = req.sourceCidrs.filter((c) => c.includes(':'));
    const authorize = {
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: req.sshPort,
          ToPort: req.sshPort,
          IpRanges: v4.length ? v4.map((CidrIp) => ({ CidrIp, Description: 'ssh' })) : undefined,
          Ipv6Ranges: v6.length ? v6.map((CidrIpv6) => ({ CidrIpv6, Description: 'ssh' })) : undefined,
        },
      ],
    };
    try {
      await this.send(req.region, 'AuthorizeSecurityGroupIngress', authorize, (c, o) => c.send(new AuthorizeSecurityGroupIngressCommand(authorize), o), opts);
    } catch (err) {
      // The caller never learns the group id when this throws, so nothing would clean it up.
      await this.deleteFirewall(req.region, groupId).catch(() => undefined);
      throw err;
    }
    return { id: groupId, region: req.region, name: req.name };
  }

  /**
   * NotFound counts as deleted. While an instance (even a shutting-down one) still uses the
   * group EC2 answers DependencyViolation, surfaced as a retryable CloudApiError so the caller
   * waits for the termination and tries again.
   */
  async deleteFirewall(region: string, firewallId: string, opts: CallOptions = {}): Promise<void> {
    const input = { GroupId: firewallId };
    await ignoreGone(this.send(region, 'DeleteSecurityGroup', input, (c, o) => c.send(new DeleteSecurityGroupCommand(input), o), opts));
  }

  /** Builds use the instance's own public IP (default subnet); no Elastic IP is ever allocated. */
  async listPublicIps(_region: string, _opts?: CallOptions): Promise<PublicIpInfo[]> {
    return [];
  }

  /** Nothing to release: see listPublicIps. */
  async releasePublicIp(_region: string, _id: string, _opts?: CallOptions): Promise<void> {}

  /** Never used by amazon-ebs builds (they take the default subnet's public IP); refused rather than imitated. */
  async allocatePublicIp(req: AllocatePublicIpRequest, _opts?: CallOptions): Promise<PublicIpInfo> {
    throw new CloudApiError({ provider: 'aws', action: 'AllocateAddress', region: req.region, code: 'UNSUPPORTED', detail: 'builds on EC2 use the public IP of the default subnet; Elastic IPs are not allocated', retryable: false });
  }

  async bindPublicIp(region: string, _id: string, _hostId: string, _opts?: CallOptions): Promise<void> {
    throw new CloudApiError({ provider: 'aws', action: 'AssociateAddress', region, code: 'UNSUPPORTED', detail: 'builds on EC2 use the public IP of the default subnet; Elastic IPs are not associated', retryable: false });
  }

  /**
   * DescribeTags finds every resource carrying `rome:run-id` = the run id in one listing; instances
   * already terminated are dropped, key pairs are turned into names (DeleteKeyPair's handle).
   * Snapshots and volumes go with their image / instance, so they are not listed on their own.
   */
  async findResourcesByRunId(region: string, runId: string, opts: CallOptions = {}): Promise<RunResource[]> {
    const tagged: { id: string; type: string }[] = [];
    let nextToken: string | undefined;
    do {
      const input = { Filters: [{ Name: 'key', Values: [RUN_ID_TAG] }, { Name: 'value', Values: [runId] }], MaxResults: 1000, NextToken: nextToken };
      const res = await this.send(region, 'DescribeTags', input, (c, o) => c.send(new DescribeTagsCommand(input), o), opts);
      for (const t of res.Tags ?? []) if (t.ResourceId && t.ResourceType) tagged.push({ id: t.ResourceId, type: t.ResourceType });
      nextToken = res.NextToken || undefined;
    } while (nextToken);
    const kinds: Record<string, RunResourceKind> = { instance: 'host', 'security-group': 'firewall', image: 'image' };
    const out: RunResource[] = [];
    for (const t of tagged) {
      const kind = kinds[t.type];
      if (!kind) continue;
      if (kind === 'host') {
        const host = await this.describeHost(region, t.id, opts);
        if (!host || host.state === 'terminated') continue;
      }
      out.push({ kind, id: t.id, region, name: t.id });
    }
    const keyIds = tagged.filter((t) => t.type === 'key-pair').map((t) => t.id);
    if (keyIds.length > 0) {
      const input = { KeyPairIds: keyIds };
      const res = await ignoreGone(this.send(region, 'DescribeKeyPairs', input, (c, o) => c.send(new DescribeKeyPairsCommand(input), o), opts));
      for (const k of res?.KeyPairs ?? []) if (k.KeyName) out.push({ kind: 'keypair', id: k.KeyName, region, name: k.KeyName });
    }
    return out;
  }

  async tagResource(region: string, resourceId: string, tags: Record<string, string>, opts: CallOptions = {}): Promise<void> {
    if (Object.keys(tags).length === 0) return;
    const input = { Resources: [resourceId], Tags: toTags(tags) };
    await this.send(region, 'CreateTags', input, (c, o) => c.send(new CreateTagsCommand(input), o), opts);
  }

  // --- internals ----------------------------------------------------------------------------

  /** One SDK call: abort wins over any error, every other failure becomes a CloudApiError. */
  private async send<T>(region: string, action: string, input: object, run: (client: EC2Client, o: SendOptions) => Promise<T>, opts: CallOptions): Promise<T> {
    const started = Date.now();
    let outcome: { requestId?: string; code?: string; attempts?: number } = {};
    try {
      const client = this.clients.get(region);
      const res = await (opts.beforeRequest ? requestHook.run(opts.beforeRequest, () => run(client, { abortSignal: opts.signal })) : run(client, { abortSignal: opts.signal }));
      const meta = (res as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
      outcome = { requestId: meta?.requestId, attempts: meta?.attempts };
      return res;
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const e = toCloudApiError(err, action, region, input as Record<string, unknown>);
      outcome = { requestId: e.requestId, code: e.code };
      throw e;
    } finally {
      this.logger?.debug({ cloud: 'aws', action, region, ...outcome, durationMs: Date.now() - started }, 'aws call');
    }
  }

  private async regionIds(opts: CallOptions): Promise<string[]> {
    const res = await this.send(this.homeRegion, 'DescribeRegions', {}, (c, o) => c.send(new DescribeRegionsCommand({}), o), opts);
    return (res.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
  }

  private async zones(region: string, opts: CallOptions): Promise<ZoneCapabilities[]> {
    // Local and Wavelength zones are not where builds run.
    const azInput = { Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] };
    const azs = await this.send(region, 'DescribeAvailabilityZones', azInput, (c, o) => c.send(new DescribeAvailabilityZonesCommand(azInput), o), opts);
    const types = new Map<string, Set<string>>();
    for (const z of azs.AvailabilityZones ?? []) if (z.ZoneName) types.set(z.ZoneName, new Set());
    let nextToken: string | undefined;
    do {
      const input = { LocationType: 'availability-zone' as const, MaxResults: 1000, NextToken: nextToken };
      const res = await this.send(region, 'DescribeInstanceTypeOfferings', input, (c, o) => c.send(new DescribeInstanceTypeOfferingsCommand(input), o), opts);
      for (const offer of res.InstanceTypeOfferings ?? []) {
        if (offer.Location && offer.InstanceType) types.get(offer.Location)?.add(offer.InstanceType);
      }
      nextToken = res.NextToken || undefined;
    } while (nextToken);
    return [...types].sort(([a], [b]) => a.localeCompare(b)).map(([zone, t]) => ({ zone, bootDiskTypes: [...EBS_BOOT_VOLUME_TYPES], hostTypes: [...t].sort() }));
  }

  private async rawImage(region: string, imageId: string, opts: CallOptions): Promise<Image | null> {
    const input = { ImageIds: [imageId] };
    const res = await ignoreGone(this.send(region, 'DescribeImages', input, (c, o) => c.send(new DescribeImagesCommand(input), o), opts));
    return res?.Images?.find((i) => i.ImageId === imageId) ?? null;
  }

  /** The root volume override; it must name the AMI's own root device, hence the lookup. */
  private async bootDisk(req: CreateHostRequest, opts: CallOptions): Promise<BlockDeviceMapping[] | undefined> {
    if (!req.bootDiskType && !req.bootDiskSizeGb) return undefined;
    const image = await this.rawImage(req.region, req.imageId, opts);
    // A missing image is RunInstances' to report (InvalidAMIID.NotFound), with its own wording.
    if (!image?.RootDeviceName) return undefined;
    return [
      {
        DeviceName: image.RootDeviceName,
        Ebs: { VolumeType: req.bootDiskType as VolumeType | undefined, VolumeSize: req.bootDiskSizeGb, DeleteOnTermination: true },
      },
    ];
  }
}

function tagSpecs(types: ResourceType[], tags: Record<string, string>): TagSpecification[] | undefined {
  if (Object.keys(tags).length === 0) return undefined;
  return types.map((ResourceType) => ({ ResourceType, Tags: toTags(tags) }));
}

/** Resolves to null when the resource is already gone (NotFound, or a deregistered AMI). */
async function ignoreGone<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err) || (isCloudApiError(err) && err.code === 'InvalidAMIID.Unavailable')) return null;
    throw err;
  }
}

function clamp(n: number, min: number, max: number): number {
  if (!Number.isFinite(n)) return max;
  return Math.min(max, Math.max(min, Math.floor(n)));
}

function required(value: string | undefined, action: string, field: string): string {
  if (value) return value;
  // The action took effect (it answered 200), so repeating it would duplicate the resource.
  throw new CloudApiError({ provider: 'aws', action, code: CLOUD_ERROR_CODES.INVALID_RESPONSE, detail: `answer has no ${field}`, retryable: false });
}
