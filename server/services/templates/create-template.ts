import { eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TCreateTemplateRequest } from '@/server/api/schemas/templates';
import type { Actor } from '@/server/lib/permissions';
import { recordAudit } from '../audit/record-audit';
import { nameTaken, withUniqueName } from '../unique-names';
import { checkTemplateBody } from './write-template-version';

export async function createTemplate(db: Db, actor: Actor, input: TCreateTemplateRequest) {
  const validation = checkTemplateBody(input.body, input.asDraft);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: tables.templates.id }).from(tables.templates).where(eq(tables.templates.name, input.name));
    if (taken) throw nameTaken('templates_name_unique', input.name);
    const [template] = await withUniqueName('templates_name_unique', input.name, () =>
      tx
        .insert(tables.templates)
        .values({ name: input.name, role: input.role, description: input.description, latestVersion: 1, createdBy: actor.id })
        .returning({ id: tables.templates.id }),
    );
    await tx.insert(tables.templateVersions).values({
      templateId: template!.id,
      version: 1,
      body: input.body,
      message: input.message,
      authorId: actor.id,
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
