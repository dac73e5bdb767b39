// What the build dialog needs before it can ask for a plan: the version's variables (sensitive
// ones marked, their defaults never sent), its declared build inputs, the clouds its builders
// use, the enabled accounts, the inventory's active regions per account, the region groups and
// the regions' build strategies. One read, so the dialog opens with one request.
import { and, asc, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import type { TBuildInput } from '@/server/api/schemas/template-files';
import { checkTemplate } from '@/server/engine/template/check-template';
import { AppError } from '@/server/lib/errors';
import { findRegionGroups } from '../regions/region-groups';

export async function buildFormFacts(db: Db, templateId: string, version: number) {
  const v = tables.templateVersions;
  const [row] = await db.select({ body: v.body, valid: v.valid, inputs: v.inputs }).from(v).where(and(eq(v.templateId, templateId), eq(v.version, version)));
  if (!row) throw new AppError('NOT_FOUND', { userMessage: `Version ${version} of this template does not exist.` });
  const check = checkTemplate(row.body, { env: {}, upTo: 'options' });
  const sensitive = new Set(check.template?.sensitiveVariables ?? []);
  const variables = Object.entries(check.template?.variables ?? {})
    .map(([name, value]) => ({ name, sensitive: sensitive.has(name), defaultValue: sensitive.has(name) ? '' : value }))
    .sort((x, y) => Number(x.sensitive) - Number(y.sensitive) || x.name.localeCompare(y.name));
  const clouds = [...new Set((check.template?.builds ?? []).map((b) => b.cloud))].sort();
  const a = tables.cloudAccounts;
  const accounts = await db.select({ id: a.id, name: a.name, cloud: a.cloud, environment: a.environment }).from(a).where(eq(a.enabled, true)).orderBy(asc(a.cloud), asc(a.name));
  const r = tables.cloudRegions;
  const regions = await db.select({ accountId: r.accountId, cloud: r.cloud, region: r.region, name: r.name }).from(r).where(eq(r.active, true)).orderBy(asc(r.cloud), asc(r.region));
  const s = tables.regionBuildStrategies;
  const strategies = await db.select({ cloud: s.cloud, region: s.region, mode: s.mode, sourceRegion: s.sourceRegion }).from(s);
  const groups = (await findRegionGroups(db)).map((g) => ({ id: g.id, name: g.name, members: g.members }));
  return { valid: row.valid, clouds, variables, inputs: row.inputs as TBuildInput[], accounts, regions, strategies, groups };
}
