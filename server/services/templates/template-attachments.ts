// Attachments of template versions: contents stored once by SHA-256 (template_blobs), the set of
// each version as (path, sha256, size) rows. Versions are immutable, so a save writes the new set
// (carried forward from the base version unless the editor sent one): rows, never copies.
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import { tables, type DbOrTx, type Tx } from '@/db';
import {
  MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_VERSION_ATTACHMENT_BYTES, filePathProblem, inputPatternMatches,
  type TAttachment, type TAttachmentRef, type TBuildInput, type TUploadedBlob,
} from '@/server/api/schemas/template-files';
import { AppError } from '@/server/lib/errors';
import type { AuditActor } from '../audit/record-audit';

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

export const sha256Of = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/**
 * Stores a file's content (once per content) and returns its address. Not audited by itself: an
 * upload changes no version; the save that attaches it records the paths it added (template.save).
 */
export async function storeTemplateBlob(db: DbOrTx, actor: AuditActor, content: Buffer): Promise<TUploadedBlob> {
  if (content.byteLength > MAX_ATTACHMENT_BYTES) {
    throw new AppError('BAD_REQUEST', { userMessage: `The file is ${mib(content.byteLength)}; an attachment may be at most ${mib(MAX_ATTACHMENT_BYTES)}. Large files such as releases belong in the build's inputs.` });
  }
  const sha256 = sha256Of(content);
  // A re-upload of a known content renews it, so the sweep of unattached files does not take it
  // away between this upload and the save that attaches it.
  await db
    .insert(tables.templateBlobs)
    .values({ sha256, size: content.byteLength, content, createdBy: actor?.id ?? null })
    .onConflictDoUpdate({ target: tables.templateBlobs.sha256, set: { createdAt: sql`now()` } });
  return { sha256, size: content.byteLength };
}

/**
 * The rows of an attachment set the editor sent: every blob must have been uploaded, the set must
 * keep to the limits. Refused with a message that names the file.
 */
export async function resolveAttachments(db: DbOrTx, refs: readonly TAttachmentRef[]): Promise<TAttachment[]> {
  if (refs.length > MAX_ATTACHMENTS) throw new AppError('BAD_REQUEST', { userMessage: `A version carries at most ${MAX_ATTACHMENTS} attachments; this one has ${refs.length}.` });
  const seen = new Set<string>();
  for (const r of refs) {
    const problem = filePathProblem(r.path);
    if (problem) throw new AppError('BAD_REQUEST', { userMessage: `The attachment path "${r.path}" ${problem}.` });
    if (seen.has(r.path)) throw new AppError('BAD_REQUEST', { userMessage: `The path "${r.path}" is attached twice.` });
    seen.add(r.path);
  }
  const shas = [...new Set(refs.map((r) => r.sha256))];
  const blobs = shas.length === 0 ? [] : await db
    .select({ sha256: tables.templateBlobs.sha256, size: tables.templateBlobs.size })
    .from(tables.templateBlobs)
    .where(inArray(tables.templateBlobs.sha256, shas));
  const size = new Map(blobs.map((b) => [b.sha256, b.size]));
  const rows = refs.map((r) => {
    const bytes = size.get(r.sha256);
    if (bytes === undefined) throw new AppError('BAD_REQUEST', { userMessage: `The attachment "${r.path}" was never uploaded (no file with SHA-256 ${r.sha256.slice(0, 12)}…); upload it again.` });
    return { path: r.path, sha256: r.sha256, size: bytes };
  });
  const total = rows.reduce((n, r) => n + r.size, 0);
  if (total > MAX_VERSION_ATTACHMENT_BYTES) throw new AppError('BAD_REQUEST', { userMessage: `The attachments add up to ${mib(total)}; a version may carry at most ${mib(MAX_VERSION_ATTACHMENT_BYTES)}.` });
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}

/** The attachments of a stored version (by its row id), by path. */
export async function attachmentsOfVersionId(db: DbOrTx, versionId: string): Promise<TAttachment[]> {
  const a = tables.templateVersionAttachments;
  return db.select({ path: a.path, sha256: a.sha256, size: a.size }).from(a).where(eq(a.versionId, versionId)).orderBy(asc(a.path));
}

export async function writeVersionAttachments(tx: Tx | DbOrTx, versionId: string, rows: readonly TAttachment[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(tables.templateVersionAttachments).values(rows.map((r) => ({ versionId, ...r })));
}

async function versionRowId(db: DbOrTx, templateId: string, version: number): Promise<string> {
  const v = tables.templateVersions;
  const [row] = await db.select({ id: v.id }).from(v).where(and(eq(v.templateId, templateId), eq(v.version, version)));
  if (!row) throw new AppError('NOT_FOUND', { userMessage: `Version ${version} of this template does not exist.` });
  return row.id;
}

/** What the editor lists for a version: its attachments and declared build inputs. */
export async function getTemplateVersionFiles(db: DbOrTx, templateId: string, version: number): Promise<{ attachments: TAttachment[]; inputs: TBuildInput[] }> {
  const v = tables.templateVersions;
  const [row] = await db.select({ id: v.id, inputs: v.inputs }).from(v).where(and(eq(v.templateId, templateId), eq(v.version, version)));
  if (!row) throw new AppError('NOT_FOUND', { userMessage: `Version ${version} of this template does not exist.` });
  return { attachments: await attachmentsOfVersionId(db, row.id), inputs: row.inputs };
}

/** One attachment's content, for the download route. */
export async function readTemplateAttachment(db: DbOrTx, templateId: string, version: number, path: string) {
  const id = await versionRowId(db, templateId, version);
  const a = tables.templateVersionAttachments;
  const [row] = await db
    .select({ path: a.path, sha256: a.sha256, size: a.size, content: tables.templateBlobs.content })
    .from(a)
    .innerJoin(tables.templateBlobs, eq(tables.templateBlobs.sha256, a.sha256))
    .where(and(eq(a.versionId, id), eq(a.path, path)));
  if (!row) throw new AppError('NOT_FOUND', { userMessage: `Version ${version} has no attachment "${path}".` });
  return row;
}

/**
 * The console check's `fileExists`: a file is there when it is attached, or when a declared build
 * input's pattern provides it (the build is given it).
 */
export function templateFileExists(attachments: readonly string[], inputs: readonly { pattern: string }[]): (path: string) => boolean {
  const attached = new Set(attachments);
  return (path) => {
    const p = path.replace(/^\.\//, '');
    return attached.has(p) || inputs.some((i) => inputPatternMatches(i.pattern, p));
  };
}

/** Same attachment sets (path and content) and same inputs: nothing of the files changed. */
export function sameFiles(a: { attachments: readonly TAttachment[]; inputs: readonly TBuildInput[] }, b: { attachments: readonly TAttachment[]; inputs: readonly TBuildInput[] }): boolean {
  const key = (x: readonly TAttachment[]) => JSON.stringify([...x].map((r) => [r.path, r.sha256]).sort());
  const inputs = (x: readonly TBuildInput[]) => JSON.stringify(x.map((i) => [i.name, i.pattern, i.description, i.maxBytes ?? null]));
  return key(a.attachments) === key(b.attachments) && inputs(a.inputs) === inputs(b.inputs);
}

/** What a save changed in the attachment set, for the audit log. */
export function attachmentChanges(before: readonly TAttachment[], after: readonly TAttachment[]) {
  const old = new Map(before.map((a) => [a.path, a.sha256]));
  const now = new Map(after.map((a) => [a.path, a.sha256]));
  return {
    added: [...now.keys()].filter((p) => !old.has(p)),
    removed: [...old.keys()].filter((p) => !now.has(p)),
    changed: [...now.keys()].filter((p) => old.has(p) && old.get(p) !== now.get(p)),
  };
}

/** How long an uploaded file may stay unattached (an editor tab open over lunch) before it is swept. */
export const UNATTACHED_BLOB_TTL_MS = 24 * 3600_000;

/** Deletes uploaded files no version attaches, once they are older than the TTL (housekeeping). */
export async function purgeUnattachedBlobs(db: DbOrTx, now = new Date()): Promise<number> {
  const b = tables.templateBlobs;
  const a = tables.templateVersionAttachments;
  const gone = await db
    .delete(b)
    .where(and(lt(b.createdAt, new Date(now.getTime() - UNATTACHED_BLOB_TTL_MS)), notExists(db.select({ one: sql`1` }).from(a).where(eq(a.sha256, b.sha256)))))
    .returning({ sha256: b.sha256 });
  return gone.length;
}
