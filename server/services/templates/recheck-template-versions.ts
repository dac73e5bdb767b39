// After an inventory sync, the latest version of every template is checked again: a version
// saved before its regions were synced (REGION_NOT_SYNCED warnings), or whose regions' facts
// changed since (an image removed, a zone's disks), must not stay "valid" on stale facts. The
// body is immutable; only the derived check result (valid, issues, checked_at) is rewritten.
// Not audited (no one acted), but logged.
import { and, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { logger } from '@/server/lib/logger';
import { attachmentsOfVersionId } from './template-attachments';
import { validateTemplateBody } from './write-template-version';

export interface RecheckSummary {
  checked: number;
  /** Versions whose validity or issue codes changed. */
  changed: number;
  becameInvalid: number;
}

const codesOf = (issues: { code: string; path: string }[]): string => issues.map((i) => `${i.code}@${i.path}`).sort().join('|');

export async function recheckLatestTemplateVersions(db: Db, now = new Date()): Promise<RecheckSummary> {
  const { templates: t, templateVersions: v } = tables;
  const rows = await db
    .select({ id: v.id, template: t.name, version: v.version, body: v.body, inputs: v.inputs, valid: v.valid, issues: v.issues })
    .from(t)
    .innerJoin(v, and(eq(v.templateId, t.id), eq(v.version, t.latestVersion)));
  const summary: RecheckSummary = { checked: 0, changed: 0, becameInvalid: 0 };
  for (const row of rows) {
    // The version's own files: a provisioner reading an attachment or a build input stays valid.
    const attachments = (await attachmentsOfVersionId(db, row.id)).map((a) => a.path);
    const check = await validateTemplateBody(db, row.body, { attachments, inputs: row.inputs });
    await db.update(v).set({ valid: check.ok, issues: check.issues, checkedAt: now }).where(eq(v.id, row.id));
    summary.checked += 1;
    if (check.ok !== row.valid || codesOf(check.issues) !== codesOf(row.issues)) {
      summary.changed += 1;
      if (row.valid && !check.ok) summary.becameInvalid += 1;
      logger.info({ template: row.template, version: row.version, valid: check.ok, issues: check.issues.map((i) => i.code) }, 'template version re-checked with a different result');
    }
  }
  logger.info(summary, 'template versions re-checked after an inventory sync');
  return summary;
}
