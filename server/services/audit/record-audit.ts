import type { AuditDetails, DbOrTx } from '@/db';
import { tables } from '@/db';
import type { Actor } from '@/server/lib/permissions';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  details?: AuditDetails;
}

/** Changes no signed-in user made: operator commands run on the server (`npm run admin`). */
export const SYSTEM_ACTOR = { id: null, email: 'system' } as const;
export type AuditActor = Pick<Actor, 'id' | 'email'> | typeof SYSTEM_ACTOR;

/** Written in the same transaction as the change it records, so neither exists without the other. */
export async function recordAudit(tx: DbOrTx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.insert(tables.auditLog).values({
    actorId: actor.id,
    actorEmail: actor.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: entry.details ?? {},
  });
}
