import { and, eq } from 'drizzle-orm';
import { tables, type DbOrTx, type Tx } from '@/db';
import { checkTemplate } from '@/server/engine/template/check-template';
import { AppError } from '@/server/lib/errors';
import type { Actor } from '@/server/lib/permissions';
import type { TAttachment, TAttachmentRef, TBuildInput } from '@/server/api/schemas/template-files';
import { buildTemplateCheckContext } from './template-check-context';
import { getTemplateOrThrow, getTemplateVersionOrThrow } from './get-template';
import { attachmentChanges, attachmentsOfVersionId, resolveAttachments, sameFiles, templateFileExists, writeVersionAttachments } from './template-attachments';

/** The files a version's provisioners may read: its attachments' paths and its build inputs' patterns. */
export interface TemplateFiles {
  attachments: readonly string[];
  inputs: readonly { pattern: string }[];
}

/**
 * The one check of a template in the console: every level checkTemplate knows, with the region
 * facts from the synced inventory (template-check-context.ts). Warnings (a region not synced yet)
 * are stored but keep the version valid.
 */
export async function validateTemplateBody(db: DbOrTx, body: string, files: TemplateFiles) {
  // A provisioner's file must be attached or declared as a build input: the console checks it always.
  const check = checkTemplate(body, { ...(await buildTemplateCheckContext(db, body)), fileExists: templateFileExists(files.attachments, files.inputs) });
  return { ok: check.ok, issues: check.issues };
}

/** Validates a body; an invalid one is refused unless the author explicitly saves a draft. */
export async function checkTemplateBody(db: DbOrTx, body: string, asDraft: boolean, files: TemplateFiles) {
  const validation = await validateTemplateBody(db, body, files);
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
  input: {
    templateId: string;
    baseVersion: number;
    body: string;
    message: string;
    asDraft: boolean;
    /** The new version's attachment set; undefined: the base version's carries forward. */
    attachments?: readonly TAttachmentRef[];
    /** The new version's build inputs; undefined: the base version's carry forward. */
    inputs?: readonly TBuildInput[];
  },
) {
  const previousFiles = await versionFiles(tx, input.templateId, input.baseVersion);
  const attachments = input.attachments ? await resolveAttachments(tx, input.attachments) : previousFiles?.attachments ?? [];
  const inputs = input.inputs ? [...input.inputs] : previousFiles?.inputs ?? [];
  const validation = await checkTemplateBody(tx, input.body, input.asDraft, { attachments: attachments.map((a) => a.path), inputs });
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
  const before = previousFiles ?? { attachments: [], inputs: [] };
  if (previous.body === input.body && sameFiles(before, { attachments, inputs })) {
    throw new AppError('NO_CHANGES', { userMessage: `Nothing changed since version ${input.baseVersion}.` });
  }

  const [row] = await tx.insert(tables.templateVersions).values({
    templateId: input.templateId,
    version: next,
    body: input.body,
    message: input.message,
    authorId: actor.id,
    parentVersion: input.baseVersion,
    valid: validation.ok,
    issues: validation.issues,
    inputs,
  }).returning({ id: tables.templateVersions.id });
  await writeVersionAttachments(tx, row!.id, attachments);
  return { version: next, valid: validation.ok, issues: validation.issues, attachmentChanges: attachmentChanges(before.attachments, attachments), inputs };
}

/** A version's attachments and inputs (null when the version does not exist). */
async function versionFiles(tx: DbOrTx, templateId: string, version: number): Promise<{ attachments: TAttachment[]; inputs: TBuildInput[] } | null> {
  const v = tables.templateVersions;
  const [row] = await tx.select({ id: v.id, inputs: v.inputs }).from(v).where(and(eq(v.templateId, templateId), eq(v.version, version)));
  return row ? { attachments: await attachmentsOfVersionId(tx, row.id), inputs: row.inputs } : null;
}
