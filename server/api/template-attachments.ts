import { z } from 'zod';
import { ZUuid, ZVersion, safeString } from '@/server/api/schemas/common';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_UPLOAD_BODY_BYTES, ZFilePath } from '@/server/api/schemas/template-files';
import { getDatabase } from '@/server/services/database';
import { getSessionUser } from '@/server/services/auth/get-actor';
import { readTemplateAttachment, storeTemplateBlob } from '@/server/services/templates/template-attachments';
import { AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import { can, type Permission } from '@/server/lib/permissions';
import { guardedRoute } from './http/request-guard';

function problem(status: number, message: string) {
  return Response.json({ error: { message } }, { status, headers: { 'cache-control': 'no-store' } });
}

async function signedIn(req: Request, permission: Permission) {
  const user = await getSessionUser(req.headers);
  if (!user) return { refusal: problem(401, 'Sign in first.') };
  if (!can(user.actor.role, permission)) return { refusal: problem(403, `Your role (${user.actor.role}) may not do this.`) };
  return { actor: user.actor };
}

function fromAppError(err: unknown): Response {
  if (err instanceof AppError) return problem(err.code === 'NOT_FOUND' ? 404 : 400, err.userMessage);
  throw err;
}

// Base64 of at most MAX_ATTACHMENT_BYTES (the route's body limit keeps the request itself small).
const ZUpload = z.object({
  content: safeString({ max: MAX_ATTACHMENT_UPLOAD_BODY_BYTES }).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Must be base64'),
});

/**
 * POST /api/templates/attachments {"content": "<base64>"} — stores a file for a template version
 * and answers {sha256, size}; a save then attaches it under a path. Builders and admins only. The
 * body is JSON (the request guard refuses anything else) and at most ~1.3 MiB.
 */
export const handleAttachmentUpload = guardedRoute({ maxBodyBytes: MAX_ATTACHMENT_UPLOAD_BODY_BYTES, sameOriginReads: true }, async (req) => {
  const who = await signedIn(req, 'template.write');
  if (who.refusal) return who.refusal;
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return problem(400, 'The body is not JSON.');
  }
  const parsed = ZUpload.safeParse(body);
  if (!parsed.success) return problem(400, `The upload is not valid: ${parsed.error.issues[0]?.message ?? 'bad body'}.`);
  const content = Buffer.from(parsed.data.content, 'base64');
  if (content.byteLength > MAX_ATTACHMENT_BYTES) return problem(413, `The file is larger than ${MAX_ATTACHMENT_BYTES / (1024 * 1024)} MiB; an attachment may be at most that. Large files belong in the build's inputs.`);
  try {
    const { db } = await getDatabase();
    const blob = await storeTemplateBlob(db, who.actor, content);
    logger.info({ actor: who.actor.email, sha256: blob.sha256, size: blob.size }, 'template attachment uploaded');
    return Response.json(blob, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return fromAppError(err);
  }
});

const ZDownload = z.object({ templateId: ZUuid, version: z.coerce.number().pipe(ZVersion), path: ZFilePath });

/**
 * GET /api/templates/attachments?templateId=…&version=N&path=config/app.toml — one attachment of
 * a version, as a download. Every signed-in role may read templates, so every role may download.
 */
export const handleAttachmentDownload = guardedRoute({ maxBodyBytes: 0, sameOriginReads: true }, async (req) => {
  const who = await signedIn(req, 'read');
  if (who.refusal) return who.refusal;
  const url = new URL(req.url);
  const parsed = ZDownload.safeParse({ templateId: url.searchParams.get('templateId'), version: url.searchParams.get('version'), path: url.searchParams.get('path') });
  if (!parsed.success) return problem(400, `The request is not valid: ${parsed.error.issues[0]?.message ?? 'bad query'}.`);
  try {
    const { db } = await getDatabase();
    const file = await readTemplateAttachment(db, parsed.data.templateId, parsed.data.version, parsed.data.path);
    const name = file.path.split('/').pop()!;
    return new Response(new Uint8Array(file.content), {
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(file.size),
        'content-disposition': `attachment; filename="${name.replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        etag: `"${file.sha256}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (err) {
    return fromAppError(err);
  }
});
