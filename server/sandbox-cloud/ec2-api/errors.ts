import { SandboxError } from '../world/world';

// EC2 errors: a code, a message and an HTTP status. Status matters to the clients' retry
// logic (5xx and throttling codes are retried, Packer up to 11 times), so deterministic
// refusals stay 4xx.

export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = statusForCode(code),
  ) {
    super(message);
    this.name = 'Ec2Error';
  }
}

export function statusForCode(code: string): number {
  switch (code) {
    case 'AuthFailure':
    case 'MissingAuthenticationToken':
      return 401;
    case 'UnauthorizedOperation':
      return 403;
    case 'RequestLimitExceeded':
      return 503;
    case 'InternalError':
    case 'Unavailable':
      return 500;
    default:
      return 400;
  }
}

/** The "does not exist" error EC2 gives for an id, chosen by its prefix. */
export function notFound(id: string): Ec2Error {
  const prefix = id.slice(0, id.indexOf('-') + 1);
  switch (prefix) {
    case 'ami-':
      return new Ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    case 'i-':
      return new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    case 'snap-':
      return new Ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    case 'vol-':
      return new Ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    case 'sg-':
      return new Ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    case 'key-':
      return new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${id}' does not exist`);
    case 'vpc-':
      return new Ec2Error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    case 'subnet-':
      return new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    default:
      return new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
  }
}

/** EC2 rejects ids of the wrong shape before looking them up. */
export function checkIdShape(id: string, prefix: 'ami-' | 'i-' | 'snap-' | 'vol-' | 'sg-' | 'vpc-' | 'subnet-'): void {
  if (new RegExp(`^${prefix}[0-9a-f]{8,17}$`).test(id)) return;
  switch (prefix) {
    case 'ami-':
      throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
    case 'i-':
      throw new Ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}" (expecting "i-...")`);
    case 'snap-':
      throw new Ec2Error('InvalidSnapshotID.Malformed', `Invalid id: "${id}" (expecting "snap-...")`);
    case 'vol-':
      throw new Ec2Error('InvalidVolumeID.Malformed', `Invalid id: "${id}" (expecting "vol-...")`);
    case 'sg-':
      throw new Ec2Error('InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`);
    case 'vpc-':
      throw new Ec2Error('InvalidVpcID.Malformed', `Invalid id: "${id}" (expecting "vpc-...")`);
    case 'subnet-':
      throw new Ec2Error('InvalidSubnetID.Malformed', `Invalid id: "${id}" (expecting "subnet-...")`);
  }
}

/**
 * Translates the world's refusals into EC2's codes and wording. Messages imitate AWS's,
 * because clients (and people reading Packer logs) match on them.
 */
export function fromSandboxError(err: SandboxError, ctx: { zonesOffering?: (type: string) => string[] } = {}): Ec2Error {
  const d = err.details;
  switch (err.kind) {
    case 'ENA_REQUIRED':
      return new Ec2Error(
        'InvalidParameterCombination',
        `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${d.machineType}' instance type. Ensure that your AMI is enabled for ENA.`,
      );
    case 'MACHINE_TYPE_UNAVAILABLE': {
      const others = ctx.zonesOffering?.(d.machineType ?? '') ?? [];
      const hint = others.length
        ? `Please retry your request by not specifying an Availability Zone or choosing ${others.join(', ')}.`
        : 'This instance type is not offered in any Availability Zone of this region.';
      return new Ec2Error('Unsupported', `Your requested instance type (${d.machineType}) is not supported in your requested Availability Zone (${d.zone}). ${hint}`);
    }
    case 'INVALID_ZONE':
      return new Ec2Error('InvalidParameterValue', `Invalid availability zone: [${d.zone}]`);
    case 'NOT_FOUND':
      if (d.imageId) return notFound(d.imageId);
      if (d.region) return new Ec2Error('InvalidParameterValue', `Invalid region: ${d.region}`);
      return new Ec2Error('InvalidParameterValue', err.message);
    case 'IMAGE_NOT_AVAILABLE':
      return new Ec2Error('InvalidAMIID.Unavailable', `AMI '${d.imageId}' is ${d.state ?? 'not available'}, and cannot be run`);
    case 'COPY_LIMIT':
      return new Ec2Error(
        'ResourceLimitExceeded',
        `You have reached the maximum number of concurrent AMI copies (${d.limit}) into region ${d.region}. Wait for a copy to finish and try again.`,
      );
    case 'IN_USE':
      return new Ec2Error('DependencyViolation', err.message);
    case 'INVALID_STATE':
      return new Ec2Error('IncorrectInstanceState', err.message);
    case 'DUPLICATE':
      return new Ec2Error('InvalidParameterValue', err.message);
    case 'DISK_TYPE_UNAVAILABLE':
    case 'IMAGE_NOT_SUPPORTED_ON_HOST':
      // UCloud-only refusals; EC2 never reaches them, but keep the mapping total.
      return new Ec2Error('Unsupported', err.message);
  }
}

/** Any thrown value → an Ec2Error (unexpected ones become InternalError, with the cause for the sandbox user). */
export function toEc2Error(err: unknown): Ec2Error {
  if (err instanceof Ec2Error) return err;
  if (err instanceof SandboxError) return fromSandboxError(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new Ec2Error('InternalError', `An internal error has occurred (sandbox: ${detail})`);
}
