export const ROLES = ['viewer', 'builder', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

// What each role may do. Roles are not a ladder: an approver approves waves but does
// not edit templates, so a requester can never approve their own rollout by accident.
const GRANTS = {
  read: ['viewer', 'builder', 'approver', 'admin'],
  'template.write': ['builder', 'admin'],
  'build.start': ['builder', 'admin'],
  'inventory.sync': ['builder', 'admin'],
  'rollout.approve': ['approver', 'admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof GRANTS;

export function can(role: Role, permission: Permission): boolean {
  return (GRANTS[permission] as readonly Role[]).includes(role);
}

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
}
