import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TCreateTemplateRequest } from '@/server/api/schemas/templates';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { nameTaken, withUniqueName } from '../unique-names';
import { resolveAttachments, writeVersionAttachments } from './template-attachments';
import { checkTemplateBody } from './write-template-version';

/** `actor` is null (SYSTEM) for the examples the console seeds on first start. */
type CreateInput = Omit<TCreateTemplateRequest, 'attachments' | 'inputs'> & Partial<Pick<TCreateTemplateRequest, 'attachments' | 'inputs'>>;

export async function createTemplate(db: Db, actor: AuditActor, request: CreateInput) {
  const input = { ...request, attachments: request.attachments ?? [], inputs: request.inputs ?? [] };
  return db.transaction(async (tx) => {
    const attachments = await resolveAttachments(tx, input.attachments);
    const validation = await checkTemplateBody(tx, input.body, input.asDraft, { attachments: attachments.map((a) => a.path), inputs: input.inputs });
    const [taken] = await tx.select({ id: tables.templates.id }).from(tables.templates).where(eq(tables.templates.name, input.name));
    if (taken) throw nameTaken('templates_name_unique', input.name);
    const [template] = await withUniqueName('templates_name_unique', input.name, () =>
      tx
        .insert(tables.templates)
        .values({ name: input.name, role: input.role, description: input.description, latestVersion: 1, createdBy: actor?.id ?? null })
        .returning({ id: tables.templates.id }),
    );
    const [version] = await tx.insert(tables.templateVersions).values({
      templateId: template!.id,
      version: 1,
      body: input.body,
      message: input.message,
      authorId: actor?.id ?? null,
      valid: validation.ok,
      issues: validation.issues,
      inputs: input.inputs,
    }).returning({ id: tables.templateVersions.id });
    await writeVersionAttachments(tx, version!.id, attachments);
    await recordAudit(tx, actor, {
      action: 'template.create',
      targetType: 'template',
      targetId: template!.id,
      details: { name: input.name, role: input.role, valid: validation.ok, ...(attachments.length ? { attachmentsAdded: attachments.map((a) => a.path) } : {}) },
    });
    return { id: template!.id, version: 1, valid: validation.ok };
  });
}
