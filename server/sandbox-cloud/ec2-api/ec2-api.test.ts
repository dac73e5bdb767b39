import { createHash, createHmac, randomUUID } from 'node:crypto';
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
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  type EC2ClientConfig,
  type Image,
  type Instance,
  ModifyImageAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshExec, waitFor } from '@/server/testing/ssh-exec';
import { startSandboxCloud, type SandboxCloud } from '../server';
import type { ResourceView } from '../world/types';
import { applyFilters } from './filters';
import { Params, readFilters } from './query';
import { parseAuthorization } from './sigv4';
import { element, errorXml } from './xml';

// End-to-end through the official AWS SDK for JavaScript v3 against the whole sandbox cloud
// (HTTP server, world, SSH runtime): what the console and Packer's amazon-ebs builder do.

const CREDENTIALS = { accessKeyId: 'AKIASANDBOX000000000', secretAccessKey: 'sandbox-secret-key' };
const RUN = `ec2-api-test-${randomUUID().slice(0, 8)}`;
const TAG = { Key: 'test-run', Value: RUN };
const WAIT = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

let sandbox: SandboxCloud;

function ec2(region: string, extra: Partial<EC2ClientConfig> = {}): EC2Client {
  return new EC2Client({ region, endpoint: `${sandbox.url}/ec2`, credentials: CREDENTIALS, maxAttempts: 1, ...extra });
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; $fault?: string; $metadata: { httpStatusCode?: number; attempts?: number; requestId?: string } }> {
  try {
    await p;
  } catch (err) {
    return err as never;
  }
  throw new Error('expected the call to fail');
}

async function ubuntuImage(client: EC2Client): Promise<Image> {
  const out = await client.send(
    new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd/ubuntu-22.04-*'] }, { Name: 'state', Values: ['available'] }] }),
  );
  const newest = [...(out.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (!newest) throw new Error('no Ubuntu 22.04 base image');
  return newest;
}

async function describeInstance(client: EC2Client, id: string): Promise<Instance> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  const instance = out.Reservations?.[0]?.Instances?.[0];
  if (!instance) throw new Error(`no instance ${id}`);
  return instance;
}

async function resources(): Promise<ResourceView[]> {
  const res = await fetch(`${sandbox.url}/_sandbox/resources`);
  return ((await res.json()) as { resources: ResourceView[] }).resources;
}

/** Deregisters the images and deletes their snapshots (what Packer's cleanup does). */
async function destroyImages(client: EC2Client, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const out = await client.send(new DescribeImagesCommand({ ImageIds: ids }));
  for (const image of out.Images ?? []) {
    await client.send(new DeregisterImageCommand({ ImageId: image.ImageId }));
    for (const m of image.BlockDeviceMappings ?? []) {
      if (m.Ebs?.SnapshotId) await client.send(new DeleteSnapshotCommand({ SnapshotId: m.Ebs.SnapshotId }));
    }
  }
}

async function launchReady(client: EC2Client, region: string): Promise<{ keyName: string; keyMaterial: string; groupId: string }> {
  const keyName = `${RUN}-${region}`;
  const key = await client.send(new CreateKeyPairCommand({ KeyName: keyName, TagSpecifications: [{ ResourceType: 'key-pair', Tags: [TAG] }] }));
  const group = await client.send(
    new CreateSecurityGroupCommand({ GroupName: keyName, Description: 'ec2-api test', TagSpecifications: [{ ResourceType: 'security-group', Tags: [TAG] }] }),
  );
  await client.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: group.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
  );
  return { keyName, keyMaterial: key.KeyMaterial!, groupId: group.GroupId! };
}

async function ssh(instance: Instance, privateKey: string, command: string) {
  return waitFor(
    `ssh to ${instance.InstanceId}`,
    async () => {
      try {
        return await sshExec({ host: instance.PublicIpAddress!, port: sandbox.world.sshPort, username: 'ubuntu', privateKey }, command);
      } catch {
        return undefined;
      }
    },
    20_000,
  );
}

beforeAll(async () => {
  sandbox = await startSandboxCloud({ timeScale: 0.2, sshPort: 22000 + Math.floor(Math.random() * 20000) });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('EC2 Query API', () => {
  it('runs, describes, stops, images, copies across regions and terminates, with SSH on both ends', { timeout: 90_000 }, async () => {
    const east = ec2('us-east-1');
    const west = ec2('us-west-2');
    const base = await ubuntuImage(east);
    const eastLaunch = await launchReady(east, 'us-east-1');

    // Run from a base image, tagging the instance and its volume.
    const run = await east.send(
      new RunInstancesCommand({
        ImageId: base.ImageId,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: eastLaunch.keyName,
        SecurityGroupIds: [eastLaunch.groupId],
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [TAG, { Key: 'Name', Value: 'probe' }] },
          { ResourceType: 'volume', Tags: [TAG] },
        ],
      }),
    );
    const instanceId = run.Instances![0]!.InstanceId!;
    expect(run.Instances![0]!.State).toEqual({ Code: 0, Name: 'pending' });
    await waitUntilInstanceRunning({ client: east, ...WAIT }, { InstanceIds: [instanceId] });

    const running = await describeInstance(east, instanceId);
    expect(running.State).toEqual({ Code: 16, Name: 'running' });
    expect(running.PublicIpAddress).toMatch(/^127\./);
    expect(running.VpcId).toMatch(/^vpc-/);
    expect(running.PrivateIpAddress).toBeTruthy();
    expect(running.Placement?.AvailabilityZone).toBe('us-east-1a');
    expect(running.KeyName).toBe(eastLaunch.keyName);
    expect(running.SecurityGroups?.[0]?.GroupId).toBe(eastLaunch.groupId);
    expect(running.Tags).toContainEqual({ Key: 'Name', Value: 'probe' });
    const volumeId = running.BlockDeviceMappings?.[0]?.Ebs?.VolumeId;
    expect(volumeId).toMatch(/^vol-/);
    expect(running.BlockDeviceMappings?.[0]?.DeviceName).toBe('/dev/xvda');
    expect(running.StateTransitionReason === undefined).toBe(running.StateReason === undefined);

    // The volume is visible through the filter Packer uses, tagged by the run.
    const volumes = await east.send(new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: [volumeId!] }] }));
    expect(volumes.Volumes?.[0]).toMatchObject({ VolumeId: volumeId, State: 'in-use', VolumeType: 'gp2', Tags: [TAG] });
    expect(volumes.Volumes?.[0]?.Attachments?.[0]).toMatchObject({ InstanceId: instanceId, Device: '/dev/xvda' });

    // Filters on state and tags.
    const byTag = await east.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:test-run', Values: [RUN] }, { Name: 'instance-state-name', Values: ['running'] }] }));
    expect(byTag.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([instanceId]);

    // SSH in with the key pair's private key and leave a file behind.
    const wrote = await ssh(running, eastLaunch.keyMaterial, 'echo hello > /home/ubuntu/probe.txt && cat /home/ubuntu/probe.txt');
    expect(wrote.stdout.trim()).toBe('hello');

    // The group is in use: deleting it is refused.
    const inUse = await failure(east.send(new DeleteSecurityGroupCommand({ GroupId: eastLaunch.groupId })));
    expect(inUse.name).toBe('DependencyViolation');

    // Stop; the stopped instance reports why, as a reason/stateReason pair.
    const stop = await east.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
    expect(stop.StoppingInstances?.[0]).toMatchObject({ InstanceId: instanceId, CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } });
    await waitUntilInstanceStopped({ client: east, ...WAIT }, { InstanceIds: [instanceId] });
    const stopped = await describeInstance(east, instanceId);
    expect(stopped.StateTransitionReason).toMatch(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
    expect(stopped.StateReason?.Code).toBe('Client.UserInitiatedShutdown');

    // Image it, tagging image and snapshot; a second image of the same name is refused.
    const amiName = `${RUN}-image`;
    const created = await east.send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: amiName,
        TagSpecifications: [
          { ResourceType: 'image', Tags: [TAG] },
          { ResourceType: 'snapshot', Tags: [TAG] },
        ],
      }),
    );
    const imageId = created.ImageId!;
    const dup = await failure(east.send(new CreateImageCommand({ InstanceId: instanceId, Name: amiName })));
    expect(dup.name).toBe('InvalidAMIName.Duplicate');
    expect(dup.message).toBe(`AMI name '${amiName}' is already in use by AMI ${imageId}`);
    await waitUntilImageAvailable({ client: east, ...WAIT }, { ImageIds: [imageId] });

    // What Packer reads after CreateImage: the snapshot, tagged; the name check finds it.
    const [image] = (await east.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images ?? [];
    expect(image).toMatchObject({ ImageId: imageId, Name: amiName, State: 'available', RootDeviceType: 'ebs', OwnerId: '111122223333', Tags: [TAG] });
    const snapshotId = image!.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
    expect(snapshotId).toMatch(/^snap-/);
    const snaps = await east.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId!] }));
    expect(snaps.Snapshots?.[0]).toMatchObject({ SnapshotId: snapshotId, State: 'completed', Tags: [TAG] });
    const inUseSnap = await failure(east.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
    expect(inUseSnap.name).toBe('InvalidSnapshot.InUse');
    const byName = await east.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [`${RUN}-im?ge`] }] }));
    expect(byName.Images?.map((i) => i.ImageId)).toEqual([imageId]);

    // Attributes, as Packer's ami_description / ami_users set them.
    await east.send(new ModifyImageAttributeCommand({ ImageId: imageId, Description: { Value: 'built by the test' } }));
    await east.send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: [{ UserId: '444455556666' }] }, UserIds: ['444455556666'] }));
    const desc = await east.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'description' }));
    expect(desc.Description?.Value).toBe('built by the test');
    const perms = await east.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
    expect(perms.LaunchPermissions).toEqual([{ UserId: '444455556666' }]);

    // A pending image cannot be run.
    sandbox.world.faults.update({ stuckImages: true });
    const stuck = await east.send(new CreateImageCommand({ InstanceId: instanceId, Name: `${RUN}-stuck` }));
    sandbox.world.faults.update({ stuckImages: false });
    const pendingRun = await failure(east.send(new RunInstancesCommand({ ImageId: stuck.ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 })));
    expect(pendingRun.name).toBe('InvalidAMIID.Unavailable');
    expect(pendingRun.message).toBe(`AMI '${stuck.ImageId}' is pending, and cannot be run`);
    await destroyImages(east, [stuck.ImageId!]);

    // Copy to us-west-2 (the call goes to the destination region) and boot the copy there.
    const copy = await west.send(
      new CopyImageCommand({
        SourceRegion: 'us-east-1',
        SourceImageId: imageId,
        Name: amiName,
        Description: 'copy',
        TagSpecifications: [
          { ResourceType: 'image', Tags: [TAG] },
          { ResourceType: 'snapshot', Tags: [TAG] },
        ],
      }),
    );
    expect(copy.ImageId).not.toBe(imageId);
    await waitUntilImageAvailable({ client: west, ...WAIT }, { ImageIds: [copy.ImageId!] });
    const westLaunch = await launchReady(west, 'us-west-2');
    const westRun = await west.send(
      new RunInstancesCommand({
        ImageId: copy.ImageId,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: westLaunch.keyName,
        SecurityGroupIds: [westLaunch.groupId],
        Placement: { AvailabilityZone: 'us-west-2b' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [TAG] }],
      }),
    );
    const westId = westRun.Instances![0]!.InstanceId!;
    await waitUntilInstanceRunning({ client: west, ...WAIT }, { InstanceIds: [westId] });
    const westInstance = await describeInstance(west, westId);
    expect(westInstance.Placement?.AvailabilityZone).toBe('us-west-2b');
    const read = await ssh(westInstance, westLaunch.keyMaterial, 'cat /home/ubuntu/probe.txt');
    expect(read.stdout.trim()).toBe('hello');

    // Instances of one region are invisible from another.
    const crossRegion = await failure(east.send(new DescribeInstancesCommand({ InstanceIds: [westId] })));
    expect(crossRegion.name).toBe('InvalidInstanceID.NotFound');

    // Start the stopped one again, then terminate both.
    const start = await east.send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
    expect(start.StartingInstances?.[0]?.PreviousState?.Name).toBe('stopped');
    await waitUntilInstanceRunning({ client: east, ...WAIT }, { InstanceIds: [instanceId] });
    const term = await east.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    expect(term.TerminatingInstances?.[0]).toMatchObject({ CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } });
    await west.send(new TerminateInstancesCommand({ InstanceIds: [westId] }));
    await waitUntilInstanceTerminated({ client: east, ...WAIT }, { InstanceIds: [instanceId] });
    await waitUntilInstanceTerminated({ client: west, ...WAIT }, { InstanceIds: [westId] });
    expect((await describeInstance(east, instanceId)).State?.Name).toBe('terminated');

    // Cleanup as Packer does it: volumes gone, then groups, key pairs, images and snapshots.
    await waitFor('root volume deleted', async () => {
      const left = await east.send(new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: [volumeId!] }] }));
      return left.Volumes?.length === 0;
    });
    await east.send(new DeleteSecurityGroupCommand({ GroupId: eastLaunch.groupId }));
    await west.send(new DeleteSecurityGroupCommand({ GroupId: westLaunch.groupId }));
    await east.send(new DeleteKeyPairCommand({ KeyName: eastLaunch.keyName }));
    await west.send(new DeleteKeyPairCommand({ KeyName: westLaunch.keyName }));
    await destroyImages(east, [imageId]);
    await destroyImages(west, [copy.ImageId!]);
    const gone = await failure(east.send(new DescribeImagesCommand({ ImageIds: [imageId] })));
    expect(gone.name).toBe('InvalidAMIID.NotFound');
  });

  it('pages through the 320+ base images of us-east-1 exactly once each', async () => {
    const client = ec2('us-east-1');
    const all = await client.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    expect(all.Images!.length).toBeGreaterThanOrEqual(320);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 50, NextToken: token }));
      expect(page.Images!.length).toBeLessThanOrEqual(50);
      seen.push(...page.Images!.map((i) => i.ImageId!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(all.Images!.length / 50));
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(all.Images!.map((i) => i.ImageId)));

    const tooSmall = await failure(client.send(new DescribeImagesCommand({ MaxResults: 3 })));
    expect(tooSmall.name).toBe('InvalidParameterValue');
    const badToken = await failure(client.send(new DescribeImagesCommand({ MaxResults: 5, NextToken: 'not-a-token' })));
    expect(badToken.name).toBe('InvalidPaginationToken');
  });

  it('answers errors as typed SDK exceptions with EC2 codes and statuses', async () => {
    const client = ec2('us-east-1');
    const base = await ubuntuImage(client);

    const noImage = await failure(client.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })));
    expect(noImage).toMatchObject({ name: 'InvalidAMIID.NotFound', message: "The image id '[ami-0123456789abcdef0]' does not exist", $fault: 'client' });
    expect(noImage.$metadata.httpStatusCode).toBe(400);
    expect(noImage.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const malformed = await failure(client.send(new DescribeImagesCommand({ ImageIds: ['ami-nope'] })));
    expect(malformed.name).toBe('InvalidAMIID.Malformed');

    const noInstance = await failure(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect(noInstance.name).toBe('InvalidInstanceID.NotFound');

    const runWith = (input: Partial<ConstructorParameters<typeof RunInstancesCommand>[0]>) =>
      failure(client.send(new RunInstancesCommand({ ImageId: base.ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...input })));
    expect((await runWith({ KeyName: 'no-such-key' })).name).toBe('InvalidKeyPair.NotFound');
    expect((await runWith({ SecurityGroupIds: ['sg-0123456789abcdef0'] })).name).toBe('InvalidGroup.NotFound');
    expect((await runWith({ InstanceType: 't9.nano' as never })).name).toBe('InvalidParameterValue');
    expect((await runWith({ ImageId: 'ami-0123456789abcdef0' })).name).toBe('InvalidAMIID.NotFound');
    expect((await runWith({ Placement: { AvailabilityZone: 'us-east-1z' } })).name).toBe('InvalidParameterValue');
    const arm = await runWith({ InstanceType: 't4g.small' });
    expect(arm.name).toBe('InvalidParameterValue');
    expect(arm.message).toContain("architecture 'arm64'");

    // us-west-1 has no Graviton types: a type the zone does not offer.
    const westOne = ec2('us-west-1');
    const westBase = await ubuntuImage(westOne);
    const unsupported = await failure(westOne.send(new RunInstancesCommand({ ImageId: westBase.ImageId, InstanceType: 't4g.small', MinCount: 1, MaxCount: 1 })));
    expect(unsupported.name).toBe('Unsupported');
    expect(unsupported.message).toContain('Your requested instance type (t4g.small) is not supported in your requested Availability Zone (us-west-1a).');

    const dupGroup = await failure(client.send(new CreateSecurityGroupCommand({ GroupName: 'default', Description: 'x' })));
    expect(dupGroup.name).toBe('InvalidGroup.Reserved');
    const badFilter = await failure(client.send(new DescribeImagesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })));
    expect(badFilter.name).toBe('InvalidParameterValue');
  });

  it('rejects requests without valid credentials with 401 AuthFailure in the <Response> layout', async () => {
    const res = await fetch(`${sandbox.url}/ec2`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeRegions&Version=2016-11-15',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const xml = await res.text();
    expect(xml).toMatch(/<Response><Errors><Error><Code>AuthFailure<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>/);

    const wrongSecret = await failure(ec2('us-east-1', { credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } }).send(new DescribeRegionsCommand({})));
    expect(wrongSecret.name).toBe('AuthFailure');
    expect(wrongSecret.$metadata.httpStatusCode).toBe(401);
    const unknownKey = await failure(ec2('us-east-1', { credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } }).send(new DescribeRegionsCommand({})));
    expect(unknownKey.name).toBe('AuthFailure');

    const badRegion = await failure(ec2('mars-north-1').send(new DescribeVpcsCommand({})));
    expect(badRegion.name).toBe('InvalidParameterValue');
    expect(badRegion.message).toContain("'mars-north-1'");
    // DescribeRegions still answers there, so clients can show the valid regions.
    const regions = await ec2('mars-north-1').send(new DescribeRegionsCommand({}));
    expect(regions.Regions?.map((r) => r.RegionName)).toContain('sa-east-1');
  });

  it('refuses unknown actions and versions (signed by the SDK, body rewritten before signing)', async () => {
    const rewrite = (from: string, to: string) => {
      const client = ec2('us-east-1');
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { body?: unknown };
          if (typeof request.body === 'string') request.body = request.body.replace(from, to);
          return next(args);
        },
        { step: 'build', name: 'rewriteBody' },
      );
      return client;
    };
    const unknown = await failure(rewrite('Action=DescribeRegions', 'Action=DescribeRegionz').send(new DescribeRegionsCommand({})));
    expect(unknown.name).toBe('InvalidAction');
    expect(unknown.$metadata.httpStatusCode).toBe(400);
    const version = await failure(rewrite('Version=2016-11-15', 'Version=2016-11-16').send(new DescribeRegionsCommand({})));
    expect(version.name).toBe('NoSuchVersion');
  });

  it('answers IAM GetInstanceProfile at the same endpoint (Packer iam_instance_profile)', async () => {
    const body = 'Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=packer-builder';
    const res = await fetch(`${sandbox.url}/ec2/`, { method: 'POST', headers: signedHeaders(new URL(`${sandbox.url}/ec2/`), body, 'us-east-1', 'iam'), body });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<GetInstanceProfileResult><InstanceProfile><InstanceProfileName>packer-builder</InstanceProfileName>');
    expect(xml).toContain('<Arn>arn:aws:iam::111122223333:instance-profile/packer-builder</Arn>');
  });

  it('throttles a burst with RequestLimitExceeded, which default SDK retries ride out', async () => {
    const region = 'eu-west-1';
    const image = await ubuntuImage(ec2(region));
    sandbox.world.rateLimiter.setScale(0.05); // 5 describe tokens, refilling 1/s
    try {
      const client = ec2(region);
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.send(new DescribeImagesCommand({ ImageIds: [image.ImageId!] }))));
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as { name: string; message: string; $metadata: { httpStatusCode: number } });
      expect(refused.length).toBeGreaterThanOrEqual(10);
      expect(refused[0]).toMatchObject({ name: 'RequestLimitExceeded', message: 'Request limit exceeded.', $metadata: { httpStatusCode: 503 } });

      // The SDK's own throttling backoff (jittered) waits for the bucket to refill.
      const patient = ec2(region, { maxAttempts: 6 });
      const out = await patient.send(new DescribeImagesCommand({ ImageIds: [image.ImageId!] }));
      expect(out.Images?.[0]?.ImageId).toBe(image.ImageId);
      expect(out.$metadata.attempts).toBeGreaterThan(1);
    } finally {
      sandbox.world.rateLimiter.setScale(1);
    }

    // An injected throttle is retried by default too; an injected InternalError is a 500.
    sandbox.world.faults.update({ actions: { 'ec2:DescribeVpcs': { errorRate: 1, code: 'RequestLimitExceeded', times: 1 } } });
    const retried = await ec2(region, { maxAttempts: 3 }).send(new DescribeVpcsCommand({}));
    expect(retried.$metadata.attempts).toBe(2);
    sandbox.world.faults.update({ actions: { 'ec2:DescribeVpcs': { errorRate: 1, times: 1 } } });
    const internal = await failure(ec2(region).send(new DescribeVpcsCommand({})));
    expect(internal).toMatchObject({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    sandbox.world.faults.reset();
  });

  it('refuses Nitro types for the ENA-less base images of sa-east-1 (field problem #2), while t2 works', { timeout: 30_000 }, async () => {
    const client = ec2('sa-east-1');
    const base = await ubuntuImage(client);
    expect(base.EnaSupport).toBe(false);
    const refused = await failure(client.send(new RunInstancesCommand({ ImageId: base.ImageId, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 })));
    expect(refused.name).toBe('InvalidParameterCombination');
    expect(refused.message).toBe(
      "Enhanced networking with the Elastic Network Adapter (ENA) is required for the 't3.small' instance type. Ensure that your AMI is enabled for ENA.",
    );
    expect(refused.$metadata.httpStatusCode).toBe(400);

    const ok = await client.send(
      new RunInstancesCommand({ ImageId: base.ImageId, InstanceType: 't2.small', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [TAG] }] }),
    );
    const id = ok.Instances![0]!.InstanceId!;
    await waitUntilInstanceRunning({ client, ...WAIT }, { InstanceIds: [id] });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceTerminated({ client, ...WAIT }, { InstanceIds: [id] });
  });

  it('caps concurrent copies (ResourceLimitExceeded) and fails copies into faulty regions', { timeout: 30_000 }, async () => {
    const source = await ubuntuImage(ec2('us-east-1'));
    const tags = [{ ResourceType: 'image' as const, Tags: [TAG] }, { ResourceType: 'snapshot' as const, Tags: [TAG] }];
    sandbox.world.faults.update({ maxConcurrentCopiesPerRegion: 1, failCopiesTo: ['ap-south-1'] });
    try {
      const frankfurt = ec2('eu-central-1');
      const first = await frankfurt.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: source.ImageId, Name: `${RUN}-copy-1`, TagSpecifications: tags }));
      const second = await failure(frankfurt.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: source.ImageId, Name: `${RUN}-copy-2` })));
      expect(second.name).toBe('ResourceLimitExceeded');
      expect(second.$metadata.httpStatusCode).toBe(400);
      await waitUntilImageAvailable({ client: frankfurt, ...WAIT }, { ImageIds: [first.ImageId!] });
      await destroyImages(frankfurt, [first.ImageId!]);

      const missing = await failure(frankfurt.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: 'ami-0123456789abcdef0', Name: `${RUN}-copy-3` })));
      expect(missing.name).toBe('InvalidAMIID.NotFound');

      const mumbai = ec2('ap-south-1');
      const doomed = await mumbai.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: source.ImageId, Name: `${RUN}-copy-4`, TagSpecifications: tags }));
      const failed = await waitFor('copy to settle', async () => {
        const [img] = (await mumbai.send(new DescribeImagesCommand({ ImageIds: [doomed.ImageId!] }))).Images ?? [];
        return img?.State !== 'pending' ? img : undefined;
      });
      expect(failed.State).toBe('failed');
      expect(failed.StateReason?.Message).toBeTruthy();
      await destroyImages(mumbai, [doomed.ImageId!]);
    } finally {
      sandbox.world.faults.reset();
    }
  });

  it('describes the catalog and default network the way Packer and the console ask', async () => {
    const client = ec2('us-east-1');
    const regions = await client.send(new DescribeRegionsCommand({}));
    expect(regions.Regions?.map((r) => r.RegionName)).toEqual(sandbox.world.regions('aws').map((r) => r.id));

    const zones = await client.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
    expect(zones.AvailabilityZones?.[0]).toMatchObject({ ZoneId: 'use1-az1', State: 'available', RegionName: 'us-east-1' });

    const vpcs = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(vpcs.Vpcs).toHaveLength(1);
    const vpcId = vpcs.Vpcs![0]!.VpcId!;
    const subnets = await client.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'availability-zone', Values: ['us-east-1c'] }] }));
    expect(subnets.Subnets).toHaveLength(1);
    expect(subnets.Subnets![0]).toMatchObject({ VpcId: vpcId, AvailabilityZone: 'us-east-1c', DefaultForAz: true, State: 'available' });
    const allSubnets = await client.send(new DescribeSubnetsCommand({}));
    expect(allSubnets.Subnets).toHaveLength(6);

    const groups = await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }));
    expect(groups.SecurityGroups?.[0]).toMatchObject({ GroupName: 'default', VpcId: vpcId });

    const offerings: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'location', Values: ['us-east-1a', 'us-east-1b'] }], MaxResults: 5, NextToken: token }),
      );
      offerings.push(...page.InstanceTypeOfferings!.map((o) => `${o.Location}/${o.InstanceType}`));
      token = page.NextToken;
    } while (token);
    expect(offerings).toContain('us-east-1a/t3.micro');
    expect(offerings).toContain('us-east-1b/t2.small');
    expect(new Set(offerings).size).toBe(offerings.length);
    expect(offerings).toHaveLength(2 * sandbox.world.region('aws', 'us-east-1')!.zones[0]!.machineTypes.length);
    const inRegion = await client.send(new DescribeInstanceTypeOfferingsCommand({ Filters: [{ Name: 'instance-type', Values: ['t3.*'] }] }));
    expect(inRegion.InstanceTypeOfferings?.every((o) => o.Location === 'us-east-1' && o.InstanceType?.startsWith('t3.'))).toBe(true);

    // Tags on a public base AMI are the account's own.
    const base = await ubuntuImage(client);
    await client.send(new CreateTagsCommand({ Resources: [base.ImageId!, vpcId], Tags: [{ Key: 'seen-by', Value: `seen-${RUN}` }] }));
    const tagged = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'value', Values: [`seen-${RUN}`] }] }));
    expect(tagged.Tags?.map((t) => `${t.ResourceType}:${t.ResourceId}`).sort()).toEqual([`image:${base.ImageId}`, `vpc:${vpcId}`].sort());
    const byTag = await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:seen-by', Values: [`seen-${RUN}`] }] }));
    expect(byTag.Images?.map((i) => i.ImageId)).toEqual([base.ImageId]);
  });

  it('leaves nothing tagged by the test behind', async () => {
    const left = (await resources()).filter((r) => r.tags['test-run'] === RUN && !(r.kind === 'host' && r.state === 'terminating'));
    expect(left).toEqual([]);
  });
});

describe('EC2 building blocks', () => {
  it('decodes flattened lists at every depth and treats empty values as absent', () => {
    const p = Params.parse(
      'Filter.2.Name=tag%3ARole&Filter.2.Value.1=web&Filter.1.Name=name&Filter.1.Value.2=b%2A&Filter.1.Value.1=a+c&ImageId.10=ami-2&ImageId.2=ami-1&SubnetId=&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=',
    );
    expect(p.list('ImageId')).toEqual(['ami-1', 'ami-2']);
    expect(readFilters(p)).toEqual([
      { name: 'name', values: ['a c', 'b*'] },
      { name: 'tag:Role', values: ['web'] },
    ]);
    expect(p.str('SubnetId')).toBeUndefined();
    expect(p.has('SubnetId')).toBe(true);
    expect(p.structs('TagSpecification')[0]!.structs('Tag')[0]!.raw('Value')).toBe('');
  });

  it('matches filters with wildcards, OR within a filter and AND across filters', () => {
    const items: { name: string; arch: string; tags: Record<string, string> }[] = [
      { name: 'ubuntu-22.04', arch: 'x86_64', tags: { Role: 'web' } },
      { name: 'ubuntu-20.04', arch: 'arm64', tags: {} },
      { name: 'debian-12', arch: 'x86_64', tags: { Role: 'db' } },
    ];
    const run = (filters: { name: string; values: string[] }[]) => applyFilters(items, filters, { name: (i) => i.name, architecture: (i) => i.arch }, (i) => i.tags).map((i) => i.name);
    expect(run([{ name: 'name', values: ['ubuntu-*'] }])).toEqual(['ubuntu-22.04', 'ubuntu-20.04']);
    expect(run([{ name: 'name', values: ['ubuntu-2?.04', 'debian-*'] }, { name: 'architecture', values: ['x86_64'] }])).toEqual(['ubuntu-22.04', 'debian-12']);
    expect(run([{ name: 'tag:Role', values: ['*'] }])).toEqual(['ubuntu-22.04', 'debian-12']);
    expect(run([{ name: 'tag-key', values: ['Role'] }, { name: 'name', values: ['debian\\-12'] }])).toEqual(['debian-12']);
    expect(() => run([{ name: 'nope', values: ['x'] }])).toThrow("The filter 'nope' is invalid");
  });

  it('writes XML the Go SDK can read: no empty booleans, numbers or timestamps; escaped text; <item> lists', () => {
    expect(element('x', { b: undefined, n: Number.NaN, t: new Date(0), s: '', list: [], items: [{ k: 'a<&>"' }] })).toBe(
      '<x><t>1970-01-01T00:00:00.000Z</t><s></s><list/><items><item><k>a&lt;&amp;&gt;&quot;</k></item></items></x>',
    );
    expect(errorXml('AuthFailure', "it's", 'r1')).toContain('<Response><Errors><Error><Code>AuthFailure</Code><Message>it&apos;s</Message></Error></Errors><RequestID>r1</RequestID></Response>');
  });

  it('reads the region and service from the SigV4 credential scope', () => {
    expect(
      parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20261127/us-west-2/ec2/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=ABCD'),
    ).toEqual({ accessKeyId: 'AKID', date: '20261127', region: 'us-west-2', service: 'ec2', signedHeaders: ['content-length', 'content-type', 'host', 'x-amz-date'], signature: 'abcd' });
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/2026/us-west-2/ec2/aws4_request')).toBeUndefined();
    expect(parseAuthorization('Bearer x')).toBeUndefined();
  });
});

/** A minimal SigV4 signer for calls the EC2 client cannot make (IAM). */
function signedHeaders(url: URL, body: string, region: string, service: string): Record<string, string> {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: url.host,
    'x-amz-date': amzDate,
  };
  const names = Object.keys(headers).sort();
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = ['POST', url.pathname, '', names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), hash(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hash(canonical)].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${CREDENTIALS.secretAccessKey}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}
