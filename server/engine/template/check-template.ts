// The one check of a Packer JSON template, in levels: syntax and structure (validate.ts), then
// variables, interpolation and the options of every builder, provisioner and post-processor, then
// what the target regions can run (capabilities.ts), then the local files. Every problem is
// reported at once with its level, a path, a position (positions.ts) and a hint; nothing throws
// and no cloud is called.
// When there is no problem, the result carries the resolved template the runner builds from.
import { AMAZON_BUILD_FIELDS, AMAZON_FIELD_OPTIONS, ZAmazonEbsConfig, amazonCrossChecks, type TAmazonEbsConfig } from './builders/amazon-ebs';
import { ZUcloudUhostConfig, ucloudCrossChecks, type TUcloudUhostConfig } from './builders/ucloud-uhost';
import {
  checkAmazonCapabilities, checkUcloudCapabilities, checkUcloudDiskForMachine, type BuilderUnderCheck, type CapabilityContext,
} from './capabilities';
import { cleanAmiName, cleanResourceName, interpolate, type InterpolationContext } from './interpolate';
import { CHECK_LEVELS, formatPath, isRecord, type CheckLevel, type DraftIssue, type JsonPath, type TemplateCheckIssue } from './issues';
import { SourcePositions } from './positions';
import { ZManifestPostProcessor, KNOWN_POST_PROCESSOR_TYPES, type TManifestPostProcessor } from './post-processors';
import {
  KNOWN_PROVISIONER_TYPES, PROVISIONER_SCHEMAS, provisionerCrossChecks, provisionerFields,
  type TFileProvisioner, type TShellProvisioner,
} from './provisioners';
import { mapZodIssues, shapeKeys, type ComponentRef } from './schema-kit';
import { fromInterpolation, resolveVariables } from './variables';
import { KNOWN_BUILDER_TYPES, WARNING_CODES, checkStructure, checkSyntax } from './validate';
import type { z } from 'zod';

export type { ImageFacts } from './capabilities';
export type { CheckLevel, IssueFix, TemplateCheckIssue } from './issues';
export { CHECK_LEVELS } from './issues';

export interface CheckTemplateContext extends CapabilityContext {
  /** `--var k=v` overrides. */
  vars?: Record<string, string>;
  /** Var files (parsed JSON objects), applied in order before `vars`. */
  varFiles?: object[];
  /** The environment `{{env}}` reads in variable defaults (never the server's own). */
  env?: Record<string, string>;
  /** Whether a relative path exists among the template's attachments and the build's inputs. Unset: not checked. */
  fileExists?: (path: string) => boolean;
  /** Stop after this level (default: every level, 'files'). */
  upTo?: CheckLevel;
  /** The build's start: `timestamp`/`isotime` render it (default: now). */
  now?: Date;
  uuid?: () => string;
}

export type ResolvedBuilder =
  | { type: 'ucloud-uhost'; cloud: 'ucloud'; config: TUcloudUhostConfig }
  | { type: 'amazon-ebs'; cloud: 'aws'; config: TAmazonEbsConfig };

export type ResolvedProvisioner = { index: number } & (
  | { type: 'shell'; config: TShellProvisioner }
  | { type: 'file'; config: TFileProvisioner }
);

export interface ResolvedPostProcessor {
  /** Position in "post-processors" (and inside its sequence, when it is one). */
  index: number;
  sequenceIndex?: number;
  type: 'manifest';
  config: TManifestPostProcessor;
}

export type ResolvedBuild = ResolvedBuilder & {
  index: number;
  name: string;
  /** The provisioners that run for this build (only/except applied, override merged), in order. */
  provisioners: ResolvedProvisioner[];
  /** Post-processor sequences that run for this build. */
  postProcessors: ResolvedPostProcessor[][];
};

export interface ResolvedTemplate {
  description: string;
  minPackerVersion?: string;
  /** The fixed build time used for `timestamp` and `isotime`. */
  buildTime: Date;
  variables: Record<string, string>;
  sensitiveVariables: string[];
  /** Values to redact from logs: sensitive variables and credentials written into builders. */
  secrets: string[];
  builds: ResolvedBuild[];
}

export interface TemplateCheck {
  ok: boolean;
  issues: TemplateCheckIssue[];
  template?: ResolvedTemplate;
}

/** Data every builder generates for `{{ build \`Key\` }}` in provisioners and post-processors. */
const COMMON_BUILD_DATA = ['ID', 'Host', 'Port', 'User', 'Password', 'ConnType', 'PackerRunUUID', 'PackerHTTPAddr', 'SSHPublicKey', 'SSHPrivateKey', 'WinRMPassword'];

const SECRET_OPTIONS = ['public_key', 'private_key', 'access_key', 'secret_key', 'token', 'ssh_password', 'ssh_bastion_password', 'ssh_proxy_password', 'winrm_password'];

interface BuilderEntry {
  index: number;
  name: string;
  type: (typeof KNOWN_BUILDER_TYPES)[number];
  label: string;
  resolved?: ResolvedBuilder;
}

/** One builder that passed the options level, for the region-facts level. */
interface CheckedBuilder {
  index: number;
  under: BuilderUnderCheck<TUcloudUhostConfig> | BuilderUnderCheck<TAmazonEbsConfig>;
  type: BuilderEntry['type'];
  /** An earlier level refused something of this builder: its region facts are not checked (no cascades). */
  refused: boolean;
}

/** A local file a component reads, for the local-files level. */
interface FileRef {
  ref: ComponentRef;
  rel: JsonPath;
  file: string;
}

interface OptionsLevel {
  drafts: DraftIssue[];
  builders: CheckedBuilder[];
  files: FileRef[];
  template?: ResolvedTemplate;
}

/**
 * The one check of a template, everywhere (editor, save, CLI validate, build). The levels run in
 * order: syntax → structure → options and interpolation → region facts → local files. A level
 * does not look at a part an earlier level refused; independent builders still get all their
 * issues. `ctx.upTo` stops after a level (e.g. 'structure' for a check without any context).
 */
export function checkTemplate(text: string, ctx: CheckTemplateContext = {}): TemplateCheck {
  const src = new SourcePositions(typeof text === 'string' ? text : '');
  const last = CHECK_LEVELS.indexOf(ctx.upTo ?? 'files');
  const runs = (level: CheckLevel): boolean => CHECK_LEVELS.indexOf(level) <= last;

  const issues: TemplateCheckIssue[] = checkSyntax(src);
  if (issues.length === 0 && runs('structure')) issues.push(...checkStructure(src));
  let template: ResolvedTemplate | undefined;
  if (runs('options') && !issues.some((i) => i.code === 'JSON_SYNTAX' || i.code === 'NOT_AN_OBJECT')) {
    let level: CheckLevel = 'options';
    try {
      const options = checkOptions(src.text, ctx);
      issues.push(...place(src, 'options', options.drafts));
      template = options.template;
      const refusedByStructure = (index: number): boolean =>
        issues.some((i) => i.level === 'structure' && i.code !== 'BUILDER_NAME_DUPLICATE' && (i.path === `$.builders[${index}]` || i.path.startsWith(`$.builders[${index}].`)));
      if (runs('regions')) {
        level = 'regions';
        const builders = options.builders.filter((b) => !b.refused && !refusedByStructure(b.index));
        issues.push(...place(src, 'regions', checkRegionFacts(builders, ctx)));
      }
      if (runs('files')) {
        level = 'files';
        issues.push(...place(src, 'files', checkLocalFiles(options.files, ctx)));
      }
    } catch (err) {
      // A bug here must not take the editor or a build request down with it.
      issues.push(...place(src, level, [{
        code: 'JSON_SYNTAX',
        path: [],
        message: 'The template could not be checked completely (internal error).',
        params: { detail: err instanceof Error ? err.message : String(err) },
      }]));
      template = undefined;
    }
  }
  const all = dedupe(issues).sort((a, b) => a.from - b.from);
  for (const i of all) if ((WARNING_CODES as readonly string[]).includes(i.code)) i.severity = 'warning';
  const ok = all.every((i) => i.severity === 'warning');
  return ok && template ? { ok, issues: all, template } : { ok, issues: all };
}

/** Level 4: what the target regions can run (capabilities.ts), for the builders the earlier levels accepted. */
function checkRegionFacts(builders: CheckedBuilder[], ctx: CheckTemplateContext): DraftIssue[] {
  const drafts: DraftIssue[] = [];
  for (const b of builders) {
    if (b.type === 'ucloud-uhost') drafts.push(...checkUcloudCapabilities(b.under as BuilderUnderCheck<TUcloudUhostConfig>, ctx));
    else drafts.push(...checkAmazonCapabilities(b.under as BuilderUnderCheck<TAmazonEbsConfig>, ctx));
  }
  return drafts;
}

/** Level 5: the local files the builders and provisioners read (attachments and build inputs). */
function checkLocalFiles(files: FileRef[], ctx: CheckTemplateContext): DraftIssue[] {
  return files.flatMap((f) => missingFile(ctx, f.ref, f.rel, f.file));
}

/** Level 3: variables, interpolation and the options of every builder, provisioner and post-processor. */
function checkOptions(text: string, ctx: CheckTemplateContext): OptionsLevel {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const buildTime = ctx.now ?? new Date();
  const drafts: DraftIssue[] = [];
  const checkedBuilders: CheckedBuilder[] = [];
  const files: FileRef[] = [];

  const vars = resolveVariables({
    declared: isRecord(raw['variables']) ? raw['variables'] : {},
    sensitive: Array.isArray(raw['sensitive-variables']) ? raw['sensitive-variables'] : [],
    ...(ctx.vars ? { vars: ctx.vars } : {}),
    ...(ctx.varFiles ? { varFiles: ctx.varFiles } : {}),
    ...(ctx.env ? { env: ctx.env } : {}),
    buildTime,
    ...(ctx.uuid ? { uuid: ctx.uuid } : {}),
  });
  drafts.push(...vars.issues);
  const declared = Object.keys(vars.values);
  const baseInterp = {
    user: (n: string): string | undefined => (Object.hasOwn(vars.values, n) ? vars.values[n] : undefined),
    declared,
    buildTime,
    ...(ctx.uuid ? { uuid: ctx.uuid } : {}),
    allowEnv: false,
    ...(ctx.env ? { env: ctx.env } : {}),
  };

  // Builders -----------------------------------------------------------------
  const builders: BuilderEntry[] = [];
  const rawBuilders = Array.isArray(raw['builders']) ? raw['builders'] : [];
  rawBuilders.forEach((b: unknown, index) => {
    if (!isRecord(b) || typeof b['type'] !== 'string' || !(KNOWN_BUILDER_TYPES as readonly string[]).includes(b['type'])) return;
    const type = b['type'] as BuilderEntry['type'];
    const name = typeof b['name'] === 'string' && b['name'] !== '' ? b['name'] : type;
    const entry: BuilderEntry = { index, name, type, label: `builders[${index}] (${name})` };
    builders.push(entry);
    const ref: ComponentRef = { kind: 'builder', label: entry.label, type, path: ['builders', index] };
    const { type: _type, name: _name, ...options } = b;
    const failed: JsonPath[] = [];
    const before = drafts.length;
    const interpolated = interpolateTree(options, [], (rel): InterpolationContext => ({
      ...baseInterp,
      where: `${entry.label} "${rel.join('.')}"`,
      buildName: name,
      buildType: type,
      cleanResourceName: type === 'amazon-ebs' ? cleanAmiName : cleanResourceName,
      ...(type === 'amazon-ebs' && (AMAZON_FIELD_OPTIONS as readonly string[]).includes(String(rel[0]))
        ? { fields: Object.fromEntries(AMAZON_BUILD_FIELDS.map((f) => [f, null])), fieldsWithSubfields: ['SourceAMITags'] }
        : {}),
    }), ref.path, drafts, failed) as Record<string, unknown>;

    const schema = type === 'ucloud-uhost' ? ZUcloudUhostConfig : ZAmazonEbsConfig;
    drafts.push(...withoutFailed(type === 'ucloud-uhost' ? ucloudCrossChecks(ref, interpolated) : amazonCrossChecks(ref, interpolated), failed, ref.path));
    const parsed = schema.safeParse(interpolated);
    if (!parsed.success) {
      drafts.push(...withoutFailed(mapZodIssues(parsed.error, ref, interpolated, (p) => keysAt(schema, p)), failed, ref.path));
      return;
    }
    const under = { label: entry.label, path: ref.path, raw: options };
    if (type === 'ucloud-uhost') {
      const config = parsed.data as TUcloudUhostConfig;
      entry.resolved = { type, cloud: 'ucloud', config };
      drafts.push(...checkUcloudDiskForMachine({ ...under, config }));
      checkedBuilders.push({ index, type, under: { ...under, config }, refused: drafts.length > before });
    } else {
      const config = parsed.data as TAmazonEbsConfig;
      entry.resolved = { type, cloud: 'aws', config };
      checkedBuilders.push({ index, type, under: { ...under, config }, refused: drafts.length > before });
    }
    for (const f of ['user_data_file', 'ssh_private_key_file'] as const) {
      const file = (parsed.data as Record<string, unknown>)[f];
      if (typeof file === 'string') files.push({ ref, rel: [f], file });
    }
  });
  const names = builders.map((b) => b.name);
  // With no builder, provisioners are still checked once, under a stand-in build.
  const buildsForChecks: Pick<BuilderEntry, 'name' | 'type'>[] = builders.length > 0 ? builders : [{ name: 'build', type: 'ucloud-uhost' }];

  // Provisioners -------------------------------------------------------------
  const perBuildProvisioners = new Map<string, ResolvedProvisioner[]>();
  const rawProvisioners = Array.isArray(raw['provisioners']) ? raw['provisioners'] : [];
  rawProvisioners.forEach((p: unknown, index) => {
    if (!isRecord(p) || typeof p['type'] !== 'string' || p['type'] === '') return;
    const type = p['type'];
    const path: JsonPath = ['provisioners', index];
    const label = `provisioners[${index}] (${type})`;
    if (!(KNOWN_PROVISIONER_TYPES as readonly string[]).includes(type)) {
      drafts.push({
        code: 'PROVISIONER_TYPE_UNKNOWN',
        path: [...path, 'type'],
        message: `provisioners[${index}] has type '${type}', which this console cannot run; known provisioner types are ${KNOWN_PROVISIONER_TYPES.join(', ')}.`,
        hint: 'Use "shell" to run commands or scripts and "file" to upload files.',
        params: { label: `provisioners[${index}]`, index, type, known: KNOWN_PROVISIONER_TYPES.join(', ') },
      });
      return;
    }
    const ref: ComponentRef = { kind: 'provisioner', label, type, path };
    const applies = buildFilter(p, path, label, names, drafts);
    const overrides = isRecord(p['override']) ? p['override'] : {};
    for (const [builderName, value] of Object.entries(overrides)) {
      if (!names.includes(builderName)) drafts.push(unknownBuilderRef(label, [...path, 'override', builderName], 'override', builderName, names, true));
      else if (!isRecord(value)) drafts.push({ code: 'PROVISIONER_OPTION_INVALID', path: [...path, 'override', builderName], message: `${label}: "override.${builderName}" must be an object of options.`, params: { label, type, field: `override.${builderName}`, detail: 'must be an object' } });
    }
    const schema = PROVISIONER_SCHEMAS[type as keyof typeof PROVISIONER_SCHEMAS];
    for (const build of buildsForChecks) {
      if (!applies(build.name) && builders.length > 0) continue;
      const { override: _o, ...own } = p;
      const extra = overrides[build.name];
      const merged = isRecord(extra) ? { ...own, ...extra } : own;
      const failed: JsonPath[] = [];
      const interpolated = interpolateTree(merged, [], (rel) => ({
        ...baseInterp,
        where: `${label} "${rel.join('.')}"`,
        buildName: build.name,
        buildType: build.type,
        fields: provisionerFields(type, String(rel[0])),
        buildData: Object.fromEntries([...COMMON_BUILD_DATA, ...(build.type === 'amazon-ebs' ? AMAZON_BUILD_FIELDS : [])].map((k) => [k, null])),
        cleanResourceName: build.type === 'amazon-ebs' ? cleanAmiName : cleanResourceName,
      }), path, drafts, failed, ['only', 'except', 'type']) as Record<string, unknown>;
      drafts.push(...withoutFailed(provisionerCrossChecks(ref, interpolated), failed, path));
      const parsed = schema.safeParse(interpolated);
      if (!parsed.success) {
        drafts.push(...withoutFailed(mapZodIssues(parsed.error, ref, interpolated, (q) => keysAt(schema, q)), failed, path));
        continue;
      }
      const config = parsed.data as TShellProvisioner & TFileProvisioner;
      for (const [field, file] of localFiles(type, config)) files.push({ ref, rel: field, file });
      const list = perBuildProvisioners.get(build.name) ?? [];
      list.push(type === 'shell' ? { index, type: 'shell', config: parsed.data as TShellProvisioner } : { index, type: 'file', config: parsed.data as TFileProvisioner });
      perBuildProvisioners.set(build.name, list);
    }
  });

  // Post-processors ------------------------------------------------------------
  const perBuildPost = new Map<string, ResolvedPostProcessor[][]>();
  const rawPost = Array.isArray(raw['post-processors']) ? raw['post-processors'] : [];
  rawPost.forEach((entry: unknown, index) => {
    const sequence = Array.isArray(entry);
    const items: [unknown, number | undefined][] = sequence ? entry.map((e, j): [unknown, number] => [e, j]) : [[entry, undefined]];
    const resolvedPerBuild = new Map<string, ResolvedPostProcessor[]>();
    for (const [item, j] of items) {
      const path: JsonPath = j === undefined ? ['post-processors', index] : ['post-processors', index, j];
      const label = `post-processors[${index}]${j === undefined ? '' : `[${j}]`}`;
      const obj = typeof item === 'string' ? { type: item } : isRecord(item) ? item : undefined;
      if (!obj || typeof obj['type'] !== 'string' || obj['type'] === '') continue;
      const type = obj['type'];
      if (!(KNOWN_POST_PROCESSOR_TYPES as readonly string[]).includes(type)) {
        drafts.push({
          code: 'POST_PROCESSOR_TYPE_UNKNOWN',
          path: typeof item === 'string' ? path : [...path, 'type'],
          message: `${label} has type '${type}', which this console cannot run; known post-processor types are ${KNOWN_POST_PROCESSOR_TYPES.join(', ')}.`,
          hint: 'Use "manifest" to record the images a build made.',
          params: { label, type, known: KNOWN_POST_PROCESSOR_TYPES.join(', ') },
        });
        continue;
      }
      const ref: ComponentRef = { kind: 'post-processor', label: `${label} (${type})`, type, path };
      const applies = buildFilter(obj, path, ref.label, names, drafts);
      for (const build of buildsForChecks) {
        if (!applies(build.name) && builders.length > 0) continue;
        const failed: JsonPath[] = [];
        const interpolated = interpolateTree(obj, [], (rel) => ({
          ...baseInterp,
          where: `${ref.label} "${rel.join('.')}"`,
          buildName: build.name,
          buildType: build.type,
          buildData: Object.fromEntries([...COMMON_BUILD_DATA, ...(build.type === 'amazon-ebs' ? AMAZON_BUILD_FIELDS : [])].map((k) => [k, null])),
        }), path, drafts, failed, ['only', 'except', 'type']);
        const parsed = ZManifestPostProcessor.safeParse(interpolated);
        if (!parsed.success) {
          drafts.push(...withoutFailed(mapZodIssues(parsed.error, ref, interpolated, (q) => keysAt(ZManifestPostProcessor, q)), failed, path));
          continue;
        }
        const list = resolvedPerBuild.get(build.name) ?? [];
        list.push({ index, ...(j === undefined ? {} : { sequenceIndex: j }), type: 'manifest', config: parsed.data });
        resolvedPerBuild.set(build.name, list);
      }
    }
    for (const [name, list] of resolvedPerBuild) {
      const all = perBuildPost.get(name) ?? [];
      all.push(list);
      perBuildPost.set(name, all);
    }
  });

  if (drafts.length > 0) return { drafts, builders: checkedBuilders, files };
  const secrets = new Set(vars.secrets);
  const builds: ResolvedBuild[] = [];
  for (const b of builders) {
    if (!b.resolved) continue;
    const cfg = b.resolved.config as Record<string, unknown>;
    for (const k of SECRET_OPTIONS) {
      const v = cfg[k];
      if (typeof v === 'string' && v !== '' && !v.includes('{{')) secrets.add(v);
    }
    builds.push({ ...b.resolved, index: b.index, name: b.name, provisioners: perBuildProvisioners.get(b.name) ?? [], postProcessors: perBuildPost.get(b.name) ?? [] });
  }
  const template: ResolvedTemplate = {
    description: typeof raw['description'] === 'string' ? raw['description'] : '',
    ...(typeof raw['min_packer_version'] === 'string' ? { minPackerVersion: raw['min_packer_version'] } : {}),
    buildTime,
    variables: vars.values,
    sensitiveVariables: vars.sensitive,
    secrets: [...secrets],
    builds,
  };
  return { drafts, builders: checkedBuilders, files, template };
}

// ---------------------------------------------------------------------------

/** Interpolates every string below `value`; records errors (with the string's path) in `drafts`. */
function interpolateTree(
  value: unknown,
  rel: JsonPath,
  ctxFor: (rel: JsonPath) => InterpolationContext,
  base: JsonPath,
  drafts: DraftIssue[],
  failed: JsonPath[],
  skipTop: string[] = [],
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const result = interpolate(value, ctxFor(rel));
    if (result.errors.length > 0) {
      failed.push(rel);
      drafts.push(...result.errors.map((e) => fromInterpolation(e, [...base, ...rel])));
      return value; // the source text, so that no other check trips over a half-rendered value
    }
    return result.value;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, [...rel, i], ctxFor, base, drafts, failed));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = rel.length === 0 && skipTop.includes(k) ? v : interpolateTree(v, [...rel, k], ctxFor, base, drafts, failed);
    }
    return out;
  }
  return value;
}

/** Drops option issues about values whose interpolation already failed (they would only echo it). */
function withoutFailed(issues: DraftIssue[], failed: JsonPath[], base: JsonPath): DraftIssue[] {
  if (failed.length === 0) return issues;
  return issues.filter((i) => {
    const rel = i.path.slice(base.length);
    return !failed.some((f) => f.length > 0 && f.length <= rel.length && f.every((seg, n) => rel[n] === seg));
  });
}

/** The option names of the (nested) object schema at `path`, for "did you mean". */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: unknown = schema;
  for (const seg of path) {
    if (typeof seg === 'number') {
      cur = unwrap(cur);
      cur = (cur as { element?: unknown }).element;
    } else {
      cur = unwrap(cur);
      cur = (cur as { shape?: Record<string, unknown> }).shape?.[String(seg)];
    }
    if (cur === undefined) return [];
  }
  return shapeKeys(unwrap(cur) as z.ZodType);
}

function unwrap(s: unknown): unknown {
  let cur = s as { def?: { innerType?: unknown; out?: unknown; type?: string } } | undefined;
  for (let i = 0; i < 10 && cur?.def; i++) {
    const next = cur.def.innerType ?? (cur.def.type === 'pipe' ? cur.def.out : undefined);
    if (next === undefined) break;
    cur = next as typeof cur;
  }
  return cur;
}

/** only/except of a provisioner or post-processor: checks the names, returns the filter. */
function buildFilter(obj: Record<string, unknown>, path: JsonPath, label: string, names: string[], drafts: DraftIssue[]): (name: string) => boolean {
  const lists: Partial<Record<'only' | 'except', string[]>> = {};
  for (const field of ['only', 'except'] as const) {
    const v = obj[field];
    if (v === undefined) continue;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    lists[field] = list;
    list.forEach((n, j) => {
      if (!names.includes(n)) drafts.push(unknownBuilderRef(label, typeof v === 'string' ? [...path, field] : [...path, field, j], field, n, names, false));
    });
  }
  return (name) => (lists.only ? lists.only.includes(name) : lists.except ? !lists.except.includes(name) : true);
}

function unknownBuilderRef(label: string, path: JsonPath, field: string, name: string, names: string[], key: boolean): DraftIssue {
  return {
    code: 'BUILD_FILTER_UNKNOWN_BUILDER',
    path,
    key,
    message: `${label}: "${field}" names the builder '${name}', but the template has no builder of that name (builders: ${names.join(', ') || 'none'}).`,
    hint: 'Use a builder\'s "name" (or its type when it has no name).',
    params: { label, field, name, builders: names.join(', ') },
  };
}

function localFiles(type: string, c: Partial<TShellProvisioner & TFileProvisioner>): [JsonPath, string][] {
  const out: [JsonPath, string][] = [];
  if (type === 'shell') {
    if (c.script) out.push([['script'], c.script]);
    (c.scripts ?? []).forEach((s, i) => out.push([['scripts', i], s]));
  } else if (c.direction !== 'download') {
    if (c.source) out.push([['source'], c.source]);
    (c.sources ?? []).forEach((s, i) => out.push([['sources', i], s]));
  }
  return out;
}

function missingFile(ctx: CheckTemplateContext, ref: ComponentRef, rel: JsonPath, file: string): DraftIssue[] {
  if (!ctx.fileExists || file.includes('{{') || ctx.fileExists(file.replace(/^\.\//, ''))) return [];
  const field = rel.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
  return [{
    code: 'FILE_NOT_FOUND',
    path: [...ref.path, ...rel],
    message: `${ref.label}: "${field}" names "${file}", which is not among the template's attachments and not declared as a build input.`,
    hint: 'Attach the file (Attachments panel), declare a build input whose pattern matches it, or fix the path.',
    params: { label: ref.label, type: ref.type, field, file },
  }];
}

// ---------------------------------------------------------------------------
// Positions (one helper for every level: positions.ts)

function place(src: SourcePositions, level: CheckLevel, drafts: DraftIssue[]): TemplateCheckIssue[] {
  return drafts.map((d) => {
    const span = src.ofPath(d.path, { ...(d.key ? { key: true } : {}), ...(d.within ? { within: d.within } : {}) });
    const issue: TemplateCheckIssue = {
      code: d.code, level, path: formatPath(d.path), message: d.message, params: d.params,
      line: span.line, column: span.column, from: span.offset, to: span.offset + span.length,
    };
    if (d.hint !== undefined) issue.hint = d.hint;
    if (d.fixes && d.fixes.length > 0) issue.fixes = d.fixes;
    return issue;
  });
}

function dedupe(issues: TemplateCheckIssue[]): TemplateCheckIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

