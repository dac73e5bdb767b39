// The per-region plan of a build: the template's builders fanned out over the target regions,
// each run with a unique name (field problem #4), a zone of its region, a base image that exists
// there (#1), a boot disk type its zone offers (#3) and the region's build strategy (#2: a region
// that copies from X gets no run; X's run copies to it). Targets that cannot work are refused with
// a code and a reason before anything is created. Facts come from the synced inventory only.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import type { BuildCloud, BuildPlan, PlannedBaseImage, PlannedCopy, PlannedRun, RefusedTarget, RunBuilderSpec } from '@/db/schema/builds';
import type { TBuildPlanRefusal, TBuildPlanRequest } from '@/server/api/schemas/builds';
import type { RegionInfo, ZoneCapabilities } from '@/server/clouds/provider';
import { parseUcloudInstanceType, UCLOUD_BOOT_DISKS_BY_MACHINE } from '@/server/engine/template/builders/ucloud-uhost';
import { ucloudOffersMachine, ucloudPlatforms } from '@/server/engine/template/capabilities';
import { checkTemplate, type ResolvedBuild, type ResolvedTemplate } from '@/server/engine/template/check-template';
import { imageFitForHost } from '@/server/engine/template/image-fit';
import { AppError } from '@/server/lib/errors';
import { can, type Actor } from '@/server/lib/permissions';
import { resolveRegionGroup } from '../regions/region-groups';

/** A base image of a region the dialog offers as an override (same OS family, boots on the run's host). */
export interface CandidateImage {
  imageId: string;
  name: string;
  osName: string;
  createdAt: string | null;
}

export type PlannedRunView = PlannedRun & { candidates: CandidateImage[] };
export interface BuildPlanView extends BuildPlan {
  runs: PlannedRunView[];
}

/** The plan with what only the dialog needs (override candidates) left out: what a build stores. */
export function storedPlan(plan: BuildPlanView): BuildPlan {
  return { runs: plan.runs.map(({ candidates: _candidates, ...run }) => run), copies: plan.copies, refused: plan.refused };
}

/** The Packer options a run sets over its template builder's configuration (`build_runs.builder`). */
export function runBuilderSpec(run: PlannedRun, projectId: string | null): RunBuilderSpec {
  const options: Record<string, unknown> =
    run.builderType === 'ucloud-uhost'
      ? {
          region: run.region,
          availability_zone: run.zone,
          source_image_id: run.baseImage.imageId,
          boot_disk_type: run.diskType,
          // The plan's copies replace the template's own: the targets decide where images go.
          image_copy_to_mappings: run.copyTo.map((region) => ({ project_id: projectId ?? '', region })),
        }
      : {
          region: run.region,
          ...(run.zone ? { availability_zone: run.zone } : {}),
          source_ami: run.baseImage.imageId,
          source_ami_filter: undefined,
          ami_regions: run.copyTo,
        };
  return { sourceBuilder: run.sourceBuilder, type: run.builderType, options, baseImage: run.baseImage, onlyForCopies: run.onlyForCopies };
}

/** The template's builder with a run's options set over it, renamed to the run's builder name. */
export function deriveRunBuild(template: ResolvedTemplate, builderName: string, spec: RunBuilderSpec): ResolvedBuild | undefined {
  const source = template.builds.find((b) => b.name === spec.sourceBuilder);
  if (!source || source.type !== spec.type) return undefined;
  return { ...source, name: builderName, config: { ...source.config, ...spec.options } } as ResolvedBuild;
}

const bad = (userMessage: string) => new AppError('BAD_REQUEST', { userMessage });

interface ImageRow {
  imageId: string;
  name: string;
  osName: string;
  osFamily: string;
  osVersion: string;
  architecture: string;
  cpuPlatforms: string[];
  enaSupport: boolean | null;
  createdAt: Date | null;
}

/** An image's release line (as find-newer-base-images.ts): Ubuntu's YY.MM, the major version for the others. */
function releaseLine(family: string, version: string): string {
  const m = (family.toLowerCase() === 'ubuntu' ? /^[0-9]+(?:\.[0-9]+)?/ : /^[0-9]+/).exec(version);
  return m ? m[0] : version;
}

const sameLine = (a: Pick<ImageRow, 'osFamily' | 'osVersion' | 'architecture'>, b: Pick<ImageRow, 'osFamily' | 'osVersion' | 'architecture'>) =>
  a.osFamily !== '' &&
  a.osFamily.toLowerCase() === b.osFamily.toLowerCase() &&
  releaseLine(a.osFamily, a.osVersion) === releaseLine(b.osFamily, b.osVersion) &&
  (a.architecture === '' || b.architecture === '' || a.architecture === b.architecture);

const newestFirst = (a: ImageRow, b: ImageRow) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || a.imageId.localeCompare(b.imageId);

/** Boot disks in order of preference when the template's is not offered: network SSD first, local disks last. */
const DISK_PREFERENCE = ['cloud_ssd', 'cloud_rssd', 'local_ssd', 'local_normal'];

type Refusal = { code: TBuildPlanRefusal; reason: string; params: Record<string, string> };
const refusal = (code: TBuildPlanRefusal, reason: string, params: Record<string, string> = {}): Refusal => ({ code, reason, params });

/** The name of a build's run: the builder's name with its region swapped for the target's, else `<builder>-<region>`. */
export function runBuilderName(builder: string, builderRegion: string, region: string): string {
  if (builder.endsWith(`-${builderRegion}`)) return `${builder.slice(0, -builderRegion.length)}${region}`;
  return builder === builderRegion ? region : `${builder}-${region}`;
}

export async function planBuild(db: DbOrTx, actor: Actor, req: TBuildPlanRequest): Promise<BuildPlanView> {
  if (!can(actor.role, 'build.start')) throw new AppError('FORBIDDEN', { userMessage: 'Your role may not start builds.' });

  const v = tables.templateVersions;
  const [version] = await db.select({ body: v.body, valid: v.valid }).from(v).where(and(eq(v.templateId, req.templateId), eq(v.version, req.version)));
  if (!version) throw new AppError('NOT_FOUND', { userMessage: `Version ${req.version} of this template does not exist.` });
  if (!version.valid) throw bad(`Version ${req.version} has validation errors; fix them and save a new version before building it.`);
  const variables = Object.fromEntries((req.variables ?? []).map((x) => [x.name, x.value]));
  const check = checkTemplate(version.body, { vars: variables, env: {}, upTo: 'options' });
  if (!check.template) throw bad(`Version ${req.version} does not check with these variables: ${check.issues.map((i) => i.message).join('; ')}`);
  const template = check.template;

  const a = tables.cloudAccounts;
  const accounts = await db.select({ id: a.id, cloud: a.cloud, name: a.name, enabled: a.enabled, projectId: a.projectId }).from(a).where(inArray(a.id, req.accountIds));
  for (const id of req.accountIds) if (!accounts.some((x) => x.id === id)) throw new AppError('NOT_FOUND', { userMessage: 'No such cloud account.' });
  const disabled = accounts.filter((x) => !x.enabled);
  if (disabled.length) throw bad(`The cloud account ${disabled.map((x) => x.name).join(', ')} is disabled.`);
  for (const cloud of ['ucloud', 'aws'] as const) {
    const n = accounts.filter((x) => x.cloud === cloud).length;
    if (n > 1) throw bad(`Choose one ${cloud} account, not ${n}.`);
  }
  const accountOf = (cloud: BuildCloud) => accounts.find((x) => x.cloud === cloud);

  // The inventory of the chosen accounts: regions (active or not), which regions' images were synced, the images.
  const r = tables.cloudRegions;
  const regionRows = await db.select({ accountId: r.accountId, cloud: r.cloud, region: r.region, name: r.name, zones: r.zones, active: r.active }).from(r).where(inArray(r.accountId, req.accountIds));
  const regionOf = (cloud: BuildCloud, region: string) => regionRows.find((x) => x.cloud === cloud && x.region === region && x.accountId === accountOf(cloud)?.id);
  const s = tables.inventorySyncs;
  const syncedRows = await db.selectDistinct({ accountId: s.accountId, region: s.region }).from(s).where(and(inArray(s.accountId, req.accountIds), eq(s.status, 'succeeded')));
  const synced = new Set(syncedRows.map((x) => `${x.accountId}|${x.region}`));

  // Targets, in order, each once.
  const targets: { cloud: BuildCloud; region: string }[] = [];
  const refused: RefusedTarget[] = [];
  const addTarget = (cloud: BuildCloud, region: string) => {
    if (!targets.some((t) => t.cloud === cloud && t.region === region)) targets.push({ cloud, region });
  };
  for (const groupId of req.targets.groupIds ?? []) {
    const group = await resolveRegionGroup(db, groupId);
    for (const m of group.members) addTarget(m.cloud, m.region);
    for (const m of group.refused) refused.push({ cloud: m.cloud, region: m.region, code: 'GROUP_MEMBER_GONE', reason: m.reason, params: { group: group.name } });
  }
  for (const cloud of req.targets.clouds ?? []) {
    const account = accountOf(cloud);
    if (!account) {
      refused.push({ cloud, region: '*', code: 'NO_ACCOUNT', reason: `No ${cloud} account was chosen, so "all ${cloud} regions" has no regions.`, params: {} });
      continue;
    }
    for (const row of regionRows.filter((x) => x.accountId === account.id && x.active).sort((x, y) => x.region.localeCompare(y.region))) addTarget(cloud, row.region);
  }
  for (const t of req.targets.regions ?? []) addTarget(t.cloud, t.region);

  // The copy sources the strategies name, so their images are read too.
  const strategyRows = await db.select().from(tables.regionBuildStrategies);
  const strategyOf = (cloud: BuildCloud, region: string) => strategyRows.find((x) => x.cloud === cloud && x.region === region);
  const wantedRegions = new Set<string>();
  for (const t of targets) {
    wantedRegions.add(`${t.cloud}|${t.region}`);
    const st = strategyOf(t.cloud, t.region);
    if (st?.mode === 'copy' && st.sourceRegion) wantedRegions.add(`${t.cloud}|${st.sourceRegion}`);
  }
  const b = tables.baseImages;
  const wantedList = [...wantedRegions].map((k) => k.split('|')[1]!);
  const imageRows = wantedList.length
    ? await db
        .select({
          accountId: b.accountId, region: b.region, imageId: b.imageId, name: b.name, osName: b.osName, osFamily: b.osFamily, osVersion: b.osVersion,
          architecture: b.architecture, cpuPlatforms: b.cpuPlatforms, enaSupport: b.enaSupport, createdAt: b.imageCreatedAt,
        })
        .from(b)
        .where(and(inArray(b.accountId, req.accountIds), inArray(b.region, [...new Set(wantedList)]), eq(b.status, 'available')))
        .orderBy(desc(b.imageCreatedAt))
    : [];
  const imagesOf = (cloud: BuildCloud, region: string): ImageRow[] => imageRows.filter((x) => x.accountId === accountOf(cloud)?.id && x.region === region);

  // What the template's own base images are (OS family, version), from wherever the inventory saw them.
  const imageFieldOf = (build: ResolvedBuild): string | undefined => (build.type === 'ucloud-uhost' ? build.config.source_image_id : build.config.source_ami);
  const templateImageIds = [...new Set(template.builds.map(imageFieldOf).filter((x): x is string => Boolean(x)))];
  const knownRows = templateImageIds.length
    ? await db
        .select({ cloud: b.cloud, imageId: b.imageId, name: b.name, osName: b.osName, osFamily: b.osFamily, osVersion: b.osVersion, architecture: b.architecture, cpuPlatforms: b.cpuPlatforms, enaSupport: b.enaSupport, createdAt: b.imageCreatedAt, status: b.status })
        .from(b)
        .where(inArray(b.imageId, templateImageIds))
        .orderBy(desc(b.lastSeenAt))
    : [];
  const templateImageOf = (build: ResolvedBuild) => {
    const id = imageFieldOf(build);
    return id ? knownRows.find((x) => x.cloud === build.cloud && x.imageId === id) : undefined;
  };

  const buildsOf = (cloud: BuildCloud) => template.builds.filter((x) => x.cloud === cloud);
  const overrideOf = (cloud: BuildCloud, region: string) => (req.baseImageOverrides ?? []).find((o) => o.cloud === cloud && o.region === region);

  /** One builder in one region: the run, or why it cannot be. Memoised: a copy source may be asked for twice. */
  const memo = new Map<string, Omit<PlannedRun, 'builderName' | 'copyTo' | 'onlyForCopies'> & { candidates: CandidateImage[] } | Refusal>();
  const planOne = (build: ResolvedBuild, region: string) => {
    const key = `${build.name}|${region}`;
    if (!memo.has(key)) memo.set(key, planRegion(build, region));
    return memo.get(key)!;
  };

  function planRegion(build: ResolvedBuild, region: string) {
    const cloud = build.cloud;
    const account = accountOf(cloud)!;
    const row = regionOf(cloud, region);
    if (!row || !row.active) {
      return refusal('REGION_NOT_IN_INVENTORY', `${region} is not an active ${cloud} region of the account ${account.name} in the inventory.`, { account: account.name });
    }
    if (!synced.has(`${account.id}|${region}`)) {
      return refusal('REGION_NOT_SYNCED', `The base images of ${region} were never synced for the account ${account.name}; sync its inventory first.`, { account: account.name });
    }
    const info: RegionInfo = { id: row.region, name: row.name, zones: row.zones };
    const hostType = build.config.instance_type;
    const images = imagesOf(cloud, region);
    const fits = (i: ImageRow) => imageFitForHost(cloud, info, { instanceType: hostType }, { cpuPlatforms: i.cpuPlatforms, enaSupport: i.enaSupport ?? undefined }).ok;
    const templateId = imageFieldOf(build) ?? null;
    const known = templateImageOf(build);

    let image: ImageRow | undefined;
    let how: PlannedBaseImage['how'];
    const override = overrideOf(cloud, region);
    if (override) {
      image = images.find((i) => i.imageId === override.imageId);
      if (!image) return refusal('OVERRIDE_NOT_FOUND', `The chosen base image ${override.imageId} is not an available image of ${region}.`, { imageId: override.imageId });
      if (!fits(image)) return refusal('OVERRIDE_DOES_NOT_FIT', `The chosen base image ${override.imageId} does not boot on ${hostType} hosts in ${region}.`, { imageId: override.imageId, hostType });
      how = 'override';
    } else {
      const own = templateId ? images.find((i) => i.imageId === templateId) : undefined;
      if (own && fits(own)) {
        image = own;
        how = 'template';
      } else {
        if (!known || known.osFamily === '') {
          return refusal(
            'BASE_IMAGE_UNKNOWN',
            templateId
              ? `The template's base image ${templateId} is not in ${region}, and the inventory does not know its OS to find the same one there; sync the region it is from, or choose an image.`
              : `The builder ${build.name} names its base image by a filter; choose an image of ${region}.`,
            { imageId: templateId ?? '' },
          );
        }
        const same = images.filter((i) => sameLine(i, known)).sort(newestFirst);
        image = same.find(fits);
        if (!image) {
          const what = `${known.osFamily} ${releaseLine(known.osFamily, known.osVersion)}`;
          const reason = same.length
            ? `${region} has ${same.length} ${what} base image(s), but none boots on ${hostType} hosts there${cloud === 'aws' ? ' (they lack ENA, which Nitro instance types need)' : ' (CPU platform)'}.`
            : `${region} has no available ${what} base image.`;
          return refusal('NO_BASE_IMAGE', reason, { os: what, hostType, count: String(same.length) });
        }
        how = 'inventory';
      }
    }

    const zone = chooseZone(build, info, image);
    if ('code' in zone) return zone;
    // Override candidates: the same OS family, its release line first, newest first.
    const like = known && known.osFamily !== '' ? known : image;
    const candidates = images
      .filter((i) => i.osFamily.toLowerCase() === like.osFamily.toLowerCase() && fits(i))
      .sort((x, y) => Number(sameLine(y, like)) - Number(sameLine(x, like)) || newestFirst(x, y))
      .slice(0, 25)
      .map((i) => ({ imageId: i.imageId, name: i.name, osName: i.osName, createdAt: i.createdAt?.toISOString() ?? null }));
    if (!candidates.some((c) => c.imageId === image.imageId)) candidates.unshift({ imageId: image.imageId, name: image.name, osName: image.osName, createdAt: image.createdAt?.toISOString() ?? null });
    return {
      cloud,
      region,
      accountId: account.id,
      sourceBuilder: build.name,
      builderType: build.type,
      zone: zone.zone,
      baseImage: { imageId: image.imageId, name: image.name, osName: image.osName, how, templateImageId: image.imageId === templateId ? null : templateId },
      diskType: zone.disk,
      hostType,
      candidates,
    };
  }

  /** The zone (and boot disk) of a run: the template's when it works there, else the first that does. */
  function chooseZone(build: ResolvedBuild, info: RegionInfo, image: ImageRow): { zone: string | null; disk: string | null } | Refusal {
    const zones = [...info.zones].sort((x, y) => x.zone.localeCompare(y.zone));
    const wanted = build.config.availability_zone;
    const ordered = [...zones.filter((z) => z.zone === wanted), ...zones.filter((z) => z.zone !== wanted)];
    if (build.type === 'amazon-ebs') {
      const type = build.config.instance_type;
      const offers = (z: ZoneCapabilities) => z.hostTypes.length === 0 || z.hostTypes.includes(type);
      const zone = ordered.find(offers);
      if (!zone) return refusal('NO_USABLE_ZONE', `No zone of ${info.id} offers ${type} instances.`, { hostType: type, offered: '' });
      return { zone: zone.zone, disk: null };
    }
    const spec = parseUcloudInstanceType(build.config.instance_type);
    if (typeof spec === 'string') return refusal('NO_USABLE_ZONE', `The instance type ${build.config.instance_type} cannot be read: ${spec}.`, { hostType: build.config.instance_type, offered: '' });
    const machine = spec.machineType;
    const allowed = UCLOUD_BOOT_DISKS_BY_MACHINE[machine] ?? [];
    const platformOk = (z: ZoneCapabilities) => {
      const host = ucloudPlatforms(z, machine);
      return image.cpuPlatforms.length === 0 || host === undefined || host.length === 0 || host.some((p) => image.cpuPlatforms.includes(p));
    };
    const offered = (z: ZoneCapabilities) => (z.bootDiskTypes.length === 0 ? allowed : z.bootDiskTypes.map((d) => d.toLowerCase()).filter((d) => allowed.includes(d)));
    const own = build.config.boot_disk_type;
    const usable = ordered.filter((z) => ucloudOffersMachine(z, machine) && platformOk(z) && offered(z).length > 0);
    // The template's zone when it can run the host at all; else a zone with the template's disk; else any.
    const zone = usable.find((z) => z.zone === wanted) ?? usable.find((z) => offered(z).includes(own)) ?? usable[0];
    if (zone) return { zone: zone.zone, disk: offered(zone).includes(own) ? own : DISK_PREFERENCE.find((d) => offered(zone).includes(d)) ?? offered(zone)[0]! };
    const disks = [...new Set(zones.flatMap((z) => z.bootDiskTypes.map((d) => d.toLowerCase())))];
    return refusal(
      'NO_USABLE_ZONE',
      `No zone of ${info.id} can run ${build.config.instance_type} hosts from ${image.imageId}: its zones offer ${disks.join(', ') || 'no boot disk types'}, ${machine} hosts take ${allowed.join(', ')}.`,
      { hostType: build.config.instance_type, offered: disks.join(', ') },
    );
  }

  // Targets → runs, copies, refusals.
  type Slot = { build: ResolvedBuild; region: string; target: boolean; copyTo: Set<string> };
  const slots = new Map<string, Slot>();
  const copies: PlannedCopy[] = [];
  const slotOf = (build: ResolvedBuild, region: string) => {
    const key = `${build.name}|${region}`;
    let slot = slots.get(key);
    if (!slot) slots.set(key, (slot = { build, region, target: false, copyTo: new Set() }));
    return slot;
  };
  for (const t of targets) {
    const account = accountOf(t.cloud);
    if (!account) {
      refused.push({ cloud: t.cloud, region: t.region, code: 'NO_ACCOUNT', reason: `No ${t.cloud} account was chosen for ${t.region}.`, params: {} });
      continue;
    }
    const builds = buildsOf(t.cloud);
    if (builds.length === 0) {
      refused.push({ cloud: t.cloud, region: t.region, code: 'NO_BUILDER', reason: `The template has no ${t.cloud} builder.`, params: {} });
      continue;
    }
    const row = regionOf(t.cloud, t.region);
    if (!row || !row.active) {
      refused.push({ cloud: t.cloud, region: t.region, code: 'REGION_NOT_IN_INVENTORY', reason: `${t.region} is not an active ${t.cloud} region of the account ${account.name} in the inventory.`, params: { account: account.name } });
      continue;
    }
    const strategy = strategyOf(t.cloud, t.region);
    if (strategy?.mode === 'copy' && strategy.sourceRegion) {
      const from = strategy.sourceRegion;
      if (t.cloud === 'ucloud' && !account.projectId) {
        refused.push({ cloud: t.cloud, region: t.region, code: 'COPY_NEEDS_PROJECT', reason: `Copying to ${t.region} needs a project id; the account ${account.name} has none.`, params: { account: account.name } });
        continue;
      }
      const sourceStrategy = strategyOf(t.cloud, from);
      const results = builds.map((build) => planOne(build, from));
      const bad = sourceStrategy?.mode === 'copy' ? refusal('COPY_SOURCE_UNUSABLE', `${from} copies from ${sourceStrategy.sourceRegion} itself.`) : results.find((x): x is Refusal => 'code' in x);
      if (bad) {
        refused.push({ cloud: t.cloud, region: t.region, code: 'COPY_SOURCE_UNUSABLE', reason: `${t.region} copies from ${from}, which cannot be built: ${bad.reason}`, params: { from, why: bad.reason } });
        continue;
      }
      for (const build of builds) slotOf(build, from).copyTo.add(t.region);
      copies.push(...builds.map((build) => ({ cloud: t.cloud, region: t.region, from, builderName: build.name })));
      continue;
    }
    const results = builds.map((build) => planOne(build, t.region));
    const bad = results.find((x): x is Refusal => 'code' in x);
    if (bad) {
      refused.push({ cloud: t.cloud, region: t.region, ...bad });
      continue;
    }
    for (const build of builds) slotOf(build, t.region).target = true;
  }

  // Runs with unique names, in a stable order (cloud, region, builder).
  const ordered = [...slots.values()].sort((x, y) => x.build.cloud.localeCompare(y.build.cloud) || x.region.localeCompare(y.region) || x.build.name.localeCompare(y.build.name));
  // A builder in its own region keeps its name (as the CLI would call it); the others get a
  // suffix when their name is taken.
  const baseName = (slot: Slot) => runBuilderName(slot.build.name, slot.build.config.region, slot.region);
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const slot of [...ordered.filter((x) => baseName(x) === x.build.name), ...ordered.filter((x) => baseName(x) !== x.build.name)]) {
    const base = baseName(slot);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    names.set(`${slot.build.name}|${slot.region}`, name);
  }
  const runs: PlannedRunView[] = ordered.map((slot) => {
    const planned = planOne(slot.build, slot.region);
    if ('code' in planned) throw new Error(`planned run without a plan: ${slot.build.name} ${slot.region}`);
    return { ...planned, builderName: names.get(`${slot.build.name}|${slot.region}`)!, copyTo: [...slot.copyTo].sort(), onlyForCopies: !slot.target };
  });
  const namedCopies = copies
    .map((c) => ({ ...c, builderName: names.get(`${c.builderName}|${c.from}`) ?? c.builderName }))
    .sort((x, y) => x.cloud.localeCompare(y.cloud) || x.region.localeCompare(y.region) || x.builderName.localeCompare(y.builderName));
  refused.sort((x, y) => x.cloud.localeCompare(y.cloud) || x.region.localeCompare(y.region));
  return { runs, copies: namedCopies, refused };
}
