// The first two levels of the template check (check-template.ts runs them): JSON syntax and the
// template's structure (sections, builder/provisioner/post-processor types, duplicate builder
// names), plus the check's issue codes. Pure: no I/O, no cloud calls.
import { printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { CheckLevel, TemplateCheckIssue } from './issues';
import type { SourcePositions, SourceSpan } from './positions';

export type { TemplateCheckIssue } from './issues';

export type TemplateIssueCode =
  | 'JSON_SYNTAX' | 'NOT_AN_OBJECT' | 'UNKNOWN_TOP_LEVEL_KEY' | 'WRONG_TYPE'
  | 'BUILDERS_MISSING' | 'BUILDERS_EMPTY' | 'BUILDER_TYPE_MISSING' | 'BUILDER_TYPE_UNKNOWN'
  | 'BUILDER_NAME_DUPLICATE' | 'PROVISIONER_TYPE_MISSING' | 'POST_PROCESSOR_TYPE_MISSING';

/** An issue of the syntax or structure level (the same shape as every level's). */
export type TemplateIssue = TemplateCheckIssue & { code: TemplateIssueCode };

export const TEMPLATE_CHECK_ISSUE_CODES = [
  // variables and interpolation
  'VARIABLE_REQUIRED', 'VARIABLE_UNDECLARED', 'VARIABLE_VALUE_INVALID', 'VARIABLE_CYCLE',
  'INTERPOLATION_SYNTAX', 'INTERPOLATION_UNKNOWN_FUNCTION', 'INTERPOLATION_UNSUPPORTED_FUNCTION',
  'INTERPOLATION_UNKNOWN_VARIABLE', 'INTERPOLATION_UNKNOWN_FIELD', 'INTERPOLATION_ENV_NOT_ALLOWED',
  'INTERPOLATION_NOT_AVAILABLE', 'INTERPOLATION_ARGUMENTS',
  // options of builders, provisioners and post-processors
  'BUILDER_OPTION_REQUIRED', 'BUILDER_OPTION_UNKNOWN', 'BUILDER_OPTION_INVALID', 'BUILDER_OPTION_NOT_SUPPORTED',
  'OPTIONS_EXCLUSIVE', 'OPTIONS_TOGETHER',
  'PROVISIONER_TYPE_UNKNOWN', 'PROVISIONER_OPTION_REQUIRED', 'PROVISIONER_OPTION_UNKNOWN', 'PROVISIONER_OPTION_INVALID',
  'POST_PROCESSOR_TYPE_UNKNOWN', 'POST_PROCESSOR_OPTION_UNKNOWN', 'POST_PROCESSOR_OPTION_INVALID',
  'BUILD_FILTER_UNKNOWN_BUILDER', 'FILE_PATH_NOT_ALLOWED', 'FILE_NOT_FOUND',
  // what the target regions can run (field problems #1, #2, #3)
  'REGION_UNKNOWN', 'ZONE_UNKNOWN', 'COPY_REGION_UNKNOWN', 'BOOT_DISK_TYPE_UNAVAILABLE',
  'BOOT_DISK_TYPE_MACHINE_MISMATCH', 'INSTANCE_TYPE_UNAVAILABLE', 'IMAGE_HOST_TYPE_MISMATCH',
  'IMAGE_NOT_FOUND', 'IMAGE_REMOVED',
  // a warning: the console has not synced this region, so its facts were not checked
  'REGION_NOT_SYNCED',
] as const;
/** Codes only checkTemplate (check-template.ts) reports; every one has validation.<CODE> messages (messages.test.ts). */
export type TemplateCheckIssueCode = (typeof TEMPLATE_CHECK_ISSUE_CODES)[number];

export const WARNING_CODES: readonly TemplateCheckIssueCode[] = ['REGION_NOT_SYNCED'];

export const KNOWN_BUILDER_TYPES = ['ucloud-uhost', 'amazon-ebs'] as const;

const TOP_LEVEL_KEYS = [
  'description', 'min_packer_version', 'variables', 'sensitive-variables',
  'builders', 'provisioners', 'post-processors',
] as const;

type ErrorName = ReturnType<typeof printParseErrorCode>;

export const SYNTAX_DETAIL: Record<ErrorName, string> = {
  InvalidSymbol: 'Unexpected character or word',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected a colon after the property name',
  CommaExpected: 'Expected a comma or a closing brace/bracket',
  CloseBraceExpected: "Expected a closing brace '}'",
  CloseBracketExpected: "Expected a closing bracket ']'",
  EndOfFileExpected: 'Expected the end of the text after the template object',
  InvalidCommentToken: 'Comments are not allowed in JSON',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Incomplete number',
  InvalidUnicode: 'Invalid unicode escape sequence',
  InvalidEscapeCharacter: 'Invalid escape character in a string',
  InvalidCharacter: 'Invalid character in a string (control characters must be escaped)',
  '<unknown ParseErrorCode>': 'Invalid JSON',
};

interface Context {
  text: string;
  src: SourcePositions;
  level: CheckLevel;
  issues: TemplateIssue[];
}

interface IssueInput {
  code: TemplateIssueCode;
  path: string;
  message: string;
  hint?: string;
  params?: Record<string, string | number>;
}

/** Level 1: the JSON parser's errors (and input too deeply nested to parse). */
export function checkSyntax(src: SourcePositions): TemplateIssue[] {
  const ctx: Context = { text: src.text, src, level: 'syntax', issues: [] };
  if (src.tooDeep) {
    add(ctx, ctx.src.at(0), {
      code: 'JSON_SYNTAX',
      path: '$',
      message: 'The template could not be read (it is probably nested too deeply).',
      // `reason` picks the translated text (validation.JSON_SYNTAX.reasons.*); `detail` is the English.
      params: { reason: 'TooDeep', detail: 'nested too deeply', line: 1, column: 1 },
    });
  } else if (src.syntaxErrors.length > 0) {
    reportSyntaxErrors(ctx, src.syntaxErrors);
  }
  return ctx.issues;
}

/** Level 2: sections and their shapes, the types of builders, provisioners and post-processors, duplicate builder names. */
export function checkStructure(src: SourcePositions): TemplateIssue[] {
  const ctx: Context = { text: src.text, src, level: 'structure', issues: [] };
  const root = src.root;
  try {
    if (root === undefined || root.type !== 'object') {
      add(ctx, root ? ctx.src.ofNode(root) : ctx.src.at(0), {
        code: 'NOT_AN_OBJECT',
        path: '$',
        message: `The template must be a JSON object with a "builders" list, but it is ${root ? describe(root) : 'empty'}.`,
        hint: 'Start from { "builders": [ { "type": "ucloud-uhost", … } ] }.',
        params: { actual: root ? root.type : 'empty' },
      });
    } else {
      checkRoot(ctx, root);
    }
  } catch (err) {
    // Recursion over absurd input must still give the editor an answer rather than an exception.
    ctx.issues = [];
    add(ctx, ctx.src.at(0), {
      code: 'JSON_SYNTAX',
      path: '$',
      message: 'The template could not be read (it is probably nested too deeply).',
      params: { reason: 'TooDeep', detail: err instanceof Error ? err.message : String(err), line: 1, column: 1 },
    });
  }
  return ctx.issues;
}

/**
 * Returns a copy of `template` in which every builder whose effective name
 * (its `name`, else its `type`) repeats an earlier one gets a unique `name`
 * such as "ucloud-uhost-2". The first holder of a name keeps it.
 */
export function suggestUniqueBuilderNames<T extends object>(template: T): T {
  const copy = structuredClone(template);
  const builders: unknown = (copy as Record<string, unknown>)['builders'];
  if (!Array.isArray(builders)) return copy;
  const names = builders.map((b: unknown) => (isRecord(b) ? effectiveName(b['type'], b['name']) : undefined));
  for (const [index, { unique }] of planRenames(names)) {
    const builder: unknown = builders[index];
    if (isRecord(builder)) builder['name'] = unique;
  }
  return copy;
}

// ---------------------------------------------------------------------------
// Syntax

/** The code the UI translates (validation.JSON_SYNTAX.reasons.<code>) for a parser error. */
export function syntaxReason(name: ErrorName): string {
  return name === '<unknown ParseErrorCode>' ? 'Unknown' : name;
}

function reportSyntaxErrors(ctx: Context, errors: ParseError[]): void {
  const seen = new Set<number>();
  for (const e of errors) {
    // jsonc-parser often reports two codes for one mistake at the same spot
    // (a trailing comma yields PropertyNameExpected and ValueExpected).
    if (seen.has(e.offset)) continue;
    seen.add(e.offset);
    const name = printParseErrorCode(e.error);
    const comma = trailingCommaBefore(ctx.text, e.offset);
    const span = comma === undefined ? ctx.src.at(e.offset, e.length) : ctx.src.at(comma, 1);
    const detail = comma === undefined
      ? SYNTAX_DETAIL[name]
      : `Trailing comma before '${ctx.text[e.offset] ?? ''}' is not allowed in JSON`;
    const { line, column } = span;
    add(ctx, span, {
      code: 'JSON_SYNTAX',
      path: '$',
      message: `JSON syntax error at line ${line}, column ${column}: ${detail}.`,
      hint: comma !== undefined
        ? 'Remove the comma after the last item.'
        : name === 'InvalidCommentToken'
          ? 'Packer JSON templates cannot contain comments; put notes in a top-level key starting with "_", e.g. "_comment": "…".'
          : undefined,
      // `reason` picks the translated text (validation.JSON_SYNTAX.reasons.*); `detail` is the English.
      params: comma === undefined ? { reason: syntaxReason(name), detail, line, column } : { reason: 'TrailingComma', char: ctx.text[e.offset] ?? '', detail, line, column },
    });
  }
}

/** Offset of the comma when the error sits on a `}`/`]` that directly follows one. */
function trailingCommaBefore(text: string, offset: number): number | undefined {
  const ch = text[offset];
  if (ch !== '}' && ch !== ']') return undefined;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i] ?? '')) i--;
  return text[i] === ',' ? i : undefined;
}

// ---------------------------------------------------------------------------
// Structure

function checkRoot(ctx: Context, root: Node): void {
  const known: readonly string[] = TOP_LEVEL_KEYS;
  for (const prop of root.children ?? []) {
    const key = keyOf(prop);
    const value = prop.children?.[1];
    if (key === undefined || value === undefined) continue;
    const path = pathOf('$', key);
    if (key.startsWith('_')) {
      // Packer keeps root keys starting with "_" as comments, but only string ones.
      if (value.type !== 'string') wrongType(ctx, value, path, 'a string (keys starting with "_" are comments)');
    } else if (!known.includes(key)) {
      const guess = closest(key, known);
      add(ctx, ctx.src.ofNode(prop.children?.[0] ?? prop), {
        code: 'UNKNOWN_TOP_LEVEL_KEY',
        path,
        message: `"${key}" is not a Packer template section, so Packer would reject the template.`,
        hint: `${guess ? `Did you mean "${guess}"? ` : ''}Allowed top-level keys: ${known.join(', ')}; keys starting with "_" are comments.`,
        params: { key, allowed: known.join(', ') },
      });
    }
  }

  const props = propertiesOf(root);
  for (const key of ['description', 'min_packer_version'] as const) {
    const node = props.get(key);
    if (node && node.type !== 'string') wrongType(ctx, node, pathOf('$', key), 'a string');
  }
  checkVariables(ctx, props.get('variables'), props.get('sensitive-variables'));
  checkBuilders(ctx, root, props.get('builders'));
  checkProvisioners(ctx, props.get('provisioners'));
  checkPostProcessors(ctx, props.get('post-processors'));
}

function checkVariables(ctx: Context, variables: Node | undefined, sensitive: Node | undefined): void {
  if (variables) {
    if (variables.type !== 'object') {
      wrongType(ctx, variables, '$.variables', 'an object of variable names and default values');
    } else {
      for (const prop of variables.children ?? []) {
        const key = keyOf(prop);
        const value = prop.children?.[1];
        if (key === undefined || value === undefined) continue;
        // Packer weak-decodes defaults into strings; null marks a required variable.
        if (value.type === 'object' || value.type === 'array') {
          wrongType(ctx, value, pathOf('$.variables', key), 'a string, number, boolean or null (null makes it required)');
        }
      }
    }
  }
  if (sensitive) {
    if (sensitive.type !== 'array') {
      wrongType(ctx, sensitive, '$.sensitive-variables', 'an array of variable names');
    } else {
      (sensitive.children ?? []).forEach((item, i) => {
        if (item.type !== 'string') wrongType(ctx, item, `$.sensitive-variables[${i}]`, 'a variable name (string)');
      });
    }
  }
}

interface BuilderEntry {
  index: number;
  node: Node;
  named: boolean;
  name: string | undefined;
}

function checkBuilders(ctx: Context, root: Node, builders: Node | undefined): void {
  if (!builders) {
    add(ctx, ctx.src.ofNode(root), {
      code: 'BUILDERS_MISSING',
      path: '$',
      message: 'The template has no "builders" section, so there is nothing to build.',
      hint: `Add "builders": [ … ] with at least one builder of type ${KNOWN_BUILDER_TYPES.join(' or ')}.`,
      params: {},
    });
    return;
  }
  if (builders.type !== 'array') {
    wrongType(ctx, builders, '$.builders', 'an array of builder objects');
    return;
  }
  const items = builders.children ?? [];
  if (items.length === 0) {
    add(ctx, ctx.src.ofNode(builders), {
      code: 'BUILDERS_EMPTY',
      path: '$.builders',
      message: 'The "builders" list is empty, so there is nothing to build.',
      hint: `Add at least one builder of type ${KNOWN_BUILDER_TYPES.join(' or ')}.`,
      params: {},
    });
    return;
  }

  const entries: BuilderEntry[] = [];
  items.forEach((node, index) => {
    const path = `$.builders[${index}]`;
    if (node.type !== 'object') {
      wrongType(ctx, node, path, 'a builder object');
      return;
    }
    const props = propertiesOf(node);
    const type = checkTypeField(ctx, node, props.get('type'), path, 'BUILDER_TYPE_MISSING', `builders[${index}]`);
    const nameNode = props.get('name');
    if (nameNode && nameNode.type !== 'string') wrongType(ctx, nameNode, `${path}.name`, 'a string');
    if (type !== undefined && !(KNOWN_BUILDER_TYPES as readonly string[]).includes(type)) {
      const guess = closest(type, KNOWN_BUILDER_TYPES);
      add(ctx, ctx.src.ofNode(props.get('type') ?? node), {
        code: 'BUILDER_TYPE_UNKNOWN',
        path: `${path}.type`,
        message: `builders[${index}] has type '${type}', which this console cannot build; known builder types are ${KNOWN_BUILDER_TYPES.join(', ')}.`,
        hint: guess ? `Did you mean '${guess}'?` : `Use one of: ${KNOWN_BUILDER_TYPES.join(', ')}.`,
        params: { index, type, known: KNOWN_BUILDER_TYPES.join(', ') },
      });
    }
    const rawName: unknown = nameNode?.type === 'string' ? nameNode.value : undefined;
    entries.push({ index, node, named: nameNode !== undefined, name: effectiveName(type, rawName) });
  });

  checkDuplicateNames(ctx, entries);
}

/** Field problem #4: Packer keys builders by name, defaulting the name to the type. */
function checkDuplicateNames(ctx: Context, entries: BuilderEntry[]): void {
  const renames = planRenames(entries.map((e) => e.name));
  for (const [index, { first, unique }] of renames) {
    const later = entries[index];
    const earlier = entries[first];
    if (!later || !earlier || later.name === undefined) continue;
    const name = later.name;
    const unnamed = [earlier, later].filter((e) => !e.named).map((e) => `builders[${e.index}]`);
    const why = unnamed.length === 2
      ? ' (neither sets "name", so both are named after their type)'
      : unnamed.length === 1 ? ` (${unnamed[0]} has no "name", so it is named after its type)` : '';
    const nameNode = later.named ? propertiesOf(later.node).get('name') : undefined;
    add(ctx, ctx.src.ofNode(nameNode ?? later.node), {
      code: 'BUILDER_NAME_DUPLICATE',
      path: nameNode ? `$.builders[${later.index}].name` : `$.builders[${later.index}]`,
      message: `builders[${earlier.index}] and builders[${later.index}] both have the name '${name}'${why}. ` +
        `Packer refuses such a template with "builder with name '${name}' already exists".`,
      hint: `Give each builder a unique "name" field, e.g. ${nameNode ? 'change' : 'add'} "name": "${unique}" ${nameNode ? 'in' : 'to'} builders[${later.index}].`,
      params: { name, index: later.index, firstIndex: earlier.index, suggestion: unique },
    });
  }
}

function checkProvisioners(ctx: Context, provisioners: Node | undefined): void {
  if (!provisioners) return;
  if (provisioners.type !== 'array') {
    wrongType(ctx, provisioners, '$.provisioners', 'an array of provisioner objects');
    return;
  }
  (provisioners.children ?? []).forEach((node, i) => {
    const path = `$.provisioners[${i}]`;
    if (node.type !== 'object') {
      wrongType(ctx, node, path, 'a provisioner object');
      return;
    }
    checkTypeField(ctx, node, propertiesOf(node).get('type'), path, 'PROVISIONER_TYPE_MISSING', `provisioners[${i}]`);
  });
}

// Packer accepts three forms per entry: "type" shorthand, an object, or a
// sequence (array) of those whose artifacts are chained.
function checkPostProcessors(ctx: Context, postProcessors: Node | undefined): void {
  if (!postProcessors) return;
  if (postProcessors.type !== 'array') {
    wrongType(ctx, postProcessors, '$.post-processors', 'an array of post-processors');
    return;
  }
  const one = (node: Node, path: string, label: string, inSequence: boolean): void => {
    if (node.type === 'string') {
      if (node.value === '') missingPostProcessorType(ctx, node, path, label);
    } else if (node.type === 'object') {
      checkTypeField(ctx, node, propertiesOf(node).get('type'), path, 'POST_PROCESSOR_TYPE_MISSING', label);
    } else if (node.type === 'array' && !inSequence) {
      (node.children ?? []).forEach((item, j) => one(item, `${path}[${j}]`, `${label}[${j}]`, true));
    } else {
      wrongType(ctx, node, path, inSequence
        ? 'a post-processor object or type name (sequences cannot be nested)'
        : 'a post-processor object, a type name, or an array of those');
    }
  };
  (postProcessors.children ?? []).forEach((node, i) => one(node, `$.post-processors[${i}]`, `post-processors[${i}]`, false));
}

function missingPostProcessorType(ctx: Context, node: Node, path: string, label: string): void {
  add(ctx, ctx.src.ofNode(node), {
    code: 'POST_PROCESSOR_TYPE_MISSING',
    path,
    message: `${label} has no "type", so Packer cannot tell which post-processor to run.`,
    hint: 'Add a "type" such as "manifest".',
    params: { label },
  });
}

/** Checks an object's `type` field; returns it when it is a non-empty string. */
function checkTypeField(
  ctx: Context,
  owner: Node,
  typeNode: Node | undefined,
  path: string,
  missingCode: 'BUILDER_TYPE_MISSING' | 'PROVISIONER_TYPE_MISSING' | 'POST_PROCESSOR_TYPE_MISSING',
  label: string,
): string | undefined {
  if (typeNode && typeNode.type !== 'string') {
    wrongType(ctx, typeNode, `${path}.type`, 'a string');
    return undefined;
  }
  const type: unknown = typeNode?.value;
  if (typeof type === 'string' && type !== '') return type;
  if (missingCode === 'POST_PROCESSOR_TYPE_MISSING') {
    missingPostProcessorType(ctx, owner, path, label);
  } else {
    const builder = missingCode === 'BUILDER_TYPE_MISSING';
    add(ctx, ctx.src.ofNode(owner), {
      code: missingCode,
      path,
      message: `${label} has no "type", so Packer cannot tell which ${builder ? 'builder' : 'provisioner'} to run.`,
      hint: builder
        ? `Add "type": "${KNOWN_BUILDER_TYPES[0]}" or "type": "${KNOWN_BUILDER_TYPES[1]}".`
        : 'Add a "type" such as "shell" or "file".',
      params: { label },
    });
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Helpers

function effectiveName(type: unknown, name: unknown): string | undefined {
  if (typeof type !== 'string' || type === '') return undefined; // Packer skips type-less builders
  return typeof name === 'string' && name !== '' ? name : type;
}

/**
 * For every name that repeats an earlier one: the index of its first holder and
 * a fresh name "<name>-<n>" that no builder uses yet.
 */
function planRenames(names: (string | undefined)[]): Map<number, { first: number; unique: string }> {
  const taken = new Set(names.filter((n): n is string => n !== undefined));
  const firstHolder = new Map<string, number>();
  const nextSuffix = new Map<string, number>(); // keeps many copies of one name linear
  const renames = new Map<number, { first: number; unique: string }>();
  names.forEach((name, i) => {
    if (name === undefined) return;
    const first = firstHolder.get(name);
    if (first === undefined) {
      firstHolder.set(name, i);
      return;
    }
    let n = nextSuffix.get(name) ?? 2;
    while (taken.has(`${name}-${n}`)) n++;
    nextSuffix.set(name, n + 1);
    const unique = `${name}-${n}`;
    taken.add(unique);
    renames.set(i, { first, unique });
  });
  return renames;
}

function wrongType(ctx: Context, node: Node, path: string, expected: string): void {
  const label = path === '$' ? 'The template' : path.slice(2);
  const actual = describe(node);
  add(ctx, ctx.src.ofNode(node), {
    code: 'WRONG_TYPE',
    path,
    message: `${label} must be ${expected}, but it is ${actual}.`,
    params: { label, expected, actual },
  });
}

function add(ctx: Context, span: SourceSpan, input: IssueInput): void {
  const { line, column } = span;
  const issue: TemplateIssue = {
    code: input.code,
    level: ctx.level,
    path: input.path,
    message: input.message,
    params: input.params ?? {},
    line,
    column,
    from: span.offset,
    to: span.offset + span.length,
  };
  if (input.hint !== undefined) issue.hint = input.hint;
  ctx.issues.push(issue);
}

/** Object properties by key; a repeated key keeps its last value, as Go's encoding/json does. */
function propertiesOf(object: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const prop of object.children ?? []) {
    const key = keyOf(prop);
    const value = prop.children?.[1];
    if (key !== undefined && value !== undefined) map.set(key, value);
  }
  return map;
}

function keyOf(prop: Node): string | undefined {
  const value: unknown = prop.children?.[0]?.value;
  return typeof value === 'string' ? value : undefined;
}

function pathOf(parent: string, key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function describe(node: Node): string {
  switch (node.type) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    default: return 'null';
  }
}

/** A candidate that differs only by case, "_" vs "-", or a plural "s". */
function closest(value: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.trim().toLowerCase().replace(/_/g, '-').replace(/s$/, '');
  return candidates.find((c) => norm(c) === norm(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
