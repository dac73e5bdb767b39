import type { DbOrTx } from '@/db';
import { tables } from '@/db';
import type { Actor } from '@/server/lib/permissions';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/**
 * The console itself, for what nobody signed in did (first-start seeding, schedules): stored
 * with no actor id and no e-mail, and shown as "System".
 */
export const SYSTEM = null;
export type AuditActor = Actor | typeof SYSTEM;

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
