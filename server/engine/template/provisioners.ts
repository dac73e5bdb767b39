// The provisioners this console runs: `shell` and `file` (Packer 1.6 options), plus the options
// every provisioner has (`only`, `except`, `pause_before`, `max_retries`, `timeout`, `override`).
// Files come from the template's attachments or the build's inputs: local paths must be relative.
import { z } from 'zod';
import type { DraftIssue } from './issues';
import { exclusive, filePathProblem, zBool, zDuration, zFilePath, zInt, zRequired, zStr, zStrList, type ComponentRef } from './schema-kit';

export const KNOWN_PROVISIONER_TYPES = ['shell', 'file'] as const;
export type ProvisionerType = (typeof KNOWN_PROVISIONER_TYPES)[number];

const commonShape = {
  type: z.string(),
  only: zStrList.optional(),
  except: zStrList.optional(),
  pause_before: zDuration.optional(),
  max_retries: zInt.pipe(z.number().min(0, { error: 'must not be negative' })).default(0),
  timeout: zDuration.optional(),
  override: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
};

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*=/;

export const ZShellProvisioner = z.strictObject({
  ...commonShape,
  inline: zStrList.optional(),
  inline_shebang: zStr.default('/bin/sh -e'),
  script: zFilePath.optional(),
  scripts: z.array(zFilePath).optional(),
  environment_vars: z.array(zStr.refine((v) => ENV_VAR.test(v), { error: 'must look like "NAME=value"' })).default([]),
  env_var_format: zStr.optional(),
  execute_command: zStr.default("chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}"),
  expect_disconnect: zBool.default(false),
  valid_exit_codes: z.preprocess((v) => (typeof v === 'number' ? [v] : v), z.array(zInt)).default([0]),
  remote_folder: zStr.default('/tmp'),
  remote_file: zStr.optional(),
  remote_path: zStr.optional(),
  skip_clean: zBool.default(false),
  start_retry_timeout: zDuration.default('5m'),
  pause_after: zDuration.optional(),
  binary: zBool.default(false),
  use_env_var_file: zBool.default(false),
});

export const ZFileProvisioner = z.strictObject({
  ...commonShape,
  source: zStr.optional(),
  sources: zStrList.optional(),
  content: zStr.optional(),
  destination: zRequired,
  direction: z.enum(['upload', 'download']).default('upload'),
  generated: zBool.default(false),
});

export type TShellProvisioner = z.output<typeof ZShellProvisioner>;
export type TFileProvisioner = z.output<typeof ZFileProvisioner>;

export const PROVISIONER_SCHEMAS: Record<ProvisionerType, z.ZodType> = { shell: ZShellProvisioner, file: ZFileProvisioner };

/** Template data a provisioner option may use (`execute_command` renders the script's path and env). */
export function provisionerFields(type: string, option: string): Record<string, null> {
  return type === 'shell' && option === 'execute_command' ? { Path: null, Vars: null, EnvVarFile: null } : {};
}

export function provisionerCrossChecks(ref: ComponentRef, c: Record<string, unknown>): DraftIssue[] {
  const issues: DraftIssue[] = [];
  if (ref.type === 'shell') {
    issues.push(...exclusive(ref, c, ['inline', 'script', 'scripts'], { atLeastOne: true }));
  } else if (ref.type === 'file') {
    issues.push(...exclusive(ref, c, ['source', 'sources', 'content'], { atLeastOne: true }));
    const direction = c['direction'] ?? 'upload';
    if (direction === 'download') {
      if (c['content'] !== undefined) {
        issues.push(...exclusive(ref, { content: c['content'], direction }, ['content', 'direction']));
      }
      const dest = c['destination'];
      const problem = typeof dest === 'string' ? filePathProblem(dest) : undefined;
      if (problem) issues.push(fileIssue(ref, 'destination', dest as string, problem));
    } else {
      const local: [string, unknown][] = [['source', c['source']], ...(Array.isArray(c['sources']) ? c['sources'].map((s, i): [string, unknown] => [`sources[${i}]`, s]) : [])];
      for (const [field, value] of local) {
        const problem = typeof value === 'string' ? filePathProblem(value) : undefined;
        if (problem) issues.push(fileIssue(ref, field, value as string, problem));
      }
    }
  }
  if (c['only'] !== undefined && c['except'] !== undefined) issues.push(...exclusive(ref, c, ['only', 'except']));
  return issues;
}

export function fileIssue(ref: ComponentRef, field: string, file: string, problem: string): DraftIssue {
  const segs = field.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return {
    code: 'FILE_PATH_NOT_ALLOWED',
    path: [...ref.path, ...segs],
    message: `${ref.label}: "${field}" ${problem}: "${file}".`,
    hint: 'Files come from the template\'s attachments or the build\'s inputs; use a relative path such as "files/setup.sh".',
    params: { label: ref.label, type: ref.type, field, file, detail: problem },
  };
}
