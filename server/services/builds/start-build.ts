// Starting a build: the plan is computed again on the server from the request (the dialog's plan
// is only a preview), any refused target refuses the whole request, then the build (with its plan
// and request) and one run per planned run (with its derived builder) are written, and the runs
// are handed to the queue under the build's parallelism. The accounts' keys are not touched here:
// only the worker unseals them (run-build.ts). Sensitive variable values are sealed into one
// column, opened only by the worker and cleared when the build ends.
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { BuildInputFile, BuildOptions, BuildRequestRecord } from '@/db/schema/builds';
import type { TRebuildRequest, TStartBuildRequest } from '@/server/api/schemas/builds';
import { checkTemplate } from '@/server/engine/template/check-template';
import { AppError } from '@/server/lib/errors';
import { can, type Actor } from '@/server/lib/permissions';
import type { CloudKind } from '@/server/clouds/provider';
import { recordAudit } from '../audit/record-audit';
import { sealSecret } from '../clouds/secret-box';
import { dispatchRuns } from './dispatch-runs';
import { planBuild, runBuilderSpec, storedPlan } from './plan-build';

export type StartBuildRequest = TStartBuildRequest;

export interface StartedBuild {
  buildId: string;
  runs: { runId: string; builderName: string; cloud: CloudKind; region: string }[];
}

const bad = (userMessage: string) => new AppError('BAD_REQUEST', { userMessage });

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export async function startBuild(db: Db, actor: Actor, req: StartBuildRequest): Promise<StartedBuild> {
  if (!can(actor.role, 'build.start')) throw new AppError('FORBIDDEN', { userMessage: 'Your role may not start builds.' });

  const plan = await planBuild(db, actor, req);
  if (plan.refused.length) {
    throw bad(`These targets cannot be built; leave them out: ${plan.refused.map((r) => `${r.cloud} ${r.region === '*' ? 'all regions' : r.region}: ${r.reason}`).join(' · ')}`);
  }
  if (plan.runs.length === 0) throw bad('The build has no runs: choose at least one target region.');

  const v = tables.templateVersions;
  const [version] = await db.select({ body: v.body }).from(v).where(and(eq(v.templateId, req.templateId), eq(v.version, req.version)));
  const given = req.variables ?? [];
  const check = checkTemplate(version!.body, { vars: Object.fromEntries(given.map((x) => [x.name, x.value])), env: {}, upTo: 'options' });
  const sensitiveNames = new Set(check.template?.sensitiveVariables ?? []);
  const plain = given.filter((x) => !sensitiveNames.has(x.name));
  const sensitive = given.filter((x) => sensitiveNames.has(x.name));

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
  const request: BuildRequestRecord = {
    templateId: req.templateId,
    version: req.version,
    accountIds: req.accountIds,
    targets: req.targets,
    variables: plain,
    sensitiveVariableNames: sensitive.map((x) => x.name),
    inputs: refs,
    baseImageOverrides: req.baseImageOverrides ?? [],
    parallelism: options.parallelism,
    failFast: options.failFast,
  };
  const projectOf = new Map((await db.select({ id: tables.cloudAccounts.id, projectId: tables.cloudAccounts.projectId }).from(tables.cloudAccounts).where(inArray(tables.cloudAccounts.id, req.accountIds))).map((a) => [a.id, a.projectId]));

  const created = await db.transaction(async (tx) => {
    const [build] = await tx
      .insert(tables.builds)
      .values({
        templateId: req.templateId, templateVersion: req.version, bodySha256: sha256Hex(version!.body), cloudAccountId: plan.runs[0]!.accountId,
        requestedBy: actor.id, options, variables: Object.fromEntries(plain.map((x) => [x.name, x.value])), inputs,
        plan: storedPlan(plan), request,
        sealedVariables: sensitive.length ? sealSecret(JSON.stringify(Object.fromEntries(sensitive.map((x) => [x.name, x.value])))) : null,
      })
      .returning({ id: tables.builds.id });
    const rows = await tx
      .insert(tables.buildRuns)
      .values(plan.runs.map((run) => ({ buildId: build!.id, builderName: run.builderName, cloud: run.cloud, region: run.region, cloudAccountId: run.accountId, builder: runBuilderSpec(run, projectOf.get(run.accountId) ?? null) })))
      .returning({ id: tables.buildRuns.id, builderName: tables.buildRuns.builderName, cloud: tables.buildRuns.cloud, region: tables.buildRuns.region });
    await recordAudit(tx, actor, {
      action: 'build.start', targetType: 'build', targetId: build!.id,
      details: {
        templateId: req.templateId, version: req.version, runs: plan.runs.map((r) => r.builderName), copies: plan.copies.map((c) => `${c.from}→${c.region}`),
        accounts: req.accountIds, sensitiveVariables: request.sensitiveVariableNames,
      },
    });
    return { buildId: build!.id, runs: rows.map((r) => ({ runId: r.id, builderName: r.builderName, cloud: r.cloud, region: r.region })) };
  });

  // Queued after the commit, so a worker never picks up a run it cannot read yet.
  await dispatchRuns(db, created.buildId);
  return created;
}

/**
 * The build again: same version, targets, variables, inputs and options, and the base images its
 * plan resolved as overrides, so the new plan builds from the same images. Sensitive values were
 * never kept: a build that had them needs them given again.
 */
export async function rebuildBuild(db: Db, actor: Actor, req: TRebuildRequest): Promise<StartedBuild> {
  if (!can(actor.role, 'build.start')) throw new AppError('FORBIDDEN', { userMessage: 'Your role may not start builds.' });
  const [build] = await db.select({ request: tables.builds.request, plan: tables.builds.plan }).from(tables.builds).where(eq(tables.builds.id, req.buildId));
  if (!build) throw new AppError('NOT_FOUND', { userMessage: 'No such build.' });
  if (!build.request || !build.plan) throw bad('This build was started before builds kept their plan; start a new build instead.');
  const again = req.sensitiveVariables ?? [];
  const missing = build.request.sensitiveVariableNames.filter((n) => !again.some((x) => x.name === n));
  if (missing.length) throw bad(`This build had values for the sensitive variables ${missing.join(', ')}; they were never stored, so give them again.`);
  const overrides = build.plan.runs.map((r) => ({ cloud: r.cloud, region: r.region, imageId: r.baseImage.imageId }));
  return startBuild(db, actor, {
    templateId: build.request.templateId,
    version: build.request.version,
    accountIds: build.request.accountIds,
    targets: build.request.targets,
    variables: [...build.request.variables, ...again],
    inputs: build.request.inputs,
    baseImageOverrides: overrides,
    parallelism: build.request.parallelism,
    failFast: build.request.failFast,
  });
}
