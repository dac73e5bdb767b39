import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_DATE, MAX_INT32, MIN_DATE, NUL_MESSAGE, safeString, SURROGATE_MESSAGE } from '@/server/api/schemas/common';
import { APP_ERROR_DETAILS, appErrorOf, checkAppErrorDetails, inputIssuesOf } from '@/server/api/schemas/errors';
import { APP_ERROR_CODES } from '@/server/lib/errors';
import { appRouter } from './root';

// A sweep over every procedure's input schema: a string without a maximum length or
// without the shared NUL/surrogate rule, an integer past a PostgreSQL integer, a date
// without a sane range or a list without a maximum fails here, including in procedures
// added later.

const MAX_STRING = 1024 * 1024;
const MAX_ITEMS = 10_000;

interface Check {
  check: string;
  maximum?: number;
  length?: number;
  value?: number | bigint | Date;
}
interface Def {
  type: string;
  checks?: { _zod: { def: Check } }[];
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  left?: Schema;
  right?: Schema;
  element?: Schema;
  items?: Schema[];
  rest?: Schema | null;
  getter?: () => Schema;
}
type Schema = z.ZodType & { _zod: { def: Def } };

function checksOf(def: Def): Check[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

function bound(checks: Check[], kind: 'less_than' | 'greater_than'): number | undefined {
  const values = checks.filter((c) => c.check === kind).map((c) => Number(c.value instanceof Date ? c.value.getTime() : c.value));
  return values.length ? (kind === 'less_than' ? Math.min(...values) : Math.max(...values)) : undefined;
}

/** Every problem of a schema, as "path: what is unbounded". */
function unboundedParts(schema: Schema, path = '', seen = new Set<Schema>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def;
  const at = path || '(input)';
  const walk = (child: Schema | undefined | null, sub = path) => (child ? unboundedParts(child, sub, seen) : []);
  switch (def.type) {
    case 'string': {
      const checks = checksOf(def);
      const max = Math.min(...checks.filter((c) => c.check === 'max_length').map((c) => c.maximum!), ...checks.filter((c) => c.check === 'length_equals').map((c) => c.length!));
      const problems: string[] = [];
      if (!Number.isFinite(max)) problems.push(`${at}: a string without a maximum length`);
      else if (max > MAX_STRING) problems.push(`${at}: a string of up to ${max} characters`);
      const nul = schema.safeParse('a\u0000b');
      const half = schema.safeParse('a\uD800b');
      if (nul.success || nul.error.issues[0]?.message !== NUL_MESSAGE) problems.push(`${at}: a string that does not refuse NUL (use safeString)`);
      if (half.success || half.error.issues[0]?.message !== SURROGATE_MESSAGE) problems.push(`${at}: a string that does not refuse lone surrogates (use safeString)`);
      return problems;
    }
    case 'number': {
      const checks = checksOf(def);
      const max = bound(checks, 'less_than');
      const min = bound(checks, 'greater_than');
      if (max === undefined || min === undefined) return [`${at}: a number without a minimum and a maximum`];
      if (max > MAX_INT32 || min < -MAX_INT32 - 1) return [`${at}: a number beyond a PostgreSQL integer (${min}..${max})`];
      return [];
    }
    case 'date': {
      const checks = checksOf(def);
      const max = bound(checks, 'less_than');
      const min = bound(checks, 'greater_than');
      if (max === undefined || min === undefined || max > MAX_DATE.getTime() || min < MIN_DATE.getTime()) return [`${at}: a date outside ${MIN_DATE.toISOString()}..${MAX_DATE.toISOString()}`];
      return [];
    }
    case 'array': {
      const max = Math.min(...checksOf(def).filter((c) => c.check === 'max_length').map((c) => c.maximum!));
      return [...(Number.isFinite(max) && max <= MAX_ITEMS ? [] : [`${at}: a list without a maximum of at most ${MAX_ITEMS} items`]), ...walk(def.element, `${path}[]`)];
    }
    case 'object': {
      const problems = Object.entries(def.shape ?? {}).flatMap(([key, child]) => walk(child, path ? `${path}.${key}` : key));
      if (def.catchall && def.catchall._zod.def.type !== 'never') problems.push(`${at}: an object that accepts any other key`);
      return problems;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(def.innerType);
    case 'pipe':
      // The input side is what the request carries; the output side is a transform.
      return walk(def.in);
    case 'union':
      return (def.options ?? []).flatMap((o) => walk(o));
    case 'intersection':
      return [...walk(def.left), ...walk(def.right)];
    case 'tuple':
      return [...(def.items ?? []).flatMap((item, i) => walk(item, `${path}[${i}]`)), ...walk(def.rest, `${path}[]`)];
    case 'lazy':
      return walk(def.getter?.());
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'null':
    case 'undefined':
    case 'never':
    case 'void':
      return [];
    default:
      // any, unknown, record, map, set, bigint, custom, file…: nothing bounds them.
      return [`${at}: an unbounded ${def.type}`];
  }
}

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { inputs: Schema[] } }>).map(([path, p]) => ({
  path,
  inputs: p._def.inputs,
}));

describe('every procedure input is bounded', () => {
  it('finds the procedures and their input schemas', () => {
    expect(procedures.length).toBeGreaterThan(10);
    expect(procedures.filter((p) => p.inputs.length > 0).length).toBeGreaterThan(10);
    for (const { path, inputs } of procedures) for (const input of inputs) expect(input._zod?.def, `${path}'s input is not a zod schema`).toBeDefined();
  });

  it.each(procedures.filter((p) => p.inputs.length > 0))('$path bounds every string, number, date and list', ({ inputs }) => {
    expect(inputs.flatMap((i) => unboundedParts(i))).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    const bad = z.object({
      plain: z.string().max(10),
      long: safeString({ max: MAX_STRING + 1 }),
      free: safeString({ max: 10 }).optional().transform((v) => v),
      count: z.number().int().min(0),
      version: z.number().int().min(1).max(2 ** 31),
      when: z.date(),
      tags: z.array(safeString({ max: 5 })),
      nested: z.object({ name: z.string() }).partial(),
      any: z.unknown(),
      map: z.record(z.string(), z.number()),
    }) as unknown as Schema;
    expect(unboundedParts(bad)).toEqual([
      'plain: a string that does not refuse NUL (use safeString)',
      'plain: a string that does not refuse lone surrogates (use safeString)',
      `long: a string of up to ${MAX_STRING + 1} characters`,
      'count: a number without a minimum and a maximum',
      'version: a number beyond a PostgreSQL integer (1..2147483648)',
      'when: a date outside 1970-01-01T00:00:00.000Z..9999-12-31T23:59:59.999Z',
      'tags: a list without a maximum of at most 10000 items',
      'nested.name: a string without a maximum length',
      'nested.name: a string that does not refuse NUL (use safeString)',
      'nested.name: a string that does not refuse lone surrogates (use safeString)',
      'any: an unbounded unknown',
      'map: an unbounded record',
    ]);
  });
});

describe('the shared string rule', () => {
  const s = safeString({ min: 1, max: 5, trim: true });
  it('refuses NUL and lone surrogates first, with one clear message', () => {
    expect(s.safeParse('\u0000'.repeat(9)).error?.issues.map((i) => i.message)).toEqual([NUL_MESSAGE]);
    for (const text of ['\uD800', 'a\uDC00', '\uDBFF\u0041', '\uDE00\uD83D']) {
      expect(s.safeParse(text).error?.issues.map((i) => i.message)).toEqual([SURROGATE_MESSAGE]);
    }
  });
  it('keeps astral characters, trims, then counts', () => {
    expect(s.parse('  🚀  ')).toBe('🚀');
    expect(s.safeParse('   ').error?.issues[0]?.message).toBe('Must not be empty');
    expect(s.safeParse('abcdef').error?.issues[0]?.message).toBe('Must be at most 5 characters');
  });
});

describe('error details per code', () => {
  const conflict = {
    baseVersion: 1,
    latestVersion: 2,
    latestMessage: 'm',
    latestAuthor: null,
    latestCreatedAt: new Date('2026-01-01T00:00:00Z'),
    latestBody: '{}',
    latestValid: true,
  };
  it('declares details only for known codes', () => {
    for (const code of Object.keys(APP_ERROR_DETAILS)) expect(Object.keys(APP_ERROR_CODES)).toContain(code);
  });
  it('sends only declared keys, and nothing when the details do not match their schema', () => {
    expect(checkAppErrorDetails('TEMPLATE_VERSION_CONFLICT', { ...conflict, secretInternals: 'db host' })).toEqual(conflict);
    expect(checkAppErrorDetails('TEMPLATE_VERSION_CONFLICT', { baseVersion: 1 })).toBe('mismatch');
    expect(checkAppErrorDetails('NOT_FOUND', undefined)).toBeNull();
    expect(checkAppErrorDetails('NOT_FOUND', { leaked: true })).toBe('mismatch');
  });
  it('parses what the client gets, refusing a body that does not fit its code', () => {
    expect(appErrorOf({ appCode: 'TEMPLATE_VERSION_CONFLICT', details: conflict })).toEqual({ appCode: 'TEMPLATE_VERSION_CONFLICT', details: conflict });
    expect(appErrorOf({ appCode: 'TEMPLATE_VERSION_CONFLICT', details: { latestVersion: '2' } })).toBeNull();
    expect(appErrorOf({ appCode: 'LAST_ADMIN', details: null })).toEqual({ appCode: 'LAST_ADMIN', details: null });
    expect(appErrorOf({ appCode: 'NO_SUCH_CODE', details: null })).toBeNull();
    expect(appErrorOf({ appCode: null })).toBeNull();
    expect(appErrorOf(undefined)).toBeNull();
    expect(inputIssuesOf({ issues: [{ path: ['search'], message: NUL_MESSAGE }] })).toEqual([{ path: ['search'], message: NUL_MESSAGE }]);
    expect(inputIssuesOf({ issues: null })).toEqual([]);
  });
});
