// `npm run image -- <command>`: Packer's command line over the engine (build, validate, inspect,
// copy, cleanup). USAGE below is the reference for its commands, flags and environment variables;
// the README's "The image CLI" section repeats it with an example against the sandbox cloud.
import { setMaxListeners } from 'node:events';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProvider } from '@/server/clouds';
import { isCloudApiError } from '@/server/clouds/cloud-error';
import type { CloudCredentials, CloudKind, ImageInfo, RegionInfo } from '@/server/clouds/provider';
import { buildTemplate, copyImageToRegions } from './build';
import { cleanupRun } from './cleanup-run';
import { EventFormatter } from './events';
import { folderFileExists, folderFileSource, layeredFileSource } from './provisioners/file-source';
import type { RunEvent } from './runner/reporter';
import type { CapabilityContext, CatalogImage, ImageFacts } from './template/capabilities';
import { checkTemplate, type TemplateCheck } from './template/check-template';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  /** Registers the Ctrl-C handler; returns its remover. */
  onInterrupt?: (handler: () => void) => () => void;
  exit?: (code: number) => never;
}

const USAGE = `usage: npm run image -- <command> [flags] [template.json]

commands:
  build     builds the template's images (Packer's \`packer build\`)
  validate  checks the template, and with credentials the regions' facts (\`packer validate\`)
  inspect   lists the template's variables, builders and provisioners (\`packer inspect\`)
  copy      copies an existing image to other regions
  cleanup   deletes what a killed build left: its hosts, EIPs, firewalls / security groups and key
            pairs (images too with --include-images), in every region of the credentials unless --region

  image build [--parallel-builds N] [--only a,b] [--except c] [--var k=v] [--var-file f.json]
              [--attachments DIR] [--inputs DIR] [--on-error cleanup|abort] [--fail-fast]
              [--machine-readable] template.json
  image validate [--offline] [--var k=v] [--var-file f.json] [--attachments DIR] [--inputs DIR] template.json
  image inspect template.json
  image copy --from <region>:<image> --to r1,r2 --cloud ucloud|aws [--machine-readable]
  image cleanup --run-id ID[,ID…] [--cloud ucloud|aws] [--region r1,r2] [--include-images] [--dry-run]

flags:
  --parallel-builds N   builds at once (0, the default: all)
  --only / --except     builders to run or skip, by name (comma-separated, repeatable)
  --var k=v             sets a user variable (repeatable); --var-file f.json reads them from a file
  --attachments DIR     a folder of the template's attachments (config files, scripts) (repeatable)
  --inputs DIR          a folder of the build's inputs (e.g. the release tarball CI built) (repeatable)
                        File provisioners and shell scripts read their relative paths from the
                        --attachments folders first, then the --inputs folders; with neither flag,
                        from the template's folder (as Packer does). validate checks that each
                        file is there. The manifest is written next to the template.
  --on-error            cleanup (default: delete the temporary resources) or abort (leave them)
  --fail-fast           cancels the other builds when one fails
  --machine-readable    Packer's machine-readable records instead of human lines
  --offline             validate without asking the clouds (no region facts)
  --dry-run             cleanup: only list what would be deleted
  -h, --help            prints this text and exits 0 (no arguments: this text on stderr, exit 2)

environment:
  UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY   UCloud API keys (ucloud-uhost builders)
  UCLOUD_PROJECT_ID                       UCloud project (default: the account's default project)
  UCLOUD_ENDPOINT                         UCloud API endpoint (e.g. the sandbox's http://127.0.0.1:4600/ucloud)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                                          AWS keys (amazon-ebs builders)
  AWS_ENDPOINT_URL_EC2                    EC2 API endpoint (e.g. the sandbox's http://127.0.0.1:4600/ec2)
  IMAGE_SSH_PORT                          SSH port of every host (the sandbox's shared port, e.g. 2222)
  IMAGE_POLL_MS                           poll interval in ms (short for the sandbox, e.g. 50)
  Templates read any other variable with {{env \`NAME\`}}.

Ctrl-C (or SIGTERM) cancels a build and waits for its cleanup; a second Ctrl-C exits at once.`;

class UsageError extends Error {}

interface ParsedArgs {
  flags: Map<string, string[]>;
  bools: Set<string>;
  positional: string[];
}

const BOOL_FLAGS = new Set(['fail-fast', 'machine-readable', 'help', 'offline', 'dry-run', 'include-images']);
/** `-h` is short for `--help`; `image help`, `image --help` and `image -h` all print the usage. */
const FLAG_ALIASES: Record<string, string> = { h: 'help' };
const HELP_WORDS = new Set(['help', '--help', '-h']);

function parseArgs(args: string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const bools = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const raw = eq >= 0 ? body.slice(0, eq) : body;
    const name = FLAG_ALIASES[raw] ?? raw;
    if (BOOL_FLAGS.has(name)) {
      bools.add(name);
      continue;
    }
    const value = eq >= 0 ? body.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, bools, positional };
}

const list = (values: string[] | undefined): string[] | undefined => (values ? values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean) : undefined);
const last = (values: string[] | undefined): string | undefined => values?.[values.length - 1];

export function credentialsFromEnv(env: Record<string, string | undefined>, cloud: CloudKind): CloudCredentials {
  if (cloud === 'ucloud') {
    return { cloud, keyId: env['UCLOUD_PUBLIC_KEY'] ?? '', secret: env['UCLOUD_PRIVATE_KEY'] ?? '', projectId: env['UCLOUD_PROJECT_ID'] || undefined, endpoint: env['UCLOUD_ENDPOINT'] || undefined };
  }
  return { cloud, keyId: env['AWS_ACCESS_KEY_ID'] ?? '', secret: env['AWS_SECRET_ACCESS_KEY'] ?? '', endpoint: env['AWS_ENDPOINT_URL_EC2'] || undefined };
}

interface CheckOutcome {
  check: TemplateCheck;
  /** Regions whose facts could not be read (validate fails on these unless --offline). */
  unchecked: string[];
}

async function check(path: string, parsed: ParsedArgs, io: CliIo, mode: 'live' | 'offline' = 'live', files = true): Promise<CheckOutcome> {
  const text = await readFile(path, 'utf8');
  const vars: Record<string, string> = {};
  for (const kv of parsed.flags.get('var') ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var wants key=value, got "${kv}"`);
    vars[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const varFiles = await Promise.all((parsed.flags.get('var-file') ?? []).map(async (f) => JSON.parse(await readFile(f, 'utf8')) as object));
  const env = Object.fromEntries(Object.entries(io.env).filter((e): e is [string, string] => e[1] !== undefined));
  const live = mode === 'live' ? await liveCapabilities(text, io) : { context: {}, unchecked: [] };
  return { check: checkTemplate(text, { vars, varFiles, env, ...live.context, ...(files ? { fileExists: folderFileExists(fileRoots(path, parsed)) } : {}) }), unchecked: live.unchecked };
}

/** The folders provisioners read files from: --attachments, then --inputs; else the template's folder. */
function fileRoots(template: string, parsed: ParsedArgs): string[] {
  const roots = [...(parsed.flags.get('attachments') ?? []), ...(parsed.flags.get('inputs') ?? [])].map((d) => resolve(d));
  for (const root of roots) if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${root} is not a folder (--attachments and --inputs name folders)`);
  return roots.length > 0 ? roots : [dirname(resolve(template))];
}

const cloudOf = (b: Record<string, unknown>): CloudKind | null => (b['type'] === 'ucloud-uhost' ? 'ucloud' : b['type'] === 'amazon-ebs' ? 'aws' : null);

/** The regions a builder touches: where it builds and where it copies to (literal values only). */
function regionsOf(b: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof b['region'] === 'string') out.push(b['region']);
  const mappings = b['image_copy_to_mappings'];
  if (Array.isArray(mappings)) for (const m of mappings) if (m && typeof m === 'object' && typeof (m as { region?: unknown }).region === 'string') out.push((m as { region: string }).region);
  const amiRegions = b['ami_regions'];
  if (Array.isArray(amiRegions)) for (const r of amiRegions) if (typeof r === 'string') out.push(r);
  return [...new Set(out.filter((r) => !r.includes('{{')))];
}

/**
 * With credentials in the environment, asks the clouds (read-only calls: regions, zone
 * capabilities, the source images) what the target regions can run, so that validate catches
 * field problems #2 and #3 before a build. A cloud whose facts cannot be read (no credentials,
 * an error) is reported region by region in `unchecked`, never silently passed.
 */
export async function liveCapabilities(text: string, io: CliIo): Promise<{ context: CapabilityContext; unchecked: string[] }> {
  let builders: Record<string, unknown>[] = [];
  try {
    const json = JSON.parse(text) as { builders?: unknown };
    if (Array.isArray(json.builders)) builders = json.builders.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null);
  } catch {
    return { context: {}, unchecked: [] };
  }
  const clouds = [...new Set(builders.map(cloudOf).filter((c): c is CloudKind => c !== null))];
  const regions = new Map<CloudKind, RegionInfo[]>();
  const images = new Map<string, ImageFacts | null>();
  const catalog = new Map<string, CatalogImage[]>();
  const unchecked: string[] = [];
  for (const cloud of clouds) {
    const wanted = [...new Set(builders.filter((b) => cloudOf(b) === cloud).flatMap(regionsOf))];
    const label = (region: string) => `${cloud} region ${region}`;
    const credentials = credentialsFromEnv(io.env, cloud);
    if (!credentials.keyId || !credentials.secret) {
      const vars = cloud === 'ucloud' ? 'UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY' : 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
      for (const r of wanted) io.err(`Error: could not check ${label(r)}: no ${cloud} credentials in the environment (${vars})`);
      unchecked.push(...wanted.map(label));
      continue;
    }
    const provider = createProvider(credentials);
    try {
      // One deadline for the many discovery calls of a listing (hence more than 10 listeners).
      const signal = AbortSignal.timeout(60_000);
      setMaxListeners(200, signal);
      regions.set(cloud, await provider.listRegions({ signal }));
    } catch (err) {
      // A listing fails on its first region that does not answer; the error names it when it can.
      const failed = isCloudApiError(err) && err.region ? [err.region] : wanted;
      for (const r of failed) io.err(`Error: could not check ${label(r)}: ${err instanceof Error ? err.message : String(err)}`);
      unchecked.push(...failed.map(label));
      continue;
    }
    for (const b of builders.filter((x) => cloudOf(x) === cloud)) {
      const region = b['region'];
      const imageId = cloud === 'ucloud' ? b['source_image_id'] : b['source_ami'];
      if (typeof region !== 'string' || typeof imageId !== 'string' || imageId.includes('{{')) continue;
      try {
        const info = await provider.describeImage(region, imageId, { signal: AbortSignal.timeout(30_000) });
        images.set(`${cloud}|${region}|${imageId}`, info ? imageFacts(info) : null);
      } catch (err) {
        io.err(`Error: could not check the source image ${imageId} in ${label(region)}: ${err instanceof Error ? err.message : String(err)}`);
        unchecked.push(label(region));
      }
    }
    // The builders' regions' base images (a bounded listing), for concrete replacement images (#2).
    for (const region of new Set(builders.filter((x) => cloudOf(x) === cloud).map((x) => x['region']).filter((r): r is string => typeof r === 'string' && !r.includes('{{')))) {
      if (!regions.get(cloud)?.some((r) => r.id === region)) continue;
      try {
        const list: CatalogImage[] = [];
        let pages = 0;
        for await (const page of provider.listBaseImages(region, { pageSize: 100, signal: AbortSignal.timeout(60_000) })) {
          list.push(...page.images.filter((i) => i.state === 'available').map((i) => ({ id: i.id, ...imageFacts(i) })));
          if (++pages >= CATALOG_PAGES) break;
        }
        catalog.set(`${cloud}|${region}`, list);
      } catch (err) {
        // Only the suggestions suffer: the check itself has what it needs.
        io.err(`note: could not list the base images of ${label(region)} for suggestions: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return {
    context: {
      // Only the clouds that answered are checked; the others are in `unchecked`.
      clouds: [...regions.keys()],
      capabilities: (cloud, region) => regions.get(cloud)?.find((r) => r.id === region),
      regions: (cloud) => regions.get(cloud) ?? [],
      imageInfo: (cloud, region, imageId) => images.get(`${cloud}|${region}|${imageId}`),
      catalog: (cloud, region) => catalog.get(`${cloud}|${region}`),
    },
    unchecked: [...new Set(unchecked)],
  };
}

/** At most this many pages (of 100) of a region's base images are read for suggestions. */
const CATALOG_PAGES = 10;

function imageFacts(info: ImageInfo): ImageFacts {
  return {
    name: info.name,
    ...(info.osFamily ? { osFamily: info.osFamily } : {}),
    ...(info.osVersion ? { osVersion: info.osVersion } : {}),
    ...(info.createdAt ? { createdAt: info.createdAt.toISOString() } : {}),
    ...(info.cpuPlatforms ? { cpuPlatforms: info.cpuPlatforms } : {}),
    ...(info.enaSupport === undefined ? {} : { enaSupport: info.enaSupport }),
  };
}

function printIssues(result: TemplateCheck, io: CliIo): void {
  for (const i of result.issues) io.err(`Error: ${i.message}${i.hint ? `\n  hint: ${i.hint}` : ''} (${i.line}:${i.column})`);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const parsed = parseArgs(rest);
    if (!command) {
      io.err(USAGE);
      return 2;
    }
    if (HELP_WORDS.has(command) || parsed.bools.has('help')) {
      io.out(USAGE);
      return 0;
    }
    switch (command) {
      case 'validate':
        return await validate(requireTemplate(parsed), parsed, io);
      case 'inspect':
        return await inspect(requireTemplate(parsed), parsed, io);
      case 'build':
        return await build(requireTemplate(parsed), parsed, io);
      case 'copy':
        return await copy(parsed, io);
      case 'cleanup':
        return await cleanup(parsed, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n${USAGE}`);
      return 2;
    }
    io.err(`Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/**
 * Valid only when every region of the template was checked: a region whose capabilities could not
 * be read fails validation (exit 1) unless `--offline` skips the region facts altogether.
 */
async function validate(path: string, parsed: ParsedArgs, io: CliIo): Promise<number> {
  const offline = parsed.bools.has('offline');
  const { check: result, unchecked } = await check(path, parsed, io, offline ? 'offline' : 'live');
  if (!result.ok) {
    printIssues(result, io);
    return 1;
  }
  if (unchecked.length > 0) {
    io.err(`Error: the template could not be fully validated: ${unchecked.join(', ')} could not be checked (see above). Fix the credentials or endpoint, or pass --offline to validate without region facts.`);
    return 1;
  }
  if (offline) io.err('note: --offline: region capabilities and source images were not checked against the clouds.');
  io.out('The configuration is valid.');
  return 0;
}

function requireTemplate(parsed: ParsedArgs): string {
  const path = parsed.positional[0];
  if (!path) throw new UsageError('a template file is required');
  return path;
}

async function inspect(path: string, parsed: ParsedArgs, io: CliIo): Promise<number> {
  const { check: result } = await check(path, parsed, io, 'offline', false);
  if (!result.template) {
    printIssues(result, io);
    return 1;
  }
  const t = result.template;
  io.out(`Description:\n\n${t.description}\n`);
  io.out('Optional variables and their defaults:\n');
  for (const [k, v] of Object.entries(t.variables)) io.out(`  ${k} = ${t.sensitiveVariables.includes(k) ? '<sensitive>' : v}`);
  io.out('\nBuilders:\n');
  for (const b of t.builds) io.out(`  ${b.name}${b.name === b.type ? '' : ` (${b.type})`}`);
  io.out('\nProvisioners:\n');
  const seen = new Set<number>();
  for (const p of t.builds.flatMap((b) => b.provisioners)) {
    if (seen.has(p.index)) continue;
    seen.add(p.index);
    io.out(`  ${p.type}`);
  }
  if (seen.size === 0) io.out('  <No provisioners>');
  io.out('\nNote: If your build names contain user variables or template functions such as \'timestamp\', these are processed at build time, and therefore only show in their raw form here.');
  return 0;
}

async function build(path: string, parsed: ParsedArgs, io: CliIo): Promise<number> {
  // Regions that could not be checked are printed; the build itself then meets the cloud's answer.
  const { check: result } = await check(path, parsed, io);
  if (!result.template) {
    printIssues(result, io);
    return 1;
  }
  const onError = last(parsed.flags.get('on-error')) ?? 'cleanup';
  if (onError !== 'cleanup' && onError !== 'abort') throw new UsageError('--on-error is cleanup or abort');
  const parallel = Number(last(parsed.flags.get('parallel-builds')) ?? '0');
  if (!Number.isInteger(parallel) || parallel < 0) throw new UsageError('--parallel-builds wants a whole number (0 = unlimited)');
  const sshPort = io.env['IMAGE_SSH_PORT'] ? Number(io.env['IMAGE_SSH_PORT']) : undefined;

  const formatter = new EventFormatter(parsed.bools.has('machine-readable') ? 'machine' : 'human');
  const controller = new AbortController();
  let interrupts = 0;
  const removeInterrupt = io.onInterrupt?.(() => {
    interrupts += 1;
    if (interrupts === 1) {
      io.err('==> Interrupted: cancelling the builds and cleaning up (press Ctrl-C again to exit at once)…');
      controller.abort(new Error('interrupted by the user'));
    } else {
      io.err('==> Exiting without waiting for the cleanup; temporary resources may be left behind.');
      io.exit?.(130);
    }
  });
  try {
    const results = await buildTemplate({
      template: result.template,
      credentials: (cloud) => credentialsFromEnv(io.env, cloud),
      only: list(parsed.flags.get('only')),
      except: list(parsed.flags.get('except')),
      parallelBuilds: parallel,
      onError,
      failFast: parsed.bools.has('fail-fast'),
      signal: controller.signal,
      reporter: { emit: (e: RunEvent) => formatter.format(e).forEach((l) => io.out(l)) },
      files: layeredFileSource(fileRoots(path, parsed).map(folderFileSource), folderFileSource(dirname(resolve(path)))),
      sshPortOverride: sshPort,
      // The sandbox cloud changes state in fractions of a second; real clouds want the default.
      ...(io.env['IMAGE_POLL_MS'] ? { timing: { pollMs: Number(io.env['IMAGE_POLL_MS']) } } : {}),
      onBuildStarted: (b) => {
        formatter.nameRun(b.runId, b.name);
        io.err(`==> ${b.name}: run id ${b.runId} (if this process is killed, \`npm run image -- cleanup --run-id ${b.runId}\` deletes what it leaves)`);
      },
    });
    for (const line of formatter.summary(results)) io.out(line);
    // A requested copy that failed fails the command too (the artifact above still lists what exists).
    const copyFailures = results.flatMap((r) => (r.artifact?.copyFailures ?? []).map((f) => `${r.name} → ${f.region}`));
    if (copyFailures.length > 0) io.err(`Error: ${copyFailures.length} requested image ${copyFailures.length === 1 ? 'copy' : 'copies'} failed (${copyFailures.join(', ')}); redo with: npm run image -- copy --from <region>:<image> --to <regions> --cloud <cloud>`);
    return results.every((r) => r.status === 'succeeded') && copyFailures.length === 0 ? 0 : 1;
  } finally {
    removeInterrupt?.();
  }
}

async function copy(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const from = last(parsed.flags.get('from'));
  const to = list(parsed.flags.get('to'));
  const cloud = last(parsed.flags.get('cloud'));
  if (!from || !to?.length || (cloud !== 'ucloud' && cloud !== 'aws')) throw new UsageError('copy needs --from <region>:<image>, --to r1,r2 and --cloud ucloud|aws');
  const sep = from.indexOf(':');
  if (sep <= 0) throw new UsageError('--from is <region>:<image>');
  const formatter = new EventFormatter(parsed.bools.has('machine-readable') ? 'machine' : 'human');
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt?.(() => controller.abort(new Error('interrupted by the user')));
  try {
    const result = await copyImageToRegions({
      cloud,
      credentials: credentialsFromEnv(io.env, cloud),
      from: { region: from.slice(0, sep), imageId: from.slice(sep + 1) },
      to,
      signal: controller.signal,
      reporter: { emit: (e: RunEvent) => formatter.format(e).forEach((l) => io.out(l)) },
    });
    for (const i of result.images) io.out(`--> ${i.region}: ${i.imageId}`);
    for (const f of result.copyFailures) io.err(`--> ${f.region}: FAILED: ${f.error}`);
    if (result.error) io.err(`Error: ${result.error.userMessage}`);
    return result.status === 'succeeded' && result.copyFailures.length === 0 ? 0 : 1;
  } finally {
    removeInterrupt?.();
  }
}

async function cleanup(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const runIds = list(parsed.flags.get('run-id'));
  if (!runIds?.length) throw new UsageError('cleanup needs --run-id ID (printed by `image build` as each build starts)');
  for (const id of runIds) if (!/^[\w.-]{1,63}$/.test(id)) throw new UsageError(`--run-id "${id}" is not a run id (letters, digits, "-", "_", ".")`);
  const cloudFlag = last(parsed.flags.get('cloud'));
  if (cloudFlag !== undefined && cloudFlag !== 'ucloud' && cloudFlag !== 'aws') throw new UsageError('--cloud is ucloud or aws');
  const clouds: CloudKind[] = cloudFlag ? [cloudFlag] : (['ucloud', 'aws'] as const).filter((c) => credentialsFromEnv(io.env, c).keyId);
  if (clouds.length === 0) throw new UsageError('cleanup needs credentials in the environment (UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)');
  const wantedRegions = list(parsed.flags.get('region'));
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt?.(() => controller.abort(new Error('interrupted by the user')));
  const pollMs = io.env['IMAGE_POLL_MS'] ? Number(io.env['IMAGE_POLL_MS']) : undefined;
  let failures = 0;
  try {
    for (const cloud of clouds) {
      const credentials = credentialsFromEnv(io.env, cloud);
      if (!credentials.keyId || !credentials.secret) {
        io.err(`Error: no ${cloud} credentials in the environment`);
        failures++;
        continue;
      }
      const provider = createProvider(credentials, pollMs ? { pollIntervalMs: pollMs } : {});
      let regions = wantedRegions;
      if (!regions) {
        try {
          regions = (await provider.listRegions({ signal: controller.signal })).map((r) => r.id);
        } catch (err) {
          io.err(`Error: could not list the ${cloud} regions (${err instanceof Error ? err.message : String(err)}); pass --region`);
          failures++;
          continue;
        }
      }
      for (const runId of runIds) {
        io.out(`==> ${cloud}: looking for resources of run ${runId} in ${regions.length} region${regions.length === 1 ? '' : 's'}…`);
        const result = await cleanupRun({
          provider,
          runId,
          regions,
          includeImages: parsed.bools.has('include-images'),
          dryRun: parsed.bools.has('dry-run'),
          signal: controller.signal,
          log: (line) => io.out(`--> ${line}`),
          ...(pollMs ? { pollMs } : {}),
        });
        for (const f of result.failed.filter((x) => !x.resource)) io.err(`Error: ${f.error}`);
        failures += result.failed.length;
        const verb = parsed.bools.has('dry-run') ? 'would delete' : 'deleted';
        const count = parsed.bools.has('dry-run') ? result.found.length - result.kept.length : result.deleted.length;
        io.out(
          result.found.length === 0 && result.failed.length === 0
            ? `==> ${cloud}: nothing of run ${runId} is left.`
            : `==> ${cloud}: run ${runId}: ${verb} ${count}, kept ${result.kept.length} image${result.kept.length === 1 ? '' : 's'}, ${result.failed.length} failed.`,
        );
      }
    }
  } finally {
    removeInterrupt?.();
  }
  return failures === 0 ? 0 : 1;
}

// Run as a program (tsx server/engine/cli.ts …), not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const io: CliIo = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    // eslint-disable-next-line no-restricted-properties -- a program entry: credentials come from its environment
    env: process.env,
    // SIGTERM (a supervisor, `kill`) cancels and cleans up like Ctrl-C; only SIGKILL leaves resources.
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    exit: (code) => process.exit(code),
  };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
