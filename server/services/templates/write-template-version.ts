import { and, eq } from 'drizzle-orm';
import { tables, type Tx } from '@/db';
import { validateTemplateText } from '@/server/engine/template/validate';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import { getTemplateOrThrow, getTemplateVersionOrThrow } from './get-template';

/** Validates a body; an invalid one is refused unless the author explicitly saves a draft. */
export function checkTemplateBody(body: string, asDraft: boolean) {
  const validation = validateTemplateText(body);
  if (!validation.ok && !asDraft) {
    const first = validation.issues[0]!;
    throw new AppError('TEMPLATE_INVALID', {
      userMessage: `The template has ${validation.issues.length} error(s); first at ${first.path}: ${first.message}`,
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
  const validation = checkTemplateBody(input.body, input.asDraft);
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
