import { describe, expect, it } from 'vitest';
import { resolveVariables, type VariableInput } from './variables';

const buildTime = new Date('2024-05-01T00:00:00Z');
const resolve = (input: Partial<VariableInput>) => resolveVariables({ declared: {}, sensitive: [], buildTime, ...input });

describe('resolveVariables', () => {
  it('uses defaults, turning numbers and booleans into strings', () => {
    const r = resolve({ declared: { a: 'x', n: 3, b: true } });
    expect(r).toMatchObject({ values: { a: 'x', n: '3', b: 'true' }, issues: [] });
  });

  it('reads env in defaults, from the given environment only', () => {
    const r = resolve({ declared: { key: '{{env `UCLOUD_PUBLIC_KEY`}}', none: '{{env `NOT_SET`}}' }, env: { UCLOUD_PUBLIC_KEY: 'pk-1' } });
    expect(r.values).toEqual({ key: 'pk-1', none: '' });
    expect(r.issues).toEqual([]);
  });

  it('overrides: var files in order, then --var', () => {
    const r = resolve({ declared: { a: '1', b: '1', c: '1' }, varFiles: [{ a: '2', b: '2' }, { b: 3 }], vars: { c: '4' } });
    expect(r.values).toEqual({ a: '2', b: '3', c: '4' });
  });

  it('a null default is required: an error naming it unless a value is given', () => {
    const missing = resolve({ declared: { region: null } });
    expect(missing.issues).toEqual([expect.objectContaining({ code: 'VARIABLE_REQUIRED', path: ['variables', 'region'], params: { name: 'region' } })]);
    expect(missing.issues[0]?.message).toContain('"region"');
    expect(resolve({ declared: { region: null }, vars: { region: 'cn-bj2' } })).toMatchObject({ values: { region: 'cn-bj2' }, issues: [] });
    expect(resolve({ declared: { region: null }, varFiles: [{ region: 'hk' }] })).toMatchObject({ values: { region: 'hk' }, issues: [] });
  });

  it('sensitive variables give the values to redact (non-empty, once)', () => {
    const r = resolve({
      declared: { pub: '{{env `PK`}}', priv: 'secret-1', empty: '', plain: 'p' },
      sensitive: ['pub', 'priv', 'empty'],
      env: { PK: 'secret-1' },
    });
    expect(r.sensitive).toEqual(['pub', 'priv', 'empty']);
    expect(r.secrets).toEqual(['secret-1']);
  });

  it('defaults may use other variables (after overrides) and build-time functions', () => {
    const r = resolve({ declared: { name: 'rome-{{user `version`}}-{{timestamp}}', version: '1' }, vars: { version: '2' } });
    expect(r.values['name']).toBe('rome-2-1714521600');
  });

  it('reports loops, undeclared overrides, bad values and bad functions', () => {
    const codes = (input: Partial<VariableInput>) => resolve(input).issues.map((i) => i.code);
    expect(codes({ declared: { a: '{{user `b`}}', b: '{{user `a`}}' } })).toContain('VARIABLE_CYCLE');
    expect(codes({ declared: {}, vars: { nope: '1' } })).toEqual(['VARIABLE_UNDECLARED']);
    expect(codes({ declared: {}, sensitive: ['ghost'] })).toEqual(['VARIABLE_UNDECLARED']);
    expect(codes({ declared: { a: '' }, varFiles: [{ a: { x: 1 } }] })).toEqual(['VARIABLE_VALUE_INVALID']);
    expect(codes({ declared: { a: '{{build_name}}' } })).toEqual(['INTERPOLATION_NOT_AVAILABLE']);
    expect(codes({ declared: { a: '{{user `zz`}}' } })).toEqual(['INTERPOLATION_UNKNOWN_VARIABLE']);
  });
});
