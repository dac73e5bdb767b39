// Packer's JSON-template interpolation: the subset of Go's text/template that Packer templates
// use — `{{ fn arg … }}` with backquoted or double-quoted strings, numbers, pipes (`a | b`),
// parenthesised sub-expressions, `{{- … -}}` trim markers, `{{/* comments */}}` and
// `{{ .Field }}` template data. Control structures (`if`, `range`, `$x :=`) are rejected.
//
// Values known when a template is checked (user variables, env in variable defaults, the fixed
// build time, the build's name/type) are rendered; template data that exists only while a build
// runs (`{{ .SourceAMI }}`, `{{ build \`ID\` }}`, the shell's `{{ .Path }}`) is left verbatim and
// the result is marked `deferred`, so the runner can finish it with `interpolate` and real fields.
import { randomUUID } from 'node:crypto';
import { formatGoTime } from './go-time';

export type InterpolationCode =
  | 'INTERPOLATION_SYNTAX'
  | 'INTERPOLATION_UNKNOWN_FUNCTION'
  | 'INTERPOLATION_UNSUPPORTED_FUNCTION'
  | 'INTERPOLATION_UNKNOWN_VARIABLE'
  | 'INTERPOLATION_UNKNOWN_FIELD'
  | 'INTERPOLATION_ENV_NOT_ALLOWED'
  | 'INTERPOLATION_NOT_AVAILABLE'
  | 'INTERPOLATION_ARGUMENTS';

export interface InterpolationError {
  code: InterpolationCode;
  message: string;
  hint?: string;
  params: Record<string, string | number>;
  /** Offsets into the interpolated string (decoded, not the JSON source). */
  start: number;
  end: number;
}

export interface InterpolationContext {
  /** What is being interpolated, for messages: "the default of variable x", "builders[0].ami_name"… */
  where: string;
  /** `{{user \`x\`}}`: the variable's value, or undefined when it is not declared. */
  user?: (name: string) => string | undefined;
  /** Declared variable names, for hints. */
  declared?: readonly string[];
  /** `{{env \`X\`}}` is only allowed in variable defaults (Packer's rule). */
  allowEnv?: boolean;
  env?: Record<string, string>;
  /** Undefined where Packer has no build yet (variable defaults). */
  buildName?: string;
  buildType?: string;
  /** Start of the build: `timestamp` and `isotime` use it, so every use agrees. */
  buildTime: Date;
  uuid?: () => string;
  /**
   * `{{ .Name }}` template data allowed here. A string is rendered; null means "known only while
   * the build runs" and leaves the action verbatim. Names not listed are errors.
   */
  fields?: Readonly<Record<string, string | null>>;
  /** Field names whose sub-fields are allowed (`.SourceAMITags.Team`). */
  fieldsWithSubfields?: readonly string[];
  /** `{{ build \`Key\` }}` generated data allowed here (null = known at build time). Undefined: `build` not available. */
  buildData?: Readonly<Record<string, string | null>>;
  /** Builder-specific `clean_resource_name` (Packer's builders each define their own). */
  cleanResourceName?: (s: string) => string;
}

export interface InterpolationResult {
  value: string;
  /** The value still holds actions that only a running build can render. */
  deferred: boolean;
  errors: InterpolationError[];
}

/** Functions this console evaluates (Packer 1.6 JSON templates). */
export const KNOWN_FUNCTIONS = [
  'user', 'env', 'timestamp', 'isotime', 'uuid', 'build_name', 'build_type', 'clean_resource_name',
  'lower', 'upper', 'replace', 'replace_all', 'split', 'packer_version', 'build',
] as const;

/** Packer (or Go template) functions this console deliberately does not run. */
const UNSUPPORTED: Record<string, string> = {
  pwd: 'it reads the server\'s working directory; files come from the template\'s attachments or the build\'s inputs',
  template_dir: 'it reads the server\'s file system; files come from the template\'s attachments or the build\'s inputs',
  vault: 'secrets come from the console\'s cloud accounts and sensitive variables, not from Vault',
  consul_key: 'the console does not reach Consul; pass the value as a variable',
  aws_secretsmanager: 'secrets come from the console\'s cloud accounts and sensitive variables',
  aws_secretsmanager_raw: 'secrets come from the console\'s cloud accounts and sensitive variables',
  sed: 'Packer removed it; use replace or replace_all',
  strftime: 'Packer removed it; use isotime with a Go layout',
  and: 'Go template logic is not supported', or: 'Go template logic is not supported', not: 'Go template logic is not supported',
  eq: 'Go template logic is not supported', ne: 'Go template logic is not supported', lt: 'Go template logic is not supported',
  le: 'Go template logic is not supported', gt: 'Go template logic is not supported', ge: 'Go template logic is not supported',
  len: 'Go template built-ins are not supported', index: 'Go template built-ins are not supported', slice: 'Go template built-ins are not supported',
  print: 'Go template built-ins are not supported', printf: 'Go template built-ins are not supported', println: 'Go template built-ins are not supported',
  html: 'Go template built-ins are not supported', js: 'Go template built-ins are not supported', urlquery: 'Go template built-ins are not supported',
  call: 'Go template built-ins are not supported',
};

const CONTROL = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

export const PACKER_VERSION = '1.6.6';

/** Packer core's `clean_resource_name`: lower case; anything but a–z and 0–9 becomes "-". */
export function cleanResourceName(s: string): string {
  return bytesMap(s.toLowerCase(), (b) => (isLowerAlnum(b) ? b : 45));
}

/** amazon-ebs's `clean_resource_name`: keeps letters, digits and ()[] ./-'@_ (EC2's AMI name charset). */
export function cleanAmiName(s: string): string {
  const allowed = new Set([...'()[] ./-\'@_'].map((c) => c.charCodeAt(0)));
  return bytesMap(s, (b) => (isLowerAlnum(b) || (b >= 65 && b <= 90) || allowed.has(b) ? b : 45));
}

function isLowerAlnum(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 97 && b <= 122);
}

/** Go works on bytes: every byte of a multi-byte character is replaced on its own. */
function bytesMap(s: string, f: (b: number) => number): string {
  const bytes = new TextEncoder().encode(s).map(f);
  return new TextDecoder().decode(bytes);
}

/** True when the string holds `{{`, i.e. something to interpolate. */
export function hasActions(s: string): boolean {
  return s.includes('{{');
}

// ---------------------------------------------------------------------------
// Lexing

type Token =
  | { t: 'str'; v: string; pos: number; end: number }
  | { t: 'num'; v: number; raw: string; pos: number; end: number }
  | { t: 'field'; v: string; pos: number; end: number }
  | { t: 'ident'; v: string; pos: number; end: number }
  | { t: 'pipe'; pos: number; end: number }
  | { t: 'lparen'; pos: number; end: number }
  | { t: 'rparen'; pos: number; end: number };

interface Action {
  tokens: Token[];
  /** Index just after `}}`. */
  end: number;
  trimLeft: boolean;
  trimRight: boolean;
  comment: boolean;
}

class SyntaxProblem extends Error {
  constructor(message: string, readonly pos: number, readonly end: number) {
    super(message);
  }
}

function lexAction(text: string, open: number): Action {
  let i = open + 2;
  let trimLeft = false;
  if (text[i] === '-' && /\s/.test(text[i + 1] ?? '')) {
    trimLeft = true;
    i += 1;
  }
  const tokens: Token[] = [];
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  skipSpace();
  if (text.startsWith('/*', i)) {
    const close = text.indexOf('*/', i + 2);
    if (close < 0) throw new SyntaxProblem('unclosed comment', open, text.length);
    i = close + 2;
    skipSpace();
    let trimRight = false;
    if (text[i] === '-' && text.startsWith('}}', i + 1)) {
      trimRight = true;
      i++;
    }
    if (!text.startsWith('}}', i)) throw new SyntaxProblem('a comment must be the whole action: {{/* … */}}', open, i);
    return { tokens: [], end: i + 2, trimLeft, trimRight, comment: true };
  }
  for (;;) {
    skipSpace();
    if (i >= text.length) throw new SyntaxProblem('unterminated "{{": no closing "}}"', open, text.length);
    const ch = text[i] as string;
    const start = i;
    if (ch === '-' && text.startsWith('}}', i + 1) && /\s/.test(text[i - 1] ?? '')) {
      return { tokens, end: i + 3, trimLeft, trimRight: true, comment: false };
    }
    if (text.startsWith('}}', i)) return { tokens, end: i + 2, trimLeft, trimRight: false, comment: false };
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) throw new SyntaxProblem('unterminated raw string (missing closing backquote)', start, text.length);
      tokens.push({ t: 'str', v: text.slice(i + 1, close), pos: start, end: close + 1 });
      i = close + 1;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (text[j] !== '"') throw new SyntaxProblem('unterminated quoted string', start, j);
      let v: string;
      try {
        v = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        throw new SyntaxProblem('invalid escape in quoted string', start, j + 1);
      }
      tokens.push({ t: 'str', v, pos: start, end: j + 1 });
      i = j + 1;
    } else if (ch === '|') {
      tokens.push({ t: 'pipe', pos: start, end: ++i });
    } else if (ch === '(') {
      tokens.push({ t: 'lparen', pos: start, end: ++i });
    } else if (ch === ')') {
      tokens.push({ t: 'rparen', pos: start, end: ++i });
    } else if (ch === '.') {
      const m = /^\.(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'field', v: m[0].slice(1), pos: start, end: i + m[0].length });
      i += m[0].length;
    } else if (/[0-9+-]/.test(ch)) {
      const m = /^[+-]?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw new SyntaxProblem(`unexpected "${ch}"`, start, start + 1);
      tokens.push({ t: 'num', v: Number(m[0]), raw: m[0], pos: start, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'ident', v: m[0], pos: start, end: i + m[0].length });
      i += m[0].length;
    } else if (ch === '$') {
      throw new SyntaxProblem('template variables ($x) are not supported', start, start + 1);
    } else {
      throw new SyntaxProblem(`unexpected "${ch}"`, start, start + 1);
    }
  }
}

// ---------------------------------------------------------------------------
// Parsing

type Operand =
  | { k: 'lit'; v: string; num?: number; pos: number; end: number }
  | { k: 'field'; v: string; pos: number; end: number }
  | { k: 'fn'; v: string; pos: number; end: number }
  | { k: 'sub'; pipe: Command[]; pos: number; end: number };
type Command = Operand[];

function parsePipeline(tokens: Token[], from: number, closing: boolean): { pipe: Command[]; next: number } {
  const pipe: Command[] = [];
  let cmd: Command = [];
  let i = from;
  for (; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.t === 'rparen') {
      if (!closing) throw new SyntaxProblem('unexpected ")"', tok.pos, tok.end);
      break;
    }
    if (tok.t === 'pipe') {
      if (cmd.length === 0) throw new SyntaxProblem('missing command before "|"', tok.pos, tok.end);
      pipe.push(cmd);
      cmd = [];
      continue;
    }
    if (tok.t === 'lparen') {
      const inner = parsePipeline(tokens, i + 1, true);
      const close = tokens[inner.next];
      if (!close || close.t !== 'rparen') throw new SyntaxProblem('unclosed "("', tok.pos, tok.end);
      cmd.push({ k: 'sub', pipe: inner.pipe, pos: tok.pos, end: close.end });
      i = inner.next;
      continue;
    }
    if (tok.t === 'str') cmd.push({ k: 'lit', v: tok.v, pos: tok.pos, end: tok.end });
    else if (tok.t === 'num') cmd.push({ k: 'lit', v: tok.raw, num: tok.v, pos: tok.pos, end: tok.end });
    else if (tok.t === 'field') cmd.push({ k: 'field', v: tok.v, pos: tok.pos, end: tok.end });
    else if (tok.v === 'true' || tok.v === 'false') cmd.push({ k: 'lit', v: tok.v, pos: tok.pos, end: tok.end });
    else if (CONTROL.has(tok.v)) throw new SyntaxProblem(`"${tok.v}" blocks are not supported in Packer templates here`, tok.pos, tok.end);
    else cmd.push({ k: 'fn', v: tok.v, pos: tok.pos, end: tok.end });
  }
  if (cmd.length === 0) {
    const last = tokens[i - 1];
    throw new SyntaxProblem(pipe.length === 0 ? 'empty action "{{ }}"' : 'missing command after "|"', last?.pos ?? 0, last?.end ?? 0);
  }
  pipe.push(cmd);
  return { pipe, next: i };
}

// ---------------------------------------------------------------------------
// Evaluation

type Val = { k: 'v'; s: string; num?: number } | { k: 'deferred' } | { k: 'error' };

const ERROR: Val = { k: 'error' };
const DEFERRED: Val = { k: 'deferred' };

interface Arity {
  args: ('string' | 'int')[];
  /** How many trailing args may be left out. */
  optional?: number;
}

const ARITY: Record<(typeof KNOWN_FUNCTIONS)[number], Arity> = {
  user: { args: ['string'] },
  env: { args: ['string'] },
  timestamp: { args: [] },
  isotime: { args: ['string'], optional: 1 },
  uuid: { args: [] },
  build_name: { args: [] },
  build_type: { args: [] },
  clean_resource_name: { args: ['string'] },
  lower: { args: ['string'] },
  upper: { args: ['string'] },
  replace: { args: ['string', 'string', 'int', 'string'] },
  replace_all: { args: ['string', 'string', 'string'] },
  split: { args: ['string', 'string', 'int'] },
  packer_version: { args: [] },
  build: { args: ['string'] },
};

class Evaluator {
  errors: InterpolationError[] = [];
  constructor(private readonly ctx: InterpolationContext) {}

  private fail(code: InterpolationCode, pos: number, end: number, message: string, params: Record<string, string | number>, hint?: string): Val {
    const e: InterpolationError = { code, message, params, start: pos, end };
    if (hint !== undefined) e.hint = hint;
    this.errors.push(e);
    return ERROR;
  }

  pipeline(pipe: Command[]): Val {
    let prev: Val | undefined;
    for (const cmd of pipe) {
      const head = cmd[0] as Operand;
      if (head.k === 'fn') {
        const args = cmd.slice(1).map((op) => ({ op, val: this.operand(op) }));
        if (prev !== undefined) args.push({ op: head, val: prev });
        prev = this.call(head, args);
      } else {
        if (cmd.length > 1) {
          const extra = cmd[1] as Operand;
          return this.fail('INTERPOLATION_SYNTAX', extra.pos, extra.end, `In ${this.ctx.where}: only a function can take arguments.`, { where: this.ctx.where, detail: 'only a function can take arguments' });
        }
        if (prev !== undefined) {
          return this.fail('INTERPOLATION_SYNTAX', head.pos, head.end, `In ${this.ctx.where}: a value cannot be piped into something that is not a function.`, { where: this.ctx.where, detail: 'a value cannot be piped into a non-function' });
        }
        prev = this.operand(head);
      }
    }
    return prev ?? ERROR;
  }

  private operand(op: Operand): Val {
    switch (op.k) {
      case 'lit': return op.num === undefined ? { k: 'v', s: op.v } : { k: 'v', s: op.v, num: op.num };
      case 'sub': return this.pipeline(op.pipe);
      case 'fn': return this.call(op, []);
      case 'field': return this.field(op);
    }
  }

  private field(op: { v: string; pos: number; end: number }): Val {
    const fields = this.ctx.fields ?? {};
    const [head = '', ...rest] = op.v.split('.');
    const available = Object.keys(fields);
    const value = head === '' ? undefined : fields[head];
    const subOk = rest.length === 0 || (this.ctx.fieldsWithSubfields ?? []).includes(head);
    if (value === undefined || !subOk) {
      const name = `.${op.v}`;
      return this.fail('INTERPOLATION_UNKNOWN_FIELD', op.pos, op.end,
        `In ${this.ctx.where}: "{{ ${name} }}" is not template data Packer offers here.`,
        { where: this.ctx.where, name, available: available.map((a) => `.${a}`).join(', ') || 'none' },
        available.length > 0 ? `Available here: ${available.map((a) => `{{ .${a} }}`).join(', ')}.` : 'No {{ .Field }} data exists in this option; use a variable ({{user `name`}}) instead.');
    }
    return value === null ? DEFERRED : { k: 'v', s: value };
  }

  private call(fn: { v: string; pos: number; end: number }, args: { op: Operand; val: Val }[]): Val {
    const name = fn.v;
    const where = this.ctx.where;
    const unsupported = UNSUPPORTED[name];
    if (unsupported !== undefined) {
      return this.fail('INTERPOLATION_UNSUPPORTED_FUNCTION', fn.pos, fn.end,
        `In ${where}: the function "${name}" is not supported by this console (${unsupported}).`, { where, name, reason: unsupported });
    }
    if (!(name in ARITY)) {
      const guess = closestName(name, KNOWN_FUNCTIONS);
      return this.fail('INTERPOLATION_UNKNOWN_FUNCTION', fn.pos, fn.end,
        `In ${where}: "${name}" is not a Packer template function.`,
        { where, name, known: KNOWN_FUNCTIONS.join(', '), suggestion: guess ?? '' },
        `${guess ? `Did you mean "${guess}"? ` : ''}Known functions: ${KNOWN_FUNCTIONS.join(', ')}.`);
    }
    const arity = ARITY[name as keyof typeof ARITY];
    const min = arity.args.length - (arity.optional ?? 0);
    if (args.length < min || args.length > arity.args.length) {
      const expected = min === arity.args.length ? String(min) : `${min}–${arity.args.length}`;
      return this.fail('INTERPOLATION_ARGUMENTS', fn.pos, fn.end,
        `In ${where}: "${name}" takes ${expected} argument(s), but ${args.length} were given.`,
        { where, name, expected, actual: args.length }, usage(name));
    }
    const values: string[] = [];
    let deferred = false;
    for (const [i, { op, val }] of args.entries()) {
      if (val.k === 'error') return ERROR;
      if (val.k === 'deferred') {
        deferred = true;
        continue;
      }
      if (arity.args[i] === 'int' && (val.num === undefined || !Number.isInteger(val.num))) {
        return this.fail('INTERPOLATION_ARGUMENTS', op.pos, op.end,
          `In ${where}: argument ${i + 1} of "${name}" must be a whole number, but it is "${val.s}".`,
          { where, name, expected: 'a whole number', actual: val.s }, usage(name));
      }
      if (arity.args[i] === 'string' && val.num !== undefined) {
        return this.fail('INTERPOLATION_ARGUMENTS', op.pos, op.end,
          `In ${where}: argument ${i + 1} of "${name}" must be a string, but it is the number ${val.s}.`,
          { where, name, expected: 'a string', actual: val.s }, usage(name));
      }
      values.push(val.s);
    }
    // Checks that do not depend on values run even for deferred arguments.
    if (name === 'env' && !this.ctx.allowEnv) {
      return this.fail('INTERPOLATION_ENV_NOT_ALLOWED', fn.pos, fn.end,
        `In ${where}: "env" may only be used in the default value of a variable (Packer's rule).`,
        { where, name: values[0] ?? '' },
        `Declare a variable whose default is {{env \`${values[0] ?? 'NAME'}\`}} and use {{user \`…\`}} here.`);
    }
    if ((name === 'build_name' || name === 'build_type') && this.ctx.buildName === undefined) {
      return this.fail('INTERPOLATION_NOT_AVAILABLE', fn.pos, fn.end,
        `In ${where}: "${name}" is only known inside a build, not here.`, { where, name },
        'Use it in builder, provisioner or post-processor options.');
    }
    if (name === 'build') {
      const key = values[0];
      const data = this.ctx.buildData;
      if (data === undefined) {
        return this.fail('INTERPOLATION_NOT_AVAILABLE', fn.pos, fn.end,
          `In ${where}: "build" (the builder's generated data) is only available in provisioners and post-processors.`, { where, name });
      }
      if (key !== undefined && !(key in data)) {
        const available = Object.keys(data);
        return this.fail('INTERPOLATION_UNKNOWN_FIELD', fn.pos, fn.end,
          `In ${where}: the builder generates no data named "${key}".`,
          { where, name: key, available: available.join(', ') }, `Available: ${available.join(', ')}.`);
      }
      if (key !== undefined && data[key] !== null) return { k: 'v', s: data[key] ?? '' };
      return DEFERRED;
    }
    if (deferred) return DEFERRED;
    return { k: 'v', s: this.run(name as keyof typeof ARITY, values, fn) };
  }

  private run(name: keyof typeof ARITY, a: string[], fn: { pos: number; end: number }): string {
    const arg = (i: number): string => a[i] ?? '';
    switch (name) {
      case 'user': {
        const value = this.ctx.user?.(arg(0));
        if (value === undefined) {
          const declared = this.ctx.declared ?? [];
          const guess = closestName(arg(0), declared);
          this.fail('INTERPOLATION_UNKNOWN_VARIABLE', fn.pos, fn.end,
            `In ${this.ctx.where}: the variable "${arg(0)}" is not declared in "variables".`,
            { where: this.ctx.where, name: arg(0), declared: declared.join(', ') || 'none', suggestion: guess ?? '' },
            guess ? `Did you mean "${guess}"?` : `Declare it: "variables": { "${arg(0)}": "" }.`);
          return '';
        }
        return value;
      }
      case 'env': return this.ctx.env?.[arg(0)] ?? '';
      case 'timestamp': return String(Math.floor(this.ctx.buildTime.getTime() / 1000));
      case 'isotime': return formatGoTime(this.ctx.buildTime, a.length === 0 ? '2006-01-02T15:04:05Z07:00' : arg(0));
      case 'uuid': return (this.ctx.uuid ?? randomUUID)();
      case 'build_name': return this.ctx.buildName ?? '';
      case 'build_type': return this.ctx.buildType ?? '';
      case 'clean_resource_name': return (this.ctx.cleanResourceName ?? cleanResourceName)(arg(0));
      case 'lower': return arg(0).toLowerCase();
      case 'upper': return arg(0).toUpperCase();
      case 'replace': return replaceN(arg(3), arg(0), arg(1), Number(arg(2)));
      case 'replace_all': return arg(2).split(arg(0)).join(arg(1));
      case 'split': {
        const parts = arg(0).split(arg(1));
        const i = Number(arg(2));
        if (i < 0 || i >= parts.length) {
          this.fail('INTERPOLATION_ARGUMENTS', fn.pos, fn.end,
            `In ${this.ctx.where}: split of "${arg(0)}" by "${arg(1)}" has ${parts.length} part(s); index ${i} is out of range.`,
            { where: this.ctx.where, name: 'split', expected: `an index below ${parts.length}`, actual: i });
          return '';
        }
        return parts[i] ?? '';
      }
      case 'packer_version': return PACKER_VERSION;
      case 'build': return '';
    }
  }
}

function usage(name: string): string | undefined {
  const examples: Record<string, string> = {
    user: '{{user `name`}}', env: '{{env `NAME`}}', isotime: '{{isotime "2006-01-02"}}', replace: '{{replace "a" "b" 1 "abc"}}',
    replace_all: '{{replace_all "-" "_" "a-b"}}', split: '{{split "a-b" "-" 0}}', clean_resource_name: '{{clean_resource_name "My Name"}}',
    lower: '{{lower "ABC"}}', upper: '{{upper "abc"}}', build: '{{build `ID`}}',
  };
  const ex = examples[name];
  return ex ? `Usage: ${ex}.` : `"${name}" takes no arguments: {{${name}}}.`;
}

function replaceN(s: string, old: string, replacement: string, n: number): string {
  if (n < 0) return s.split(old).join(replacement);
  let out = s;
  let from = 0;
  for (let i = 0; i < n; i++) {
    const at = out.indexOf(old, from);
    if (at < 0 || (old === '' && at > out.length)) break;
    out = out.slice(0, at) + replacement + out.slice(at + old.length);
    from = at + replacement.length + (old === '' ? 1 : 0);
  }
  return out;
}

/** A candidate at edit distance ≤ 2 (or equal ignoring case, "-" and "_"). */
export function closestName(value: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  const exact = candidates.find((c) => norm(c) === norm(value));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(value.length / 3) + 1);
  for (const c of candidates) {
    const d = editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 99;
}

// ---------------------------------------------------------------------------

/** Renders every `{{ … }}` action of `text`; reports all problems instead of throwing. */
export function interpolate(text: string, ctx: InterpolationContext): InterpolationResult {
  const errors: InterpolationError[] = [];
  let out = '';
  let deferred = false;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, open);
    let action: Action;
    try {
      action = lexAction(text, open);
    } catch (err) {
      const p = err instanceof SyntaxProblem ? err : new SyntaxProblem(String(err), open, text.length);
      errors.push({
        code: 'INTERPOLATION_SYNTAX',
        message: `In ${ctx.where}: template syntax error: ${p.message}.`,
        hint: 'Template actions look like {{user `name`}} or {{ timestamp }}; a literal "{{" must be written {{"{{"}}.',
        params: { where: ctx.where, detail: p.message },
        start: p.pos,
        end: Math.max(p.end, p.pos + 1),
      });
      out += text.slice(open);
      break;
    }
    if (action.trimLeft) out = out.replace(/\s+$/, '');
    if (!action.comment) {
      const ev = new Evaluator(ctx);
      let val: Val;
      try {
        val = ev.pipeline(parsePipeline(action.tokens, 0, false).pipe);
      } catch (err) {
        const p = err instanceof SyntaxProblem ? err : new SyntaxProblem(String(err), open, action.end);
        ev.errors.push({
          code: 'INTERPOLATION_SYNTAX',
          message: `In ${ctx.where}: template syntax error: ${p.message}.`,
          params: { where: ctx.where, detail: p.message },
          start: p.pos,
          end: Math.max(p.end, p.pos + 1),
        });
        val = ERROR;
      }
      errors.push(...ev.errors);
      if (val.k === 'v') out += val.s;
      else if (val.k === 'deferred') {
        deferred = true;
        out += text.slice(open, action.end);
      }
    }
    i = action.end;
    if (action.trimRight) while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  }
  return { value: out, deferred, errors };
}
