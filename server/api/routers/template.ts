import {
  ZCreateTemplateRequest,
  ZRestoreTemplateVersionRequest,
  ZSaveTemplateVersionRequest,
  ZTemplateAttachmentsRequest,
  ZTemplateIdRequest,
  ZTemplateVersionRequest,
  ZUpdateTemplateRequest,
  ZValidateTemplateRequest,
} from '@/server/api/schemas/templates';
import { readProcedure, router, templateWriteProcedure } from '@/server/api/trpc';
import { createTemplate } from '@/server/services/templates/create-template';
import { findTemplates } from '@/server/services/templates/find-templates';
import {
  findTemplateVersions,
  getTemplateVersionOrThrow,
  getTemplateWithLatest,
} from '@/server/services/templates/get-template';
import { restoreTemplateVersion } from '@/server/services/templates/restore-template-version';
import { saveTemplateVersion } from '@/server/services/templates/save-template-version';
import { getTemplateVersionFiles } from '@/server/services/templates/template-attachments';
import { updateTemplate } from '@/server/services/templates/update-template';
import { validateTemplateBody } from '@/server/services/templates/write-template-version';

export const templateRouter = router({
  list: readProcedure.query(({ ctx }) => findTemplates(ctx.db)),
  byId: readProcedure.input(ZTemplateIdRequest).query(({ ctx, input }) => getTemplateWithLatest(ctx.db, input.templateId)),
  versions: readProcedure.input(ZTemplateIdRequest).query(({ ctx, input }) => findTemplateVersions(ctx.db, input.templateId)),
  version: readProcedure
    .input(ZTemplateVersionRequest)
    .query(({ ctx, input }) => getTemplateVersionOrThrow(ctx.db, input.templateId, input.version)),
  // The editor calls it as you type: the same check as a save (inventory facts, no cloud call).
  validate: readProcedure
    .input(ZValidateTemplateRequest)
    .query(({ ctx, input }) => validateTemplateBody(ctx.db, input.body, { attachments: input.attachments, inputs: input.inputs })),
  // A version's attachments (path, size, sha256) and declared build inputs.
  files: readProcedure.input(ZTemplateAttachmentsRequest).query(({ ctx, input }) => getTemplateVersionFiles(ctx.db, input.templateId, input.version)),
  create: templateWriteProcedure.input(ZCreateTemplateRequest).mutation(({ ctx, input }) => createTemplate(ctx.db, ctx.actor, input)),
  save: templateWriteProcedure
    .input(ZSaveTemplateVersionRequest)
    .mutation(({ ctx, input }) => saveTemplateVersion(ctx.db, ctx.actor, input)),
  restore: templateWriteProcedure
    .input(ZRestoreTemplateVersionRequest)
    .mutation(({ ctx, input }) => restoreTemplateVersion(ctx.db, ctx.actor, input)),
  update: templateWriteProcedure.input(ZUpdateTemplateRequest).mutation(({ ctx, input }) => updateTemplate(ctx.db, ctx.actor, input)),
});
