import { describe, expect, it } from 'vitest';
import { formatGoTime, goDurationSeconds, isGoDuration } from './go-time';
import { cleanAmiName, cleanResourceName, interpolate, type InterpolationContext } from './interpolate';

const buildTime = new Date('2024-05-01T09:04:05.120Z');
const base: InterpolationContext = {
  where: 'test',
  buildTime,
  user: (n) => ({ version: '2.3.1', dir: 'release', empty: '' } as Record<string, string>)[n],
  declared: ['version', 'dir', 'empty'],
  buildName: 'ucloud-cn-bj2',
  buildType: 'ucloud-uhost',
  uuid: () => '11111111-2222-4333-8444-555555555555',
};
const run = (text: string, ctx: Partial<InterpolationContext> = {}) => interpolate(text, { ...base, ...ctx });
const value = (text: string, ctx: Partial<InterpolationContext> = {}): string => {
  const r = run(text, ctx);
  expect(r.errors).toEqual([]);
  return r.value;
};

describe('interpolate: functions', () => {
  it('renders user variables with backquoted and double-quoted names, whitespace tolerant', () => {
    expect(value('v{{user `version`}}-{{ user "dir" }}-{{   user   `version`   }}')).toBe('v2.3.1-release-2.3.1');
  });

  it('timestamp is the build time in Unix seconds, the same at every use', () => {
    expect(value('{{timestamp}}/{{ timestamp }}')).toBe('1714554245/1714554245');
  });

  it('isotime defaults to RFC 3339 and takes Go reference-time layouts', () => {
    expect(value('{{isotime}}')).toBe('2024-05-01T09:04:05Z');
    expect(value('{{isotime "2006-01-02"}}')).toBe('2024-05-01');
    expect(value('{{isotime `20060102150405`}}')).toBe('20240501090405');
    expect(value('{{isotime "Mon Jan _2 3:04PM MST -0700 .000"}}')).toBe('Wed May  1 9:04AM UTC +0000 .120');
    expect(value('{{isotime "January 2, 2006 15h 002"}}')).toBe('May 1, 2024 09h 122');
  });

  it('uuid, build_name, build_type, packer_version', () => {
    expect(value('{{uuid}} {{build_name}} {{build_type}} {{packer_version}}')).toBe('11111111-2222-4333-8444-555555555555 ucloud-cn-bj2 ucloud-uhost 1.6.6');
  });

  it('clean_resource_name works as a function and in a pipe, per builder', () => {
    expect(value('mybuild-{{isotime | clean_resource_name}}')).toBe('mybuild-2024-05-01t09-04-05z');
    expect(value('{{clean_resource_name "Rome Access/2.3 (x)"}}')).toBe('rome-access-2-3--x-');
    expect(value('{{clean_resource_name "Rome Access/2.3 (x)#1"}}', { cleanResourceName: cleanAmiName })).toBe('Rome Access/2.3 (x)-1');
    expect(cleanResourceName('Ä')).toBe('--'); // Go replaces byte by byte
  });

  it('string helpers: lower, upper, replace, replace_all, split, sub-expressions', () => {
    expect(value('{{lower "ABC"}}{{upper `def`}}')).toBe('abcDEF');
    expect(value('{{replace "a" "b" 1 "aaa"}}|{{replace_all "-" "_" "a-b-c"}}|{{split "a-b-c" "-" 2}}')).toBe('baa|a_b_c|c');
    expect(value('{{ upper (user `dir`) }}')).toBe('RELEASE');
    expect(value('{{ "x.y" | replace_all "." "-" }}')).toBe('x-y');
  });

  it('env only where allowed (variable defaults)', () => {
    expect(value('{{env `HOME_X`}}', { allowEnv: true, env: { HOME_X: '/h' } })).toBe('/h');
    expect(value('[{{env `MISSING`}}]', { allowEnv: true, env: {} })).toBe('[]');
    const r = run('{{env `X`}}');
    expect(r.errors.map((e) => e.code)).toEqual(['INTERPOLATION_ENV_NOT_ALLOWED']);
  });

  it('trim markers and comments', () => {
    expect(value('a   {{- "b" -}}   c')).toBe('abc');
    expect(value('a{{/* a note */}}b')).toBe('ab');
  });

  it('leaves build-time template data verbatim and marks the result deferred', () => {
    const r = run('ami {{ .SourceAMI }} from {{user `version`}} {{ .SourceAMITags.Team }}', { fields: { SourceAMI: null, SourceAMITags: null }, fieldsWithSubfields: ['SourceAMITags'] });
    expect(r.errors).toEqual([]);
    expect(r.deferred).toBe(true);
    expect(r.value).toBe('ami {{ .SourceAMI }} from 2.3.1 {{ .SourceAMITags.Team }}');
    // …which the runner later renders with real fields.
    expect(interpolate(r.value, { ...base, fields: { SourceAMI: 'ami-123', SourceAMITags: null }, fieldsWithSubfields: ['SourceAMITags'] }).value).toBe('ami ami-123 from 2.3.1 {{ .SourceAMITags.Team }}');
  });

  it('build generated data is deferred where offered', () => {
    const r = run('{{ build `SourceAMIName` }}', { buildData: { SourceAMIName: null } });
    expect(r).toMatchObject({ deferred: true, errors: [] });
    expect(run('{{ build `Nope` }}', { buildData: { ID: null } }).errors[0]?.code).toBe('INTERPOLATION_UNKNOWN_FIELD');
    expect(run('{{ build `ID` }}').errors[0]?.code).toBe('INTERPOLATION_NOT_AVAILABLE');
  });
});

describe('interpolate: errors', () => {
  const codes = (text: string, ctx: Partial<InterpolationContext> = {}) => run(text, ctx).errors.map((e) => e.code);

  it('unknown function, with offsets and a suggestion', () => {
    const r = run('x-{{ timestmp }}');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'INTERPOLATION_UNKNOWN_FUNCTION', start: 5, end: 13, params: { name: 'timestmp', suggestion: 'timestamp' } });
  });

  it('unknown variable names the variable', () => {
    expect(run('{{user `versoin`}}').errors[0]).toMatchObject({ code: 'INTERPOLATION_UNKNOWN_VARIABLE', params: { name: 'versoin', suggestion: 'version' } });
  });

  it('unknown template field', () => {
    expect(codes('{{ .SourceAMI }}')).toEqual(['INTERPOLATION_UNKNOWN_FIELD']);
    expect(codes('{{ .Other }}', { fields: { SourceAMI: null } })).toEqual(['INTERPOLATION_UNKNOWN_FIELD']);
    expect(codes('{{ .SourceAMI.Sub }}', { fields: { SourceAMI: null } })).toEqual(['INTERPOLATION_UNKNOWN_FIELD']);
  });

  it('syntax: unterminated braces, strings, control blocks, stray tokens', () => {
    expect(codes('abc {{ timestamp')).toEqual(['INTERPOLATION_SYNTAX']);
    expect(codes('{{ user `x }}')).toEqual(['INTERPOLATION_SYNTAX']);
    expect(codes('{{ if true }}x{{ end }}')).toEqual(['INTERPOLATION_SYNTAX', 'INTERPOLATION_SYNTAX']); // the if and the end
    expect(codes('{{ }}')).toEqual(['INTERPOLATION_SYNTAX']);
    expect(codes('{{ $x := 1 }}')).toEqual(['INTERPOLATION_SYNTAX']);
    expect(codes('{{ "a" "b" }}')).toEqual(['INTERPOLATION_SYNTAX']);
    expect(codes('{{ upper (user `dir` }}')).toEqual(['INTERPOLATION_SYNTAX']);
  });

  it('arguments: count and kind', () => {
    expect(codes('{{ timestamp 1 }}')).toEqual(['INTERPOLATION_ARGUMENTS']);
    expect(codes('{{ user }}')).toEqual(['INTERPOLATION_ARGUMENTS']);
    expect(codes('{{ isotime 5 }}')).toEqual(['INTERPOLATION_ARGUMENTS']);
    expect(codes('{{ split "a" "-" "x" }}')).toEqual(['INTERPOLATION_ARGUMENTS']);
    expect(codes('{{ split "a-b" "-" 7 }}')).toEqual(['INTERPOLATION_ARGUMENTS']);
  });

  it('functions Packer has but this console refuses', () => {
    expect(codes('{{ vault `secret/x` `k` }}')).toEqual(['INTERPOLATION_UNSUPPORTED_FUNCTION']);
    expect(codes('{{ template_dir }}')).toEqual(['INTERPOLATION_UNSUPPORTED_FUNCTION']);
    expect(codes('{{ printf "%s" "x" }}')).toEqual(['INTERPOLATION_UNSUPPORTED_FUNCTION']);
  });

  it('build_name outside a build', () => {
    expect(codes('{{ build_name }}', { buildName: undefined })).toEqual(['INTERPOLATION_NOT_AVAILABLE']);
  });

  it('reports several problems of one string at once and never throws on odd input', () => {
    expect(codes('{{ foo }} {{ user `nope` }} {{ bar }}')).toEqual(['INTERPOLATION_UNKNOWN_FUNCTION', 'INTERPOLATION_UNKNOWN_VARIABLE', 'INTERPOLATION_UNKNOWN_FUNCTION']);
    for (const odd of ['{{', '}}', '{{{{}}}}', '{{ ( }}', '{{ ) }}', '{{ | }}', '{{ . }}', '{{ "\\q" }}', '{{ 1.5 }}', '{{/* x', '{{ - }}']) {
      expect(() => run(odd)).not.toThrow();
    }
  });
});

describe('Go time helpers', () => {
  it('formats fractional seconds and zone tokens', () => {
    const d = new Date('2024-12-31T23:59:58.500Z');
    expect(formatGoTime(d, '2006-01-02T15:04:05.999Z07:00')).toBe('2024-12-31T23:59:58.5Z');
    expect(formatGoTime(d, '06/1/2 03:04:05 pm -07:00')).toBe('24/12/31 11:59:58 pm +00:00');
  });
  it('parses durations like Go', () => {
    expect(['5m', '1h30m', '300ms', '0', '1.5h', '10s'].every(isGoDuration)).toBe(true);
    expect(['10', '5 minutes', 'm', ''].some(isGoDuration)).toBe(false);
    expect(goDurationSeconds('1h30m')).toBe(5400);
  });
});
