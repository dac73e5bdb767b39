// User variables of a Packer JSON template: declared defaults (which may use `env`, other
// variables and the build-time functions), overridden by var files in order and then by
// `--var k=v`. A `null` default makes a variable required. `sensitive-variables` yields the
// values to redact from logs.
import { interpolate, type InterpolationError } from './interpolate';
import type { DraftIssue } from './issues';

export interface VariableInput {
  /** The template's "variables" object (non-scalar values are skipped: validate.ts reports them). */
  declared: Record<string, unknown>;
  sensitive: unknown[];
  /** `--var k=v`, applied last. */
  vars?: Record<string, string>;
  /** Var files (parsed JSON objects), applied in order before `vars`. */
  varFiles?: object[];
  env?: Record<string, string>;
  buildTime: Date;
  uuid?: () => string;
}

export interface ResolvedVariables {
  values: Record<string, string>;
  /** Values of sensitive variables (non-empty), to redact from logs. */
  secrets: string[];
  /** Names listed in `sensitive-variables`. */
  sensitive: string[];
  issues: DraftIssue[];
}

type Scalar = string | number | boolean | null;

const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

export function resolveVariables(input: VariableInput): ResolvedVariables {
  const issues: DraftIssue[] = [];
  const declared = new Map<string, Scalar>();
  for (const [name, value] of Object.entries(input.declared)) if (isScalar(value)) declared.set(name, value);
  const names = [...declared.keys()];

  // Overrides: var files in order, then --var. Packer refuses values for undeclared variables.
  const provided = new Map<string, string>();
  const take = (source: string, path: (string | number)[], entries: [string, unknown][]): void => {
    for (const [name, value] of entries) {
      if (!declared.has(name)) {
        issues.push({
          code: 'VARIABLE_UNDECLARED',
          path,
          message: `${source} sets the variable "${name}", which the template does not declare.`,
          hint: `Declare it in "variables" (e.g. "${name}": "") or remove it from ${source}.`,
          params: { name, source },
        });
        continue;
      }
      if (value === null || typeof value === 'object') {
        issues.push({
          code: 'VARIABLE_VALUE_INVALID',
          path,
          message: `${source} gives the variable "${name}" ${value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'}; variables hold strings.`,
          hint: 'Give a string (numbers and booleans are turned into strings).',
          params: { name, source },
        });
        continue;
      }
      provided.set(name, String(value));
    }
  };
  (input.varFiles ?? []).forEach((file, i) => {
    const source = `var file ${i + 1}`;
    if (typeof file !== 'object' || file === null || Array.isArray(file)) {
      issues.push({
        code: 'VARIABLE_VALUE_INVALID', path: ['variables'],
        message: `${source} must be a JSON object of variable names and values.`, params: { name: '', source },
      });
      return;
    }
    take(source, ['variables'], Object.entries(file));
  });
  take('--var', ['variables'], Object.entries(input.vars ?? {}));

  const values: Record<string, string> = {};
  const resolving: string[] = [];
  const resolve = (name: string): string | undefined => {
    if (name in values) return values[name];
    if (!declared.has(name)) return undefined;
    const override = provided.get(name);
    if (override !== undefined) return (values[name] = override);
    const raw = declared.get(name);
    if (raw === null || raw === undefined) {
      issues.push({
        code: 'VARIABLE_REQUIRED',
        path: ['variables', name],
        message: `The variable "${name}" is required (its default is null) but no value was given.`,
        hint: `Give it a value when starting the build (--var ${name}=…) or set a default in "variables".`,
        params: { name },
      });
      return (values[name] = '');
    }
    if (typeof raw !== 'string') return (values[name] = String(raw));
    if (resolving.includes(name)) {
      const chain = [...resolving.slice(resolving.indexOf(name)), name].join(' → ');
      issues.push({
        code: 'VARIABLE_CYCLE',
        path: ['variables', name],
        message: `The defaults of variables refer to each other in a loop: ${chain}.`,
        hint: 'Break the loop by giving one of them a plain default.',
        params: { name, chain },
      });
      return '';
    }
    resolving.push(name);
    const result = interpolate(raw, {
      where: `the default of variable "${name}"`,
      allowEnv: true,
      env: input.env ?? {},
      user: resolve,
      declared: names,
      buildTime: input.buildTime,
      ...(input.uuid ? { uuid: input.uuid } : {}),
    });
    resolving.pop();
    issues.push(...result.errors.map((e) => fromInterpolation(e, ['variables', name])));
    return (values[name] = result.value);
  };
  for (const name of names) resolve(name);

  const sensitive: string[] = [];
  input.sensitive.forEach((item, i) => {
    if (typeof item !== 'string') return; // validate.ts reports the type
    if (!declared.has(item)) {
      issues.push({
        code: 'VARIABLE_UNDECLARED',
        path: ['sensitive-variables', i],
        message: `"sensitive-variables" lists "${item}", which the template does not declare.`,
        hint: `Declare "${item}" in "variables" or remove it from "sensitive-variables".`,
        params: { name: item, source: 'sensitive-variables' },
      });
      return;
    }
    sensitive.push(item);
  });
  const secrets = [...new Set(sensitive.map((n) => values[n] ?? '').filter((v) => v !== ''))];
  return { values, secrets, sensitive, issues };
}

/** An interpolation error as an issue at `path`, keeping the offsets inside the string. */
export function fromInterpolation(e: InterpolationError, path: (string | number)[]): DraftIssue {
  const issue: DraftIssue = { code: e.code, path, message: e.message, params: e.params, within: { start: e.start, end: e.end } };
  if (e.hint !== undefined) issue.hint = e.hint;
  return issue;
}
