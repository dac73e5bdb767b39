// Shared pieces of the option schemas: Packer's weak decoding (mapstructure's WeaklyTypedInput:
// "10" is an int, "true" a bool, a single string a one-item list — interpolated values are
// always strings), Go durations, the communicator options, file-path rules, and turning zod
// issues into template issues that name the component and the field.
import { z } from 'zod';
import { isGoDuration } from './go-time';
import { closestName } from './interpolate';
import { isRecord, type DraftIssue, type JsonPath } from './issues';
import type { TemplateCheckIssueCode } from './validate';

const GO_BOOL: Record<string, boolean> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true,
  '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

export const zStr = z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string());

/** A string that Packer requires to be non-empty ("… must be set"). */
export const zRequired = z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string().min(1, { error: 'must be set' }));

export const zInt = z.preprocess((v) => {
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v.trim());
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}, z.number().int({ error: 'must be a whole number' }));

export const zBool = z.preprocess((v) => {
  if (typeof v === 'string') return GO_BOOL[v.trim()] ?? v;
  if (typeof v === 'number') return v !== 0;
  return v;
}, z.boolean());

export const zDuration = zStr.refine(isGoDuration, { error: 'must be a Go duration such as "5m", "30s" or "1h30m"' });

export const zStrList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(zStr));

export const zStrMap = z.record(z.string(), zStr);

export const zPort = zInt.pipe(z.number().min(1, { error: 'must be a TCP port (1–65535)' }).max(65535, { error: 'must be a TCP port (1–65535)' }));

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
export const zCidr = zStr.refine((v) => {
  const m = CIDR.exec(v);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}, { error: 'must be an IPv4 CIDR block such as "203.0.113.0/24"' });

/**
 * Why a path may not be read, or undefined when it may. Files come from the template's
 * attachments or the build's inputs: relative paths inside that folder only.
 */
export function filePathProblem(path: string): string | undefined {
  if (path.includes('{{')) return undefined; // rendered at build time
  if (path === '') return 'is empty';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return 'is an absolute path on the server';
  if (path.startsWith('~')) return 'points into a home directory on the server';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return 'is a URL, not a file of the build';
  if (path.split(/[\\/]+/).includes('..')) return 'climbs out of the build\'s folder with ".."';
  if (path.includes('\0')) return 'contains a NUL character';
  return undefined;
}

export const zFilePath = zStr.superRefine((v, ctx) => {
  const problem = filePathProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; files come from the template's attachments or the build's inputs (a relative path such as "files/setup.sh")`, params: { file: true } });
});

/** An option that exists in Packer but that this console does not allow (with the reason). */
export const notSupported = (reason: string) => z.unknown().superRefine((_v, ctx) => {
  ctx.addIssue({ code: 'custom', message: reason, params: { notSupported: true } });
}).optional();

/** The standard communicator options (Packer's communicator.Config). */
export const communicatorShape = {
  communicator: z.enum(['ssh', 'winrm', 'none']).default('ssh'),
  pause_before_connecting: zDuration.optional(),
  ssh_host: zStr.optional(),
  ssh_port: zPort.default(22),
  ssh_password: zStr.optional(),
  ssh_private_key_file: zFilePath.optional(),
  ssh_keypair_name: zStr.optional(),
  ssh_agent_auth: notSupported('uses the SSH agent of the server; the console makes a temporary key pair per build'),
  ssh_timeout: zDuration.default('5m'),
  ssh_handshake_attempts: zInt.optional(),
  ssh_pty: zBool.default(false),
  ssh_disable_agent_forwarding: zBool.default(false),
  ssh_bastion_host: zStr.optional(),
  ssh_bastion_port: zPort.optional(),
  ssh_bastion_username: zStr.optional(),
  ssh_bastion_password: zStr.optional(),
  ssh_bastion_private_key_file: zFilePath.optional(),
  ssh_file_transfer_method: z.enum(['scp', 'sftp']).default('scp'),
  ssh_proxy_host: zStr.optional(),
  ssh_proxy_port: zPort.optional(),
  ssh_proxy_username: zStr.optional(),
  ssh_proxy_password: zStr.optional(),
  ssh_keep_alive_interval: zDuration.optional(),
  ssh_read_write_timeout: zDuration.optional(),
  ssh_clear_authorized_keys: zBool.default(false),
  ssh_ciphers: zStrList.optional(),
  ssh_key_exchange_algorithms: zStrList.optional(),
  ssh_certificate_file: zFilePath.optional(),
  ssh_local_tunnels: zStrList.optional(),
  ssh_remote_tunnels: zStrList.optional(),
  temporary_key_pair_name: zStr.optional(),
  winrm_username: zStr.optional(),
  winrm_password: zStr.optional(),
  winrm_host: zStr.optional(),
  winrm_port: zPort.optional(),
  winrm_timeout: zDuration.optional(),
  winrm_use_ssl: zBool.optional(),
  winrm_insecure: zBool.optional(),
  winrm_use_ntlm: zBool.optional(),
  winrm_no_proxy: zBool.optional(),
};

// ---------------------------------------------------------------------------
// zod issues → template issues

export interface ComponentRef {
  kind: 'builder' | 'provisioner' | 'post-processor';
  /** "builders[1] (ucloud-cn-bj2)", "provisioners[0] (shell)". */
  label: string;
  type: string;
  /** Path of the component object. */
  path: JsonPath;
}

const CODES: Record<ComponentRef['kind'], { required: TemplateCheckIssueCode; unknown: TemplateCheckIssueCode; invalid: TemplateCheckIssueCode }> = {
  builder: { required: 'BUILDER_OPTION_REQUIRED', unknown: 'BUILDER_OPTION_UNKNOWN', invalid: 'BUILDER_OPTION_INVALID' },
  provisioner: { required: 'PROVISIONER_OPTION_REQUIRED', unknown: 'PROVISIONER_OPTION_UNKNOWN', invalid: 'PROVISIONER_OPTION_INVALID' },
  'post-processor': { required: 'POST_PROCESSOR_OPTION_INVALID', unknown: 'POST_PROCESSOR_OPTION_UNKNOWN', invalid: 'POST_PROCESSOR_OPTION_INVALID' },
};

export function fieldName(path: readonly PropertyKey[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`)).join('');
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}…` : v}"`;
  return String(v);
}

const EXPECTED: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'a boolean (true or false)',
  array: 'a list', object: 'an object', record: 'an object of names and values',
};

/** Options that Packer documents for this component, for "did you mean". */
export function shapeKeys(schema: z.ZodType): string[] {
  const def = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return def ? Object.keys(def) : [];
}

export function mapZodIssues(error: z.ZodError, ref: ComponentRef, input: unknown, knownKeys: (path: readonly PropertyKey[]) => string[]): DraftIssue[] {
  const codes = CODES[ref.kind];
  const out: DraftIssue[] = [];
  const noun = ref.kind === 'builder' ? `the ${ref.type} builder` : `the ${ref.type} ${ref.kind}`;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const fieldPath = [...issue.path, key];
        const field = fieldName(fieldPath);
        const guess = closestName(key, knownKeys(issue.path));
        out.push({
          code: codes.unknown,
          path: [...ref.path, ...(fieldPath as JsonPath)],
          key: true,
          message: `${ref.label}: "${field}" is not an option of ${noun}; Packer rejects unknown options.`,
          hint: guess ? `Did you mean "${guess}"?` : `Remove "${field}" or check the ${ref.type} options.`,
          params: { label: ref.label, type: ref.type, field, suggestion: guess ?? '' },
        });
      }
      continue;
    }
    const field = fieldName(issue.path);
    const path = [...ref.path, ...(issue.path as JsonPath)];
    const value = valueAt(input, issue.path);
    const params = (issue as { params?: Record<string, unknown> }).params;
    if (value === undefined || ((issue.code === 'too_small' || issue.code === 'invalid_format') && value === '' && issue.message === 'must be set')) {
      out.push({
        code: codes.required,
        path,
        message: `${ref.label}: "${field}" must be set.`,
        hint: `Add "${field}" to ${ref.label}.`,
        params: { label: ref.label, type: ref.type, field, detail: 'must be set' },
      });
      continue;
    }
    if (params?.['notSupported']) {
      out.push({
        code: ref.kind === 'builder' ? 'BUILDER_OPTION_NOT_SUPPORTED' : codes.invalid,
        path,
        key: true,
        message: `${ref.label}: "${field}" is not supported by this console: ${issue.message}.`,
        hint: `Remove "${field}".`,
        params: { label: ref.label, type: ref.type, field, detail: issue.message },
      });
      continue;
    }
    let detail: string;
    if (issue.code === 'invalid_value') {
      detail = `should be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`;
    } else if (issue.code === 'invalid_type') {
      detail = `must be ${EXPECTED[issue.expected] ?? issue.expected}, but it is ${describeValue(value)}`;
    } else {
      detail = issue.message;
    }
    out.push({
      code: params?.['file'] ? 'FILE_PATH_NOT_ALLOWED' : codes.invalid,
      path,
      message: `${ref.label}: "${field}" ${detail}.`,
      params: { label: ref.label, type: ref.type, field, detail, ...(params?.['file'] ? { file: typeof value === 'string' ? value : '' } : {}) },
    });
  }
  return out;
}

export function exclusive(ref: ComponentRef, config: Record<string, unknown>, options: string[], opts: { atLeastOne?: boolean; code?: TemplateCheckIssueCode } = {}): DraftIssue[] {
  const present = options.filter((o) => config[o] !== undefined && config[o] !== '' && !(Array.isArray(config[o]) && (config[o] as unknown[]).length === 0));
  if (present.length > 1 || (opts.atLeastOne && present.length === 0)) {
    const list = options.map((o) => `"${o}"`).join(opts.atLeastOne ? ' or ' : ', ');
    const one = opts.atLeastOne ? 'exactly one' : 'only one';
    return [{
      code: opts.code ?? 'OPTIONS_EXCLUSIVE',
      path: present.length > 1 ? [...ref.path, present[1] as string] : ref.path,
      key: present.length > 1,
      message: present.length > 1
        ? `${ref.label} sets ${present.map((o) => `"${o}"`).join(' and ')}, but ${one} of ${list} may be set.`
        : `${ref.label} needs ${one} of ${list}.`,
      hint: present.length > 1 ? `Keep "${present[0]}" and remove ${present.slice(1).map((o) => `"${o}"`).join(', ')}.` : `Add one of ${list}.`,
      params: { label: ref.label, type: ref.type, options: options.join(', '), found: present.join(', ') || 'none' },
    }];
  }
  return [];
}
