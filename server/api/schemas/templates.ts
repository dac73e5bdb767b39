import { z } from 'zod';

export const TEMPLATE_ROLES = ['access', 'forwarding', 'other'] as const;
export const ZTemplateRole = z.enum(TEMPLATE_ROLES);

// Template names end up in image names and Terraform lookups: keep them DNS-label-like.
export const ZTemplateName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Use 2–63 lowercase letters, digits and dashes, starting with a letter or digit');

export const ZTemplateBody = z.string().min(1, 'The template is empty').max(512 * 1024, 'The template is larger than 512 KiB');
export const ZCommitMessage = z.string().trim().min(1, 'Say what changed').max(500);

export const ZCreateTemplateRequest = z.object({
  name: ZTemplateName,
  role: ZTemplateRole,
  description: z.string().trim().max(500).default(''),
  body: ZTemplateBody,
  message: ZCommitMessage.default('Create template'),
  asDraft: z.boolean().default(false),
});
export type TCreateTemplateRequest = z.infer<typeof ZCreateTemplateRequest>;

export const ZSaveTemplateVersionRequest = z.object({
  templateId: z.string().uuid(),
  // The version the editor started from; the save is refused if it is no longer the latest.
  baseVersion: z.number().int().min(1),
  body: ZTemplateBody,
  message: ZCommitMessage,
  asDraft: z.boolean().default(false),
});
export type TSaveTemplateVersionRequest = z.infer<typeof ZSaveTemplateVersionRequest>;

export const ZRestoreTemplateVersionRequest = z.object({
  templateId: z.string().uuid(),
  version: z.number().int().min(1),
  baseVersion: z.number().int().min(1),
});
export type TRestoreTemplateVersionRequest = z.infer<typeof ZRestoreTemplateVersionRequest>;

export const ZUpdateTemplateRequest = z.object({
  templateId: z.string().uuid(),
  role: ZTemplateRole.optional(),
  description: z.string().trim().max(500).optional(),
});
export type TUpdateTemplateRequest = z.infer<typeof ZUpdateTemplateRequest>;

export const ZTemplateIdRequest = z.object({ templateId: z.string().uuid() });
export const ZTemplateVersionRequest = z.object({ templateId: z.string().uuid(), version: z.number().int().min(1) });
export const ZValidateTemplateRequest = z.object({ body: z.string().max(512 * 1024) });

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
