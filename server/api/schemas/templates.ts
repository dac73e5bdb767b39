import { z } from 'zod';
import { safeString, ZUuid, ZVersion } from './common';
import { MAX_ATTACHMENTS, MAX_BUILD_INPUTS, MAX_FILE_PATH_LENGTH, ZAttachmentList, ZBuildInputs } from './template-files';

export const TEMPLATE_ROLES = ['access', 'forwarding', 'other'] as const;
export const ZTemplateRole = z.enum(TEMPLATE_ROLES);

// Template names end up in image names and Terraform lookups: keep them DNS-label-like.
export const ZTemplateName = safeString({ max: 63, trim: true }).regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Use 2–63 lowercase letters, digits and dashes, starting with a letter or digit');

export const MAX_TEMPLATE_BODY_LENGTH = 512 * 1024;

/**
 * The first `\uXXXX` escape in JSON text that decodes to NUL or to an unpaired surrogate.
 * Parsed values end up in PostgreSQL (validation issues are jsonb), which refuses both.
 */
export function findUnsafeJsonEscape(text: string): { index: number; kind: 'nul' | 'surrogate' } | null {
  // Each match eats a backslash and what it escapes, so "\\u0000" (an escaped backslash) is no escape.
  const escapes = /\\(?:u([0-9a-fA-F]{4})|[\s\S])/g;
  let high: { index: number; end: number } | null = null;
  for (const m of text.matchAll(escapes)) {
    const unit = m[1] === undefined ? null : parseInt(m[1], 16);
    if (high) {
      if (unit !== null && unit >= 0xdc00 && unit <= 0xdfff && m.index === high.end) {
        high = null;
        continue;
      }
      return { index: high.index, kind: 'surrogate' };
    }
    if (unit === 0) return { index: m.index, kind: 'nul' };
    if (unit !== null && unit >= 0xd800 && unit <= 0xdbff) high = { index: m.index, end: m.index + m[0].length };
    else if (unit !== null && unit >= 0xdc00 && unit <= 0xdfff) return { index: m.index, kind: 'surrogate' };
  }
  return high ? { index: high.index, kind: 'surrogate' } : null;
}

// The JSON text itself: NUL and lone surrogates are refused like in any other string,
// written out or escaped.
export const ZTemplateBody = safeString({
  min: 1,
  max: MAX_TEMPLATE_BODY_LENGTH,
  tooShort: 'The template is empty',
  tooLong: 'The template is larger than 512 KiB',
}).superRefine((text, ctx) => {
  const bad = findUnsafeJsonEscape(text);
  if (!bad) return;
  const line = text.slice(0, bad.index).split('\n').length;
  const escape = text.slice(bad.index, bad.index + 6);
  ctx.addIssue({
    code: 'custom',
    message:
      bad.kind === 'nul'
        ? `Line ${line}: the escape ${escape} stands for a NUL character, which is not allowed`
        : `Line ${line}: the escape ${escape} is half of a surrogate pair (malformed Unicode)`,
  });
});
export const ZCommitMessage = safeString({ min: 1, max: 500, trim: true, tooShort: 'Say what changed' });
const ZDescription = safeString({ max: 500, trim: true });

export const ZCreateTemplateRequest = z.object({
  name: ZTemplateName,
  role: ZTemplateRole,
  description: ZDescription.default(''),
  body: ZTemplateBody,
  message: ZCommitMessage.default('Create template'),
  asDraft: z.boolean().default(false),
  attachments: ZAttachmentList.default([]),
  inputs: ZBuildInputs.default([]),
});
export type TCreateTemplateRequest = z.infer<typeof ZCreateTemplateRequest>;

export const ZSaveTemplateVersionRequest = z.object({
  templateId: ZUuid,
  // The version the editor started from; the save is refused if it is no longer the latest.
  baseVersion: ZVersion,
  body: ZTemplateBody,
  message: ZCommitMessage,
  asDraft: z.boolean().default(false),
  // The version's attachment set and build inputs; left out, the base version's carry forward.
  attachments: ZAttachmentList.optional(),
  inputs: ZBuildInputs.optional(),
});
export type TSaveTemplateVersionRequest = z.infer<typeof ZSaveTemplateVersionRequest>;

export const ZRestoreTemplateVersionRequest = z.object({
  templateId: ZUuid,
  version: ZVersion,
  baseVersion: ZVersion,
});
export type TRestoreTemplateVersionRequest = z.infer<typeof ZRestoreTemplateVersionRequest>;

export const ZUpdateTemplateRequest = z.object({
  templateId: ZUuid,
  role: ZTemplateRole.optional(),
  description: ZDescription.optional(),
});
export type TUpdateTemplateRequest = z.infer<typeof ZUpdateTemplateRequest>;

export const ZTemplateIdRequest = z.object({ templateId: ZUuid });
export const ZTemplateVersionRequest = z.object({ templateId: ZUuid, version: ZVersion });
export const ZValidateTemplateRequest = z.object({
  body: safeString({ max: MAX_TEMPLATE_BODY_LENGTH, tooLong: 'The template is larger than 512 KiB' }),
  // The draft's attachment paths and input patterns, as the editor holds them (possibly unsaved or
  // half-typed: a pattern that is not valid simply provides no file).
  attachments: z.array(safeString({ max: MAX_FILE_PATH_LENGTH })).max(MAX_ATTACHMENTS).default([]),
  inputs: z.array(z.object({ pattern: safeString({ max: MAX_FILE_PATH_LENGTH }) })).max(MAX_BUILD_INPUTS).default([]),
});
export const ZTemplateAttachmentsRequest = z.object({ templateId: ZUuid, version: ZVersion });

/**
 * Commit messages the console writes itself. They are stored in English (the API and the
 * CLI show them as they are) and translated for display through `systemCommitMessage`.
 */
export const SYSTEM_COMMIT_MESSAGES = {
  example: () => 'Example template',
  restore: (version: number) => `Restore version ${version}`,
};

export type TSystemCommitMessage = { key: 'example' } | { key: 'restore'; version: number };

/** Which system message a stored commit message is, if any. */
export function systemCommitMessage(message: string): TSystemCommitMessage | null {
  if (message === SYSTEM_COMMIT_MESSAGES.example()) return { key: 'example' };
  const restore = /^Restore version (\d{1,10})$/.exec(message);
  if (restore) return { key: 'restore', version: Number(restore[1]) };
  return null;
}
