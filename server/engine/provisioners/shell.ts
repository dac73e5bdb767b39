// The `shell` provisioner, after Packer 1.6's: each script (the inline lines behind
// `inline_shebang`, or `script`/`scripts` read from the build's files) is uploaded to
// `remote_folder` as script_<n>.sh, made executable and run through `execute_command`, with
// `environment_vars` (plus PACKER_BUILD_NAME and PACKER_BUILDER_TYPE) in `{{ .Vars }}`.
import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { Communicator } from '../communicator/types';
import type { TShellProvisioner } from '../template/provisioners';
import { interpolate } from '../template/interpolate';
import { FileSourceError } from './file-source';
import type { ProvisionerRunContext } from './types';

const DEFAULT_EXECUTE_COMMAND = 'chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}';
const ENV_FILE_EXECUTE_COMMAND = 'chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}';

interface Script {
  /** For the log: "inline" or the file's path among the build's files. */
  name: string;
  content: Buffer;
}

/** `value` wrapped for a POSIX shell in single quotes, as Packer does ('"'"' for each '). */
export function shellQuoteValue(value: string): string {
  return value.replace(/'/g, `'"'"'`);
}

/** The environment the scripts get: Packer's two variables, then `environment_vars`, sorted by name as Packer does. */
export function shellEnvironment(config: Pick<TShellProvisioner, 'environment_vars'>, build: { buildName: string; buildType: string }): [string, string][] {
  const env = new Map<string, string>([['PACKER_BUILD_NAME', build.buildName], ['PACKER_BUILDER_TYPE', build.buildType]]);
  for (const entry of config.environment_vars) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue; // the template check already refuses these
    env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return [...env.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Renders the env as `{{ .Vars }}` (or the env file) with Packer's `env_var_format` (two %s: name, value). */
export function flattenEnvironment(env: [string, string][], format: string): string {
  return env
    .map(([key, value]) => {
      let n = 0;
      return format.replace(/%%|%s/g, (m) => (m === '%%' ? '%' : n++ === 0 ? key : shellQuoteValue(value)));
    })
    .join('');
}

export async function runShellProvisioner(comm: Communicator, config: TShellProvisioner, ctx: ProvisionerRunContext): Promise<void> {
  const scripts = await loadScripts(config, ctx);
  const env = shellEnvironment(config, ctx);
  const format = config.env_var_format ?? (config.use_env_var_file ? "export %s='%s'\n" : "%s='%s' ");
  const flattened = flattenEnvironment(env, format);
  const executeCommand = config.use_env_var_file && config.execute_command === DEFAULT_EXECUTE_COMMAND ? ENV_FILE_EXECUTE_COMMAND : config.execute_command;

  for (const script of scripts) {
    const remotePath = config.remote_path ?? path.posix.join(config.remote_folder, config.remote_file ?? `script_${randomInt(10_000)}.sh`);
    ctx.log(`Provisioning with shell script: ${script.name} (uploaded to ${remotePath})`, 'info');
    await upload(comm, ctx, remotePath, script.content, 0o755, 'the script');
    let envFile = '';
    if (config.use_env_var_file) {
      envFile = path.posix.join(config.remote_folder, `varfile_${randomInt(10_000)}.sh`);
      await upload(comm, ctx, envFile, Buffer.from(flattened, 'utf8'), 0o600, 'the environment file');
    }

    const rendered = interpolate(executeCommand, {
      where: `${ctx.label} "execute_command"`,
      buildTime: new Date(),
      buildName: ctx.buildName,
      buildType: ctx.buildType,
      buildData: ctx.buildData,
      fields: { Path: remotePath, Vars: flattened, EnvVarFile: envFile },
    });
    if (rendered.errors.length > 0 || rendered.deferred) {
      // The message names the problem, never the rendered command (it holds the env values).
      throw ctx.fail('config', `"execute_command" could not be rendered: ${rendered.errors[0]?.message ?? 'it still holds build-time data'}`);
    }

    const result = await comm.exec(rendered.value, {
      signal: ctx.signal,
      onStdout: (line) => ctx.log(line, 'stdout'),
      onStderr: (line) => ctx.log(line, 'stderr'),
    });
    if (result.disconnected) {
      if (config.expect_disconnect) {
        ctx.log('The connection dropped while the script ran, as expected (expect_disconnect)', 'info');
        continue; // the host is going down: nothing to clean up over this connection
      }
      throw ctx.fail('disconnected', `lost the SSH connection while ${script.name === 'inline' ? 'the script' : `script "${script.name}"`} ran (set "expect_disconnect": true if it reboots the host)`, { exitCode: null });
    }
    const code = result.exitCode;
    if (code === null || !config.valid_exit_codes.includes(code)) {
      const what = script.name === 'inline' ? 'script' : `script "${script.name}"`;
      throw ctx.fail('exit-code', `${what} exited with code ${code ?? 'unknown'} (valid: ${config.valid_exit_codes.join(', ')})`, { exitCode: code });
    }
    if (code !== 0) ctx.log(`Script exited with code ${code}, which valid_exit_codes accepts`, 'info');

    if (!config.skip_clean) {
      const targets = [remotePath, envFile].filter((p) => p !== '');
      const cleanup = await comm.exec(`rm -f ${targets.map((p) => `'${shellQuoteValue(p)}'`).join(' ')}`, { signal: ctx.signal }).catch((err: unknown) => {
        if (ctx.signal.aborted) throw err;
        return { exitCode: null, disconnected: true };
      });
      if (cleanup.exitCode !== 0) ctx.log(`Could not remove ${targets.join(', ')} from the host (left in place)`, 'info');
    }
  }
}

async function loadScripts(config: TShellProvisioner, ctx: ProvisionerRunContext): Promise<Script[]> {
  if (config.inline !== undefined) {
    return [{ name: 'inline', content: Buffer.from(`#!${config.inline_shebang}\n${config.inline.join('\n')}\n`, 'utf8') }];
  }
  const files = config.script !== undefined ? [config.script] : (config.scripts ?? []);
  const out: Script[] = [];
  for (const file of files) {
    let content: Buffer;
    try {
      content = await ctx.files.read(file);
    } catch (err) {
      if (err instanceof FileSourceError) throw ctx.fail('file', err.message, { cause: err });
      throw ctx.fail('file', `could not read script "${file}"`, { cause: err });
    }
    // Packer turns Windows line endings into Unix ones unless the script is `binary`.
    if (!config.binary) content = Buffer.from(content.toString('utf8').replace(/\r\n/g, '\n'), 'utf8');
    out.push({ name: file, content });
  }
  return out;
}

async function upload(comm: Communicator, ctx: ProvisionerRunContext, remotePath: string, content: Buffer, mode: number, what: string): Promise<void> {
  try {
    await comm.upload(remotePath, content, { signal: ctx.signal, mode });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw ctx.fail('transfer', `could not upload ${what} to ${remotePath}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
