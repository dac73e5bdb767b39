import { and, eq } from 'drizzle-orm';
import { tables, type DbOrTx, type Tx } from '@/db';
import { checkTemplate } from '@/server/engine/template/check-template';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { buildTemplateCheckContext } from './template-check-context';
import { getTemplateOrThrow, getTemplateVersionOrThrow } from './get-template';

/**
 * The one check of a template in the console: every level checkTemplate knows, with the region
 * facts from the synced inventory (template-check-context.ts). Warnings (a region not synced yet)
 * are stored but keep the version valid.
 */
export async function validateTemplateBody(db: DbOrTx, body: string) {
  const check = checkTemplate(body, await buildTemplateCheckContext(db, body));
  return { ok: check.ok, issues: check.issues };
}

/** Validates a body; an invalid one is refused unless the author explicitly saves a draft. */
export async function checkTemplateBody(db: DbOrTx, body: string, asDraft: boolean) {
  const validation = await validateTemplateBody(db, body);
  if (!validation.ok && !asDraft) {
    const first = validation.issues.find((i) => i.severity !== 'warning')!;
    const errors = validation.issues.filter((i) => i.severity !== 'warning').length;
    throw new AppError('TEMPLATE_INVALID', {
      userMessage: `The template has ${errors} error(s); first at ${first.path}: ${first.message}`,
      details: { issues: validation.issues },
    });
  }
  return validation;
}

/**
 * Appends version baseVersion+1. The compare-and-set on templates.latest_version is the
 * optimistic lock: a writer who started from an older version changes no row and is told
 * what was saved meanwhile, so nobody's work is silently overwritten.
 */
export async function appendTemplateVersion(
  tx: Tx,
  actor: Actor,
  input: { templateId: string; baseVersion: number; body: string; message: string; asDraft: boolean },
) {
  const validation = await checkTemplateBody(tx, input.body, input.asDraft);
  const next = input.baseVersion + 1;
  const moved = await tx
    .update(tables.templates)
    .set({ latestVersion: next })
    .where(and(eq(tables.templates.id, input.templateId), eq(tables.templates.latestVersion, input.baseVersion)))
    .returning({ id: tables.templates.id });

  if (moved.length === 0) {
    const template = await getTemplateOrThrow(tx, input.templateId);
    const theirs = await getTemplateVersionOrThrow(tx, template.id, template.latestVersion);
    throw new AppError('TEMPLATE_VERSION_CONFLICT', {
      userMessage: `${theirs.authorName ?? 'Someone'} saved version ${theirs.version} ("${theirs.message}") after you opened version ${input.baseVersion}. Your changes were not saved.`,
      details: {
        baseVersion: input.baseVersion,
        latestVersion: theirs.version,
        latestMessage: theirs.message,
        latestAuthor: theirs.authorName,
        latestCreatedAt: theirs.createdAt,
        latestBody: theirs.body,
        latestValid: theirs.valid,
      },
    });
  }

  const previous = await getTemplateVersionOrThrow(tx, input.templateId, input.baseVersion);
  if (previous.body === input.body) {
    throw new AppError('NO_CHANGES', { userMessage: `Nothing changed since version ${input.baseVersion}.` });
  }

  await tx.insert(tables.templateVersions).values({
    templateId: input.templateId,
    version: next,
    body: input.body,
    message: input.message,
    authorId: actor.id,
    parentVersion: input.baseVersion,
    valid: validation.ok,
    issues: validation.issues,
  });
  return { version: next, valid: validation.ok, issues: validation.issues };
}
