// Starting a build: the version is checked again (a build never runs an invalid version), the
// accounts must exist and be enabled, the build and one run per builder are written, then one
// `build.run` job per run is queued. The accounts' keys are not touched here: only the worker
// unseals them (run-build.ts).
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { BuildInputFile, BuildOptions } from '@/db/schema/builds';
import { enqueue } from '@/server/jobs/enqueue';
import { AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import { can, type Actor } from '@/server/lib/permissions';
import { checkTemplate } from '@/server/engine/template/check-template';
import type { CloudKind } from '@/server/clouds/provider';
import { recordAudit } from '../audit/record-audit';

export interface StartBuildRequest {
  templateId: string;
  version: number;
  /** One enabled account per cloud the selected builders use. */
  accountIds: string[];
  /** Builder names of the version to run; empty or unset: all of them. */
  builders?: string[];
  /** Values of the template's non-sensitive variables (sensitive ones are refused: never stored). */
  variables?: Record<string, string>;
  /** Build inputs, uploaded as blobs (template_blobs), by path among the build's files. */
  inputs?: { path: string; sha256: string }[];
  parallelism?: number;
  failFast?: boolean;
}

export interface StartedBuild {
  buildId: string;
  runs: { runId: string; builderName: string; cloud: CloudKind; region: string }[];
}

const bad = (userMessage: string) => new AppError('BAD_REQUEST', { userMessage });

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export async function startBuild(db: Db, actor: Actor, req: StartBuildRequest): Promise<StartedBuild> {
  if (!can(actor.role, 'build.start')) throw new AppError('FORBIDDEN', { userMessage: 'Your role may not start builds.' });

  const v = tables.templateVersions;
  const [version] = await db.select().from(v).where(and(eq(v.templateId, req.templateId), eq(v.version, req.version)));
  if (!version) throw new AppError('NOT_FOUND', { userMessage: `Version ${req.version} of this template does not exist.` });
  if (!version.valid) throw bad(`Version ${req.version} has validation errors; fix them and save a new version before building it.`);

  const variables = req.variables ?? {};
  const check = checkTemplate(version.body, { vars: variables, env: {}, upTo: 'options' });
  if (!check.template) throw bad(`Version ${req.version} does not check: ${check.issues.map((i) => i.message).join('; ')}`);
  const sensitive = Object.keys(variables).filter((k) => check.template!.sensitiveVariables.includes(k));
  if (sensitive.length) throw bad(`Sensitive variables (${sensitive.join(', ')}) cannot be given to a build yet: their values would have to be stored.`);

  const wanted = req.builders?.length ? req.builders : undefined;
  const unknown = (wanted ?? []).filter((n) => !check.template!.builds.some((b) => b.name === n));
  if (unknown.length) throw bad(`Version ${req.version} has no builder named ${unknown.join(', ')}.`);
  const builds = check.template.builds.filter((b) => !wanted || wanted.includes(b.name));
  if (builds.length === 0) throw bad('The build has no builders to run.');

  const accounts = req.accountIds.length
    ? await db.select({ id: tables.cloudAccounts.id, cloud: tables.cloudAccounts.cloud, name: tables.cloudAccounts.name, enabled: tables.cloudAccounts.enabled }).from(tables.cloudAccounts).where(inArray(tables.cloudAccounts.id, req.accountIds))
    : [];
  for (const id of req.accountIds) if (!accounts.some((a) => a.id === id)) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  const disabled = accounts.filter((a) => !a.enabled);
  if (disabled.length) throw bad(`The cloud account ${disabled.map((a) => a.name).join(', ')} is disabled.`);
  const accountOf = (cloud: CloudKind) => {
    const matching = accounts.filter((a) => a.cloud === cloud);
    if (matching.length === 0) throw bad(`No ${cloud} account was chosen for the ${cloud} builders.`);
    if (matching.length > 1) throw bad(`Choose one ${cloud} account, not ${matching.length}.`);
    return matching[0]!;
  };
  const runs = builds.map((b) => ({ builderName: b.name, cloud: b.cloud, region: (b.config as { region: string }).region, cloudAccountId: accountOf(b.cloud).id }));

  const inputs: BuildInputFile[] = [];
  const refs = req.inputs ?? [];
  if (refs.length) {
    const blobs = await db.select({ sha256: tables.templateBlobs.sha256, size: tables.templateBlobs.size }).from(tables.templateBlobs).where(inArray(tables.templateBlobs.sha256, [...new Set(refs.map((r) => r.sha256))]));
    for (const r of refs) {
      const blob = blobs.find((b) => b.sha256 === r.sha256);
      if (!blob) throw bad(`The build input "${r.path}" was never uploaded; upload it again.`);
      inputs.push({ path: r.path, sha256: r.sha256, size: blob.size });
    }
  }

  const options: BuildOptions = { parallelism: req.parallelism ?? 0, failFast: req.failFast ?? false };
  const created = await db.transaction(async (tx) => {
    const [build] = await tx
      .insert(tables.builds)
      .values({
        templateId: req.templateId, templateVersion: req.version, bodySha256: sha256Hex(version.body), cloudAccountId: runs[0]!.cloudAccountId,
        requestedBy: actor.id, options, variables, inputs,
      })
      .returning({ id: tables.builds.id });
    const rows = await tx.insert(tables.buildRuns).values(runs.map((r) => ({ ...r, buildId: build!.id }))).returning({ id: tables.buildRuns.id, builderName: tables.buildRuns.builderName, cloud: tables.buildRuns.cloud, region: tables.buildRuns.region });
    await recordAudit(tx, actor, {
      action: 'build.start', targetType: 'build', targetId: build!.id,
      details: { templateId: req.templateId, version: req.version, builders: runs.map((r) => r.builderName), accounts: req.accountIds },
    });
    return { buildId: build!.id, runs: rows.map((r) => ({ runId: r.id, builderName: r.builderName, cloud: r.cloud, region: r.region })) };
  });

  // Queued after the commit, so a worker never picks up a run it cannot read yet.
  for (const run of created.runs) {
    try {
      const bossJobId = await enqueue('build.run', { runId: run.runId, buildId: created.buildId });
      await db.update(tables.buildRuns).set({ bossJobId }).where(eq(tables.buildRuns.id, run.runId));
    } catch (err) {
      await db
        .update(tables.buildRuns)
        .set({ status: 'failed', errorCode: 'INTERNAL', error: `The run could not be queued: ${(err as Error).message}`, finishedAt: sql`now()` })
        .where(eq(tables.buildRuns.id, run.runId));
      logger.error({ buildId: created.buildId, runId: run.runId, err }, 'build run could not be queued');
    }
  }
  return created;
}
