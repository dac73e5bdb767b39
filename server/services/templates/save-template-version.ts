import type { Db } from '@/db';
import type { TSaveTemplateVersionRequest } from '@/server/api/schemas/templates';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { appendTemplateVersion } from './write-template-version';

/** The attachment paths a save added, removed or replaced (only what changed). */
export function filesAudit(c: { added: string[]; removed: string[]; changed: string[] }) {
  const out: Record<string, string[]> = {};
  if (c.added.length) out['attachmentsAdded'] = c.added;
  if (c.removed.length) out['attachmentsRemoved'] = c.removed;
  if (c.changed.length) out['attachmentsChanged'] = c.changed;
  return out;
}

export async function saveTemplateVersion(db: Db, actor: Actor, input: TSaveTemplateVersionRequest) {
  return db.transaction(async (tx) => {
    const saved = await appendTemplateVersion(tx, actor, input);
    await recordAudit(tx, actor, {
      action: 'template.save',
      targetType: 'template',
      targetId: input.templateId,
      details: { version: saved.version, message: input.message, valid: saved.valid, ...filesAudit(saved.attachmentChanges) },
    });
    const { attachmentChanges: _changes, ...result } = saved;
    return result;
  });
}
