// A template version's files: its attachments (small files stored with the version) and the build
// inputs it declares (files each build must be given, matched by a name pattern). Pure: the editor
// and the server share these rules, and the console's check uses `inputPatternMatches`.
import { z } from 'zod';
import { boundedInt, safeString } from './common';

/** Largest attachment, in bytes. */
export const MAX_ATTACHMENT_BYTES = 1024 * 1024;
/** All attachments of one version together, in bytes. */
export const MAX_VERSION_ATTACHMENT_BYTES = 8 * 1024 * 1024;
/** Attachments of one version. */
export const MAX_ATTACHMENTS = 100;
/** Build inputs one version may declare. */
export const MAX_BUILD_INPUTS = 20;
/** Largest build input a declaration may allow (a release tarball), in bytes. */
export const MAX_BUILD_INPUT_BYTES = 2 * 1024 * 1024 * 1024 - 1;
export const MAX_FILE_PATH_LENGTH = 200;
/** The upload route's body: the base64 of the largest attachment plus the JSON around it. */
export const MAX_ATTACHMENT_UPLOAD_BODY_BYTES = Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 4096;

const SEGMENT = /^[A-Za-z0-9._@+=-]+$/;
const PATTERN_SEGMENT = /^[A-Za-z0-9._@+=*?-]+$/;

/** Why a path may not name a file of the build, as a key the editor translates (`templateFiles.pathReasons`). */
export type FilePathReason =
  | { reason: 'empty' }
  | { reason: 'tooLong'; max: number }
  | { reason: 'absolute' }
  | { reason: 'backslash' }
  | { reason: 'climbs' }
  | { reason: 'emptyFolder' }
  | { reason: 'tooDeep'; max: number }
  | { reason: 'characters'; segment: string; glob: boolean }
  | { reason: 'doubleStar' };

const MAX_PATH_DEPTH = 10;

/**
 * Why `path` may not name a file of the build (relative, "/"-separated, no "." or ".." segment,
 * letters, digits and . _ - @ + = only), or undefined when it may. The engine's rules
 * (server/engine/provisioners/file-source.ts, schema-kit `filePathProblem`) accept every path
 * this accepts. With `glob`, `*`, `?` and `**` segments are allowed too.
 */
export function filePathReason(path: string, glob = false): FilePathReason | undefined {
  if (path === '') return { reason: 'empty' };
  if (path.length > MAX_FILE_PATH_LENGTH) return { reason: 'tooLong', max: MAX_FILE_PATH_LENGTH };
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return { reason: 'absolute' };
  if (path.includes('\\')) return { reason: 'backslash' };
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return { reason: 'climbs' };
  if (segments.some((s) => s === '' || s === '.')) return { reason: 'emptyFolder' };
  if (segments.length > MAX_PATH_DEPTH) return { reason: 'tooDeep', max: MAX_PATH_DEPTH };
  const allowed = glob ? PATTERN_SEGMENT : SEGMENT;
  const bad = segments.find((s) => !allowed.test(s));
  if (bad !== undefined) return { reason: 'characters', segment: bad, glob };
  if (glob && segments.some((s) => s.includes('**') && s !== '**')) return { reason: 'doubleStar' };
  return undefined;
}

/** The English words for a reason (server messages, the API, the CLI); the editor translates the key. */
export function describeFilePathReason(r: FilePathReason): string {
  switch (r.reason) {
    case 'empty': return 'is empty';
    case 'tooLong': return `is longer than ${r.max} characters`;
    case 'absolute': return 'is an absolute path; use a path relative to the build\'s files, such as config/app.toml';
    case 'backslash': return 'contains a backslash; separate folders with "/"';
    case 'climbs': return 'climbs out of the build\'s files with ".."';
    case 'emptyFolder': return 'has an empty or "." folder name';
    case 'tooDeep': return `is more than ${r.max} folders deep`;
    case 'characters': return `has "${r.segment}", which uses characters other than letters, digits and . _ - @ + =${r.glob ? ' * ?' : ''}`;
    case 'doubleStar': return 'uses "**" inside a name; "**" stands alone as a whole folder level';
  }
}

/** `filePathReason` in English words, or undefined when the path may be used. */
export function filePathProblem(path: string, glob = false): string | undefined {
  const r = filePathReason(path, glob);
  return r ? describeFilePathReason(r) : undefined;
}

export const ZFilePath = safeString({ min: 1, max: MAX_FILE_PATH_LENGTH }).superRefine((v, ctx) => {
  const problem = filePathProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `The path "${v}" ${problem}` });
});

export const ZSha256 = safeString({ max: 64 }).regex(/^[0-9a-f]{64}$/, 'Must be a SHA-256 in lowercase hex');

/** One attachment of a version, as the editor sends it: where it goes and which uploaded blob. */
export const ZAttachmentRef = z.object({ path: ZFilePath, sha256: ZSha256 });
export type TAttachmentRef = z.infer<typeof ZAttachmentRef>;

export const ZAttachmentList = z
  .array(ZAttachmentRef)
  .max(MAX_ATTACHMENTS, `A version carries at most ${MAX_ATTACHMENTS} attachments`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      if (seen.has(a.path)) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `The path "${a.path}" is attached twice` });
      seen.add(a.path);
    });
  });

export const ZBuildInputName = safeString({ min: 1, max: 40, trim: true }).regex(/^[a-z][a-z0-9_-]*$/, 'Use lowercase letters, digits, "-" and "_", starting with a letter');

export const ZBuildInputPattern = safeString({ min: 1, max: MAX_FILE_PATH_LENGTH, trim: true }).superRefine((v, ctx) => {
  const problem = filePathProblem(v, true);
  if (problem) ctx.addIssue({ code: 'custom', message: `The pattern "${v}" ${problem}` });
});

/** A file every build of the version must be given, e.g. the release tarball CI built. */
export const ZBuildInput = z.object({
  name: ZBuildInputName,
  pattern: ZBuildInputPattern,
  description: safeString({ max: 300, trim: true }).default(''),
  maxBytes: boundedInt(1, MAX_BUILD_INPUT_BYTES).optional(),
});
export type TBuildInput = z.infer<typeof ZBuildInput>;

export const ZBuildInputs = z
  .array(ZBuildInput)
  .max(MAX_BUILD_INPUTS, `A version declares at most ${MAX_BUILD_INPUTS} build inputs`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((input, i) => {
      if (seen.has(input.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `The build input "${input.name}" is declared twice` });
      seen.add(input.name);
    });
  });

const escapeRegex = (s: string) => s.replace(/[.+^${}()|[\]\\=@-]/g, '\\$&');

/**
 * The regular expression of a build input pattern: `*` is any run of characters within one folder
 * level, `?` one character, and a `**` level any number of levels (none included), as in
 * .gitignore: `release/**` matches everything under release/, `**` + `/x.tar.gz` any x.tar.gz.
 */
export function inputPatternRegex(pattern: string): RegExp {
  const segments = pattern.split('/');
  let re = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    re += seg.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escapeRegex(c))).join('');
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

/** Whether `path` (a relative file path) is one a build input with `pattern` provides. */
export function inputPatternMatches(pattern: string, path: string): boolean {
  if (filePathProblem(pattern, true) !== undefined) return false;
  return inputPatternRegex(pattern).test(path.replace(/^\.\//, ''));
}

/** The declared input that provides `path`, if any. */
export function inputFor(inputs: readonly Pick<TBuildInput, 'name' | 'pattern'>[], path: string) {
  return inputs.find((i) => inputPatternMatches(i.pattern, path));
}

/** What the upload route answers. */
export interface TUploadedBlob {
  sha256: string;
  size: number;
}

/** An attachment as the console lists it. */
export interface TAttachment {
  path: string;
  sha256: string;
  size: number;
}
