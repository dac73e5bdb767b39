import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TUpdateTemplateRequest } from '@/server/api/schemas/templates';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { getTemplateOrThrow } from './get-template';

/** Role and description are not part of the versioned body, so they change in place. */
export async function updateTemplate(db: Db, actor: Actor, input: TUpdateTemplateRequest) {
  return db.transaction(async (tx) => {
    const before = await getTemplateOrThrow(tx, input.templateId);
    const changes = {
      ...(input.role !== undefined && { role: input.role }),
      ...(input.description !== undefined && { description: input.description }),
    };
    // Nothing sent, nothing written (drizzle refuses an empty SET; updated_at stays).
    if (Object.keys(changes).length) await tx.update(tables.templates).set(changes).where(eq(tables.templates.id, before.id));
    await recordAudit(tx, actor, {
      action: 'template.update',
      targetType: 'template',
      targetId: before.id,
      details: { before: { role: before.role, description: before.description }, after: changes },
    });
    return { id: before.id };
  });
}
