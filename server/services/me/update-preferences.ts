import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TUpdatePreferencesRequest } from '@/server/api/schemas/users';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';

export async function updatePreferences(db: Db, actor: Actor, input: TUpdatePreferencesRequest) {
  await db.transaction(async (tx) => {
    if (Object.values(input).some((v) => v !== undefined)) await tx.update(tables.users).set(input).where(eq(tables.users.id, actor.id));
    await recordAudit(tx, actor, { action: 'me.update-preferences', targetType: 'user', targetId: actor.id, details: input });
  });
  return { ok: true as const };
}
