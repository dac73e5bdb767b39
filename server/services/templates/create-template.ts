import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TCreateTemplateRequest } from '@/server/api/schemas/templates';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { nameTaken, withUniqueName } from '../unique-names';
import { checkTemplateBody } from './write-template-version';

/** `actor` is null (SYSTEM) for the examples the console seeds on first start. */
export async function createTemplate(db: Db, actor: AuditActor, input: TCreateTemplateRequest) {
  const validation = await checkTemplateBody(db, input.body, input.asDraft);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: tables.templates.id }).from(tables.templates).where(eq(tables.templates.name, input.name));
    if (taken) throw nameTaken('templates_name_unique', input.name);
    const [template] = await withUniqueName('templates_name_unique', input.name, () =>
      tx
        .insert(tables.templates)
        .values({ name: input.name, role: input.role, description: input.description, latestVersion: 1, createdBy: actor?.id ?? null })
        .returning({ id: tables.templates.id }),
    );
    await tx.insert(tables.templateVersions).values({
      templateId: template!.id,
      version: 1,
      body: input.body,
      message: input.message,
      authorId: actor?.id ?? null,
      valid: validation.ok,
      issues: validation.issues,
    });
    await recordAudit(tx, actor, {
      action: 'template.create',
      targetType: 'template',
      targetId: template!.id,
      details: { name: input.name, role: input.role, valid: validation.ok },
    });
    return { id: template!.id, version: 1, valid: validation.ok };
  });
}
