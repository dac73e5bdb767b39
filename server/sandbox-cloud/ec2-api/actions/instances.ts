import { createHash, randomBytes } from 'node:crypto';
import { readTagSpecifications, subnetForZone, tagSet } from '../common';
import type { Ec2Action, Ec2Context } from '../context';
import { checkIdShape, Ec2Error, fromSandboxError, notFound } from '../errors';
import { applyFilters, paginate } from '../filters';
import { instanceTypeInfo } from '../instance-types';
import { readFilters } from '../query';
import { ec2Extras } from '../state';
import type { XmlObject } from '../xml';
import type { Host, HostState } from '../../world/types';
import { SandboxError } from '../../world/world';
import { ROOT_DEVICE } from './images';
import { findGroup, findSubnet, ownGroups } from './network';
import { knownInstanceTypes, zonesOffering } from './regions';

// Instances are the world's hosts. Their `ipAddress` is the host's own loopback address, where
// its SSH server listens on world.sshPort: Packer (with a vpcId present) and the console SSH
// there. `reason`/`stateReason` always come as a pair, because Packer dereferences stateReason
// without a check once a reason element exists.

const STATES: Record<HostState, { code: number; name: string }> = {
  pending: { code: 0, name: 'pending' },
  running: { code: 16, name: 'running' },
  terminating: { code: 32, name: 'shutting-down' },
  terminated: { code: 48, name: 'terminated' },
  stopping: { code: 64, name: 'stopping' },
  stopped: { code: 80, name: 'stopped' },
};

function ownHosts(ctx: Ec2Context): Host[] {
  return ctx.world.listHosts('aws', ctx.region.id, ctx.account.id);
}

function findHost(ctx: Ec2Context, id: string): Host {
  checkIdShape(id, 'i-');
  const host = ctx.world.findHost('aws', ctx.region.id, id, ctx.account.id);
  if (!host) throw notFound(id);
  return host;
}

function instanceIds(ctx: Ec2Context): string[] {
  const ids = ctx.params.list('InstanceId');
  if (!ids.length) throw new Ec2Error('MissingParameter', 'The request must contain the parameter InstanceId');
  return ids;
}

function reservationOf(ctx: Ec2Context, host: Host): string {
  return ec2Extras(ctx.world).reservations.get(host.id) ?? `r-${createHash('sha256').update(`reservation|${host.id}`).digest('hex').slice(0, 17)}`;
}

function dnsSuffix(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

/** "User initiated (2026-11-27 10:00:00 GMT)" plus its stateReason twin, or neither. */
function reasons(ctx: Ec2Context, host: Host): { reason?: string; stateReason?: XmlObject } {
  if (host.state === 'pending') return { reason: '', stateReason: { code: 'pending', message: 'pending' } };
  if (host.state === 'running') return {};
  const at = ec2Extras(ctx.world).stateChangedAt.get(host.id) ?? Date.now();
  const when = new Date(at).toISOString().replace('T', ' ').slice(0, 19);
  const code = 'Client.UserInitiatedShutdown';
  return {
    reason: `User initiated (${when} GMT)`,
    stateReason: { code, message: `${code}: ${host.stateReason ?? 'User initiated shutdown'}` },
  };
}

function instanceView(ctx: Ec2Context, host: Host): XmlObject {
  const { world } = ctx;
  const image = world.images.get(host.imageId);
  const subnet = subnetForZone(ctx, host.zone);
  const vpcId = world.defaultVpcId('aws', host.region, host.ownerId);
  const reachable = host.state === 'pending' || host.state === 'running';
  const groups = host.securityGroupIds.map((id) => world.firewalls.get(id)).filter((g) => g !== undefined).map((g) => ({ groupId: g.id, groupName: g.name }));
  const volumes = host.volumeIds.flatMap((id) => world.volumes.get(id) ?? []).filter((v) => v.state !== 'deleted');
  const privateDnsName = `ip-${host.privateIp.replaceAll('.', '-')}.${dnsSuffix(host.region)}`;
  const launchTime = new Date(host.createdAt);
  const association = reachable ? { publicIp: host.address, publicDnsName: '', ipOwnerId: 'amazon' } : undefined;
  const info = instanceTypeInfo(host.machineType);
  const eni = `eni-${createHash('sha256').update(`eni|${host.id}`).digest('hex').slice(0, 17)}`;
  return {
    instanceId: host.id,
    imageId: host.imageId,
    instanceState: STATES[host.state],
    privateDnsName,
    dnsName: '',
    ...reasons(ctx, host),
    keyName: host.keyName,
    amiLaunchIndex: 0,
    productCodes: [],
    instanceType: host.machineType,
    launchTime,
    placement: { availabilityZone: host.zone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: subnet?.id,
    vpcId,
    privateIpAddress: host.privateIp,
    ipAddress: reachable ? host.address : undefined,
    sourceDestCheck: true,
    groupSet: groups,
    architecture: image?.architecture ?? info.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: ROOT_DEVICE,
    blockDeviceMapping: volumes.map((v) => ({
      deviceName: v.device,
      ebs: { volumeId: v.id, status: host.state === 'terminating' ? 'detaching' : 'attached', attachTime: launchTime, deleteOnTermination: v.deleteOnTermination },
    })),
    virtualizationType: 'hvm',
    clientToken: '',
    tagSet: tagSet(host.tags),
    hypervisor: 'xen',
    networkInterfaceSet:
      host.state === 'terminated'
        ? []
        : [
            {
              networkInterfaceId: eni,
              subnetId: subnet?.id,
              vpcId,
              description: '',
              ownerId: host.ownerId,
              status: 'in-use',
              privateIpAddress: host.privateIp,
              privateDnsName,
              sourceDestCheck: true,
              groupSet: groups,
              attachment: { attachmentId: `eni-attach-${eni.slice(4)}`, deviceIndex: 0, networkCardIndex: 0, status: 'attached', attachTime: launchTime, deleteOnTermination: true },
              association,
              privateIpAddressesSet: [{ privateIpAddress: host.privateIp, privateDnsName, primary: true, association }],
              interfaceType: 'interface',
            },
          ],
    ebsOptimized: false,
    enaSupport: image?.enaSupport,
    cpuOptions: { coreCount: Math.max(1, Math.floor(info.vcpus / 2)), threadsPerCore: info.vcpus > 1 ? 2 : 1 },
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
  };
}

// ---- RunInstances -------------------------------------------------------------------------

const MAX_INSTANCES_PER_CALL = 20;

const runInstances: Ec2Action = async (ctx) => {
  const { world, account, params } = ctx;
  const imageId = params.required('ImageId');
  checkIdShape(imageId, 'ami-');
  const instanceType = params.required('InstanceType');
  if (!knownInstanceTypes(ctx).has(instanceType)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);
  const minCount = params.int('MinCount') ?? 1;
  const maxCount = params.int('MaxCount') ?? minCount;
  if (minCount < 1 || maxCount < minCount) throw new Ec2Error('InvalidParameterValue', `Invalid value for MinCount/MaxCount: ${minCount}/${maxCount} (need 1 <= MinCount <= MaxCount)`);
  if (minCount > MAX_INSTANCES_PER_CALL) {
    throw new Ec2Error('InstanceLimitExceeded', `You have requested more instances (${minCount}) than your current instance limit of ${MAX_INSTANCES_PER_CALL} allows for the specified instance type.`);
  }
  const count = Math.min(maxCount, MAX_INSTANCES_PER_CALL);
  const behavior = params.str('InstanceInitiatedShutdownBehavior');
  if (behavior && behavior !== 'stop' && behavior !== 'terminate') {
    throw new Ec2Error('InvalidParameterValue', `Invalid value '${behavior}' for InstanceInitiatedShutdownBehavior. Expecting stop or terminate.`);
  }

  const keyName = params.str('KeyName');
  if (keyName && !world.findKeyPair('aws', ctx.region.id, account.id, keyName)) {
    throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
  }

  // Network: plain SubnetId/SecurityGroupId.N, or the NetworkInterface.1.* form Packer uses
  // with associate_public_ip_address. Only the default VPC exists.
  const nic = params.structs('NetworkInterface')[0];
  const subnetId = params.str('SubnetId') ?? nic?.str('SubnetId');
  const subnet = subnetId ? findSubnet(ctx, subnetId) : undefined;
  const groupIds = [...params.list('SecurityGroupId'), ...(nic?.list('SecurityGroupId') ?? [])];
  const groups = groupIds.map((id) => findGroup(ctx, id));
  for (const name of params.list('SecurityGroup')) {
    const g = ownGroups(ctx).find((f) => f.name === name);
    if (!g) throw new Ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${world.defaultVpcId('aws', ctx.region.id, account.id)}'`);
    groups.push(g);
  }
  if (!groups.length) {
    const fallback = ownGroups(ctx).find((g) => g.type === 'default');
    if (fallback) groups.push(fallback);
  }

  const askedZone = params.child('Placement').str('AvailabilityZone');
  if (askedZone && !ctx.region.zones.some((z) => z.id === askedZone)) throw new Ec2Error('InvalidParameterValue', `Invalid availability zone: [${askedZone}]`);
  if (askedZone && subnet && subnet.zone.id !== askedZone) {
    throw new Ec2Error('InvalidParameterValue', `Value (${askedZone}) for parameter availabilityZone is invalid. Subnet '${subnet.id}' is in the availability zone ${subnet.zone.id}`);
  }
  const zone = subnet?.zone.id ?? askedZone ?? ctx.region.zones[0]!.id;

  const image = world.findImage('aws', ctx.region.id, imageId, account.id);
  if (!image) throw notFound(imageId);
  const info = instanceTypeInfo(instanceType);
  // Only where the zone offers the type: elsewhere the world's "Unsupported" is the truer answer.
  const offered = ctx.region.zones.find((z) => z.id === zone)?.machineTypes.some((m) => m.type === instanceType) ?? false;
  if (offered && image.state === 'available' && image.architecture !== info.architecture) {
    throw new Ec2Error(
      'InvalidParameterValue',
      `The architecture '${info.architecture}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );
  }

  // Root volume overrides from BlockDeviceMapping.N (size, type, delete-on-termination).
  const rootMapping = params.structs('BlockDeviceMapping').find((b) => b.str('DeviceName') === ROOT_DEVICE || b.str('DeviceName') === '/dev/sda1');
  const ebs = rootMapping?.child('Ebs');
  const sizeGb = ebs?.int('VolumeSize');
  if (sizeGb !== undefined && sizeGb < image.sizeGb) {
    throw new Ec2Error('InvalidBlockDeviceMapping', `Volume of size ${sizeGb}GB is smaller than snapshot '${image.snapshotIds[0] ?? image.id}', expect size >= ${image.sizeGb}GB`);
  }
  const volumeType = ebs?.str('VolumeType') ?? 'gp2';
  if (!['gp2', 'gp3', 'io1', 'io2', 'standard', 'st1', 'sc1'].includes(volumeType)) {
    throw new Ec2Error('InvalidParameterValue', `Value (${volumeType}) for parameter volumeType is invalid. Expecting one of gp2, gp3, io1, io2, standard, st1, sc1.`);
  }
  const deleteOnTermination = ebs?.bool('DeleteOnTermination');

  const tags = readTagSpecifications(params, ['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu']);
  const reservationId = `r-${randomBytes(9).toString('hex').slice(0, 17)}`;
  const hosts: Host[] = [];
  for (let i = 0; i < count; i++) {
    let host: Host;
    try {
      host = await world.createHost({
        cloud: 'aws',
        ownerId: account.id,
        region: ctx.region.id,
        zone,
        imageId,
        machineType: instanceType,
        cpu: info.vcpus,
        memoryMb: info.memoryMiB,
        bootDiskType: volumeType,
        bootDiskSizeGb: sizeGb,
        name: tags.instance?.Name ?? '',
        login: { keyName },
        securityGroupIds: groups.map((g) => g.id),
        tags: tags.instance,
      });
    } catch (err) {
      if (hosts.length >= minCount) break; // EC2 launches as many as it can, at least MinCount.
      for (const h of hosts) world.terminateHost(h);
      throw err instanceof SandboxError ? fromSandboxError(err, { zonesOffering: (t) => zonesOffering(ctx, t) }) : err;
    }
    ec2Extras(world).reservations.set(host.id, reservationId);
    for (const volumeId of host.volumeIds) {
      const volume = world.volumes.get(volumeId);
      if (!volume) continue;
      Object.assign(volume.tags, tags.volume);
      if (deleteOnTermination !== undefined) volume.deleteOnTermination = deleteOnTermination;
    }
    hosts.push(host);
  }
  return { reservationId, ownerId: account.id, groupSet: [], instancesSet: hosts.map((h) => instanceView(ctx, h)) };
};

// ---- DescribeInstances / DescribeInstanceStatus -----------------------------------------------

function hostsById(ctx: Ec2Context, ids: string[]): Host[] {
  ids.forEach((id) => checkIdShape(id, 'i-'));
  const hosts = ownHosts(ctx);
  const missing = ids.filter((id) => !hosts.some((h) => h.id === id));
  if (missing.length === 1) throw notFound(missing[0]!);
  if (missing.length > 1) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  return ids.length ? hosts.filter((h) => ids.includes(h.id)) : hosts;
}

const describeInstances: Ec2Action = (ctx) => {
  const { params } = ctx;
  const ids = params.list('InstanceId');
  if (ids.length && params.str('MaxResults')) {
    throw new Ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const hosts = applyFilters(
    hostsById(ctx, ids),
    readFilters(params),
    {
      'instance-id': (h) => h.id,
      'instance-state-name': (h) => STATES[h.state].name,
      'instance-state-code': (h) => STATES[h.state].code,
      'instance-type': (h) => h.machineType,
      'image-id': (h) => h.imageId,
      'vpc-id': (h) => ctx.world.defaultVpcId('aws', h.region, h.ownerId),
      'subnet-id': (h) => subnetForZone(ctx, h.zone)?.id,
      'availability-zone': (h) => h.zone,
      'key-name': (h) => h.keyName,
      'private-ip-address': (h) => h.privateIp,
      'ip-address': (h) => (h.state === 'running' || h.state === 'pending' ? h.address : undefined),
      'instance.group-id': (h) => h.securityGroupIds,
      'group-id': (h) => h.securityGroupIds,
      'instance.group-name': (h) => h.securityGroupIds.map((id) => ctx.world.firewalls.get(id)?.name),
      'group-name': (h) => h.securityGroupIds.map((id) => ctx.world.firewalls.get(id)?.name),
      'reservation-id': (h) => reservationOf(ctx, h),
      'owner-id': (h) => h.ownerId,
      architecture: (h) => instanceTypeInfo(h.machineType).architecture,
      'root-device-type': () => 'ebs',
      'launch-time': (h) => new Date(h.createdAt).toISOString(),
      'block-device-mapping.volume-id': (h) => h.volumeIds,
    },
    (h) => h.tags,
  );
  const { page, nextToken } = paginate(hosts, (h) => h.id, params, { min: 5, max: 1000 });
  const reservations = new Map<string, Host[]>();
  for (const h of page) {
    const r = reservationOf(ctx, h);
    reservations.set(r, [...(reservations.get(r) ?? []), h]);
  }
  return {
    reservationSet: [...reservations].map(([reservationId, hs]) => ({
      reservationId,
      ownerId: ctx.account.id,
      groupSet: [],
      instancesSet: hs.map((h) => instanceView(ctx, h)),
    })),
    nextToken,
  };
};

const describeInstanceStatus: Ec2Action = (ctx) => {
  const { params } = ctx;
  const includeAll = params.bool('IncludeAllInstances') ?? false;
  let hosts = hostsById(ctx, params.list('InstanceId')).filter((h) => includeAll || h.state === 'running');
  const status = (h: Host) => (h.state !== 'running' ? 'not-applicable' : h.unreachable ? 'impaired' : 'ok');
  hosts = applyFilters(
    hosts,
    readFilters(params),
    {
      'instance-state-name': (h) => STATES[h.state].name,
      'instance-state-code': (h) => STATES[h.state].code,
      'availability-zone': (h) => h.zone,
      'instance-status.status': status,
      'system-status.status': (h) => (h.state === 'running' ? 'ok' : 'not-applicable'),
    },
    (h) => h.tags,
  );
  const { page, nextToken } = paginate(hosts, (h) => h.id, params, { min: 5, max: 1000 });
  return {
    instanceStatusSet: page.map((h) => ({
      instanceId: h.id,
      availabilityZone: h.zone,
      instanceState: STATES[h.state],
      systemStatus: { status: h.state === 'running' ? 'ok' : 'not-applicable', details: [{ name: 'reachability', status: 'passed' }] },
      instanceStatus: { status: status(h), details: [{ name: 'reachability', status: h.unreachable ? 'failed' : 'passed' }] },
    })),
    nextToken,
  };
};

// ---- state changes ---------------------------------------------------------------------------

function stateChanges(ctx: Ec2Context, hosts: Host[], change: (h: Host) => void): XmlObject {
  return {
    instancesSet: hosts.map((h) => {
      const previousState = STATES[h.state];
      change(h);
      return { instanceId: h.id, currentState: STATES[h.state], previousState };
    }),
  };
}

const stopInstances: Ec2Action = (ctx) => {
  const hosts = instanceIds(ctx).map((id) => findHost(ctx, id));
  // Check every instance before changing any, so a refused call changes nothing.
  for (const h of hosts) {
    if (!['running', 'stopping', 'stopped'].includes(h.state)) {
      throw new Ec2Error('IncorrectInstanceState', `The instance '${h.id}' is not in a state from which it can be stopped.`);
    }
  }
  return stateChanges(ctx, hosts, (h) => {
    if (h.state === 'running') ec2Extras(ctx.world).stateChangedAt.set(h.id, Date.now());
    ctx.world.stopHost(h);
  });
};

const startInstances: Ec2Action = (ctx) => {
  const hosts = instanceIds(ctx).map((id) => findHost(ctx, id));
  for (const h of hosts) {
    if (!['stopped', 'pending', 'running'].includes(h.state)) {
      throw new Ec2Error('IncorrectInstanceState', `The instance '${h.id}' is not in a state from which it can be started.`);
    }
  }
  return stateChanges(ctx, hosts, (h) => ctx.world.startHost(h));
};

const terminateInstances: Ec2Action = (ctx) => {
  const hosts = instanceIds(ctx).map((id) => findHost(ctx, id));
  return stateChanges(ctx, hosts, (h) => {
    if (h.state !== 'terminated' && h.state !== 'terminating') ec2Extras(ctx.world).stateChangedAt.set(h.id, Date.now());
    ctx.world.terminateHost(h);
  });
};

export const instanceActions: Record<string, Ec2Action> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  StopInstances: stopInstances,
  StartInstances: startInstances,
  TerminateInstances: terminateInstances,
};

