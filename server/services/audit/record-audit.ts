import type { AuditDetails, DbOrTx } from '@/db';
import { tables } from '@/db';
import type { Actor } from '@/server/lib/permissions';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  details?: AuditDetails;
}

/**
 * The console itself, for what nobody signed in did (first-start seeding, schedules, operator
 * commands run on the server such as `npm run admin` and `npm run secrets`): stored with no
 * actor id and no e-mail, and shown as "System".
 */
export const SYSTEM = null;
/** The same, under the name the operator commands use. */
export const SYSTEM_ACTOR = SYSTEM;
export type AuditActor = Pick<Actor, 'id' | 'email'> | typeof SYSTEM;

/** Written in the same transaction as the change it records, so neither exists without the other. */
export async function recordAudit(tx: DbOrTx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.insert(tables.auditLog).values({
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: entry.details ?? {},
  });
}
