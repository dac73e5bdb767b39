import type { Db } from '@/db';
import type { TSaveTemplateVersionRequest } from '@/server/api/schemas/templates';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { appendTemplateVersion } from './write-template-version';

export async function saveTemplateVersion(db: Db, actor: Actor, input: TSaveTemplateVersionRequest) {
  return db.transaction(async (tx) => {
    const saved = await appendTemplateVersion(tx, actor, input);
    await recordAudit(tx, actor, {
      action: 'template.save',
      targetType: 'template',
      targetId: input.templateId,
      details: { version: saved.version, message: input.message, valid: saved.valid },
    });
    return saved;
  });
}
