import type { Db } from '@/db';
import { SYSTEM_COMMIT_MESSAGES, type TRestoreTemplateVersionRequest } from '@/server/api/schemas/templates';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { getTemplateVersionOrThrow } from './get-template';
import { filesAudit } from './save-template-version';
import { getTemplateVersionFiles } from './template-attachments';
import { appendTemplateVersion } from './write-template-version';

/** History is never rewritten: restoring makes the old body the newest version. */
export async function restoreTemplateVersion(db: Db, actor: Actor, input: TRestoreTemplateVersionRequest) {
  return db.transaction(async (tx) => {
    const old = await getTemplateVersionOrThrow(tx, input.templateId, input.version);
    // The restored version's files come back with its body.
    const files = await getTemplateVersionFiles(tx, input.templateId, input.version);
    const saved = await appendTemplateVersion(tx, actor, {
      templateId: input.templateId,
      baseVersion: input.baseVersion,
      body: old.body,
      message: SYSTEM_COMMIT_MESSAGES.restore(input.version),
      // An old draft stays a draft when restored; it was already marked invalid.
      asDraft: !old.valid,
      attachments: files.attachments,
      inputs: files.inputs,
    });
    await recordAudit(tx, actor, {
      action: 'template.restore',
      targetType: 'template',
      targetId: input.templateId,
      details: { restored: input.version, version: saved.version, ...filesAudit(saved.attachmentChanges) },
    });
    const { attachmentChanges: _changes, ...result } = saved;
    return result;
  });
}
