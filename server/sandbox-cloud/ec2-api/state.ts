import type { World } from '../world/world';

// EC2 details the shared world model has no field for. Kept per World (WeakMap, so a closed
// sandbox frees them) and deliberately not persisted: they are attributes tests and Packer
// set and read back within one run (launch permissions, product codes, reservation ids, and
// an account's own tags on things it does not own, like base AMIs and the default VPC).

export interface Permissions {
  userIds: Set<string>;
  groups: Set<string>;
}

export interface Ec2Extras {
  /** Instance id → reservation id (instances of one RunInstances share it). */
  reservations: Map<string, string>;
  /** Instance id → when it was last stopped or terminated (for `reason`). */
  stateChangedAt: Map<string, number>;
  launchPermissions: Map<string, Permissions>;
  productCodes: Map<string, string[]>;
  volumePermissions: Map<string, Permissions>;
  /** `${accountId}|${resourceId}` → tags an account put on a resource it does not own. */
  overlayTags: Map<string, Record<string, string>>;
  /** `${accountId}|${region}|${name}` of CreateImage/CopyImage calls under way (name uniqueness). */
  imageNamesInFlight: Set<string>;
}

const extras = new WeakMap<World, Ec2Extras>();

export function ec2Extras(world: World): Ec2Extras {
  let e = extras.get(world);
  if (!e) {
    e = {
      reservations: new Map(),
      stateChangedAt: new Map(),
      launchPermissions: new Map(),
      productCodes: new Map(),
      volumePermissions: new Map(),
      overlayTags: new Map(),
      imageNamesInFlight: new Set(),
    };
    extras.set(world, e);
  }
  return e;
}

export function permissionsOf(table: Map<string, Permissions>, id: string): Permissions {
  let p = table.get(id);
  if (!p) {
    p = { userIds: new Set(), groups: new Set() };
    table.set(id, p);
  }
  return p;
}
