import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTemplate } from './check-template';
import {
  suggestUniqueBuilderNames,
  type TemplateIssue,
  type TemplateIssueCode,
} from './validate';

/** The syntax and structure levels alone (no context: the options level is covered by check-template.test.ts). */
const validateTemplateText = (text: string) => checkTemplate(text, { upTo: 'structure' }) as { ok: boolean; issues: TemplateIssue[] };

const seed = (file: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../db/seed-templates/${file.replace(/\.json$/, '')}/template.json`, import.meta.url)), 'utf8');

const json = (value: unknown): string => JSON.stringify(value, null, 2);

const ucloud = { type: 'ucloud-uhost', region: 'cn-bj2', image_name: 'rome-{{timestamp}}' };
const aws = { type: 'amazon-ebs', region: 'us-east-1', ami_name: 'rome-{{timestamp}}' };

/** The issues as [code, path] pairs, the part of the contract the UI and tests rely on. */
const codes = (text: string): [TemplateIssueCode, string][] =>
  validateTemplateText(text).issues.map((i) => [i.code, i.path]);

const only = (text: string, code: TemplateIssueCode): TemplateIssue => {
  const issues = validateTemplateText(text).issues.filter((i) => i.code === code);
  expect(issues).toHaveLength(1);
  return issues[0] as TemplateIssue;
};

describe('validateTemplateText: valid templates', () => {
  it('accepts a minimal template with both known builder types', () => {
    expect(validateTemplateText(json({ builders: [ucloud, aws] }))).toEqual({ ok: true, issues: [] });
  });

  it('accepts every documented section, post-processor forms and "_" comment keys', () => {
    const text = json({
      _comment: 'notes are allowed at the root',
      description: 'd',
      min_packer_version: '1.6.6',
      variables: { a: 'x', b: null, c: 3, d: true },
      'sensitive-variables': ['a'],
      builders: [{ ...ucloud, name: 'bj2' }, { ...ucloud, name: 'sh2' }],
      provisioners: [{ type: 'shell', inline: ['true'] }],
      'post-processors': ['manifest', { type: 'manifest' }, ['manifest', { type: 'checksum' }]],
    });
    expect(codes(text)).toEqual([]);
  });

  it.each(['rome-access.json', 'rome-forwarding.json'])('accepts the seed template %s', (file) => {
    const result = validateTemplateText(seed(file));
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('seed templates have one named builder per known type and the role in their provisioners', () => {
    for (const [file, role] of [['rome-access.json', 'access'], ['rome-forwarding.json', 'forwarding']] as const) {
      const t = JSON.parse(seed(file)) as { builders: { type: string; name?: string }[]; provisioners: unknown[] };
      expect(t.builders.map((b) => b.type).sort()).toEqual(['amazon-ebs', 'ucloud-uhost']);
      expect(t.builders.every((b) => typeof b.name === 'string')).toBe(true);
      expect(JSON.stringify(t.provisioners)).toContain(`echo ${role} > /etc/rome/role`);
    }
  });
});

describe('validateTemplateText: JSON syntax', () => {
  it('reports a missing comma with its exact line and column and stops there', () => {
    const text = '{\n  "builders": [\n    { "type": "ucloud-uhost" }\n    { "type": "amazon-ebs" }\n  ],\n  "bogus": 1\n}';
    const result = validateTemplateText(text);
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(['JSON_SYNTAX']); // no UNKNOWN_TOP_LEVEL_KEY for "bogus"
    const issue = result.issues[0] as TemplateIssue;
    expect(issue).toMatchObject({ path: '$', line: 4, column: 5, from: text.indexOf('{ "type": "amazon-ebs"') });
    expect(issue.params['detail']).toMatch(/comma/i);
    expect(issue.message).toContain('line 4, column 5');
  });

  it('reports a trailing comma once, on the comma itself', () => {
    const text = '{\n  "builders": [],\n}';
    const issues = validateTemplateText(text).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'JSON_SYNTAX', line: 2, column: 17, from: 18, to: 19 });
    expect(issues[0]?.params['detail']).toMatch(/trailing comma/i);
  });

  it('reports every distinct syntax error and rejects comments', () => {
    const issues = validateTemplateText('// note\n{"builders": [1 2]').issues;
    expect(issues.length).toBeGreaterThanOrEqual(3);
    expect(issues.every((i) => i.code === 'JSON_SYNTAX')).toBe(true);
    expect(issues[0]).toMatchObject({ line: 1, column: 1 });
    expect(issues[0]?.params['detail']).toMatch(/comment/i);
    expect(issues[0]?.hint).toContain('"_comment"');
  });

  it('counts columns after CRLF line breaks', () => {
    const issue = only('{\r\n  "builders": [\r\n    x\r\n  ]\r\n}', 'JSON_SYNTAX');
    expect(issue).toMatchObject({ line: 3, column: 5 });
  });
});

describe('validateTemplateText: structure', () => {
  it.each([
    ['null', 'null'],
    ['[]', 'an array'],
    ['42', 'a number'],
    ['"x"', 'a string'],
  ])('NOT_AN_OBJECT for %s', (text, actual) => {
    const issue = only(text, 'NOT_AN_OBJECT');
    expect(issue).toMatchObject({ path: '$', line: 1, column: 1 });
    expect(issue.message).toContain(actual);
  });

  it('UNKNOWN_TOP_LEVEL_KEY names the key, points at it and lists the allowed keys', () => {
    const text = json({ builders: [ucloud], provisioner: [] });
    const issue = only(text, 'UNKNOWN_TOP_LEVEL_KEY');
    expect(issue.path).toBe('$.provisioner');
    expect(issue.message).toContain('"provisioner"');
    expect(issue.hint).toContain('Did you mean "provisioners"?');
    expect(issue.hint).toContain('post-processors');
    expect(text.slice(issue.from, issue.to)).toBe('"provisioner"');
    expect(issue.params).toMatchObject({ key: 'provisioner' });
  });

  it('WRONG_TYPE for sections and values of the wrong JSON type', () => {
    const text = json({
      description: 5,
      _note: {},
      variables: { ok: 'x', bad: { nested: true }, list: [] },
      'sensitive-variables': ['ok', 7],
      builders: [ucloud, 'amazon-ebs', { type: 12 }, { ...aws, name: 3 }],
      provisioners: { type: 'shell' },
      'post-processors': [5, [['manifest']]],
    });
    expect(codes(text)).toEqual([
      ['WRONG_TYPE', '$.description'],
      ['WRONG_TYPE', '$._note'],
      ['WRONG_TYPE', '$.variables.bad'],
      ['WRONG_TYPE', '$.variables.list'],
      ['WRONG_TYPE', '$.sensitive-variables[1]'],
      ['WRONG_TYPE', '$.builders[1]'],
      ['WRONG_TYPE', '$.builders[2].type'],
      ['WRONG_TYPE', '$.builders[3].name'],
      ['WRONG_TYPE', '$.provisioners'],
      ['WRONG_TYPE', '$.post-processors[0]'],
      ['WRONG_TYPE', '$.post-processors[1][0]'],
    ]);
  });

  it('WRONG_TYPE when variables is not an object or builders not an array', () => {
    expect(codes(json({ variables: ['a'], builders: { type: 'amazon-ebs' } }))).toEqual([
      ['WRONG_TYPE', '$.variables'],
      ['WRONG_TYPE', '$.builders'],
    ]);
  });

  it('BUILDERS_MISSING and BUILDERS_EMPTY', () => {
    expect(codes(json({ provisioners: [] }))).toEqual([['BUILDERS_MISSING', '$']]);
    expect(codes(json({ builders: [] }))).toEqual([['BUILDERS_EMPTY', '$.builders']]);
  });

  it('BUILDER_TYPE_MISSING at the builder, for a missing or empty type', () => {
    expect(codes(json({ builders: [ucloud, { region: 'x' }, { type: '' }] }))).toEqual([
      ['BUILDER_TYPE_MISSING', '$.builders[1]'],
      ['BUILDER_TYPE_MISSING', '$.builders[2]'],
    ]);
  });

  it('BUILDER_TYPE_UNKNOWN names the type and the known ones, and suggests near misses', () => {
    const text = json({ builders: [ucloud, { type: 'docker' }, { type: 'amazon_ebs' }] });
    expect(codes(text)).toEqual([
      ['BUILDER_TYPE_UNKNOWN', '$.builders[1].type'],
      ['BUILDER_TYPE_UNKNOWN', '$.builders[2].type'],
    ]);
    const [docker, underscore] = validateTemplateText(text).issues;
    expect(docker?.message).toContain("'docker'");
    expect(docker?.message).toContain('ucloud-uhost, amazon-ebs');
    expect(text.slice(docker?.from, docker?.to)).toBe('"docker"');
    expect(underscore?.hint).toContain("'amazon-ebs'");
  });

  it('PROVISIONER_TYPE_MISSING', () => {
    expect(codes(json({ builders: [ucloud], provisioners: [{ type: 'shell' }, { inline: ['ls'] }] }))).toEqual([
      ['PROVISIONER_TYPE_MISSING', '$.provisioners[1]'],
    ]);
  });

  it('POST_PROCESSOR_TYPE_MISSING in plain and sequence forms', () => {
    const text = json({ builders: [ucloud], 'post-processors': [{ output: 'm.json' }, ['manifest', { keep_input_artifact: true }], ''] });
    expect(codes(text)).toEqual([
      ['POST_PROCESSOR_TYPE_MISSING', '$.post-processors[0]'],
      ['POST_PROCESSOR_TYPE_MISSING', '$.post-processors[1][1]'],
      ['POST_PROCESSOR_TYPE_MISSING', '$.post-processors[2]'],
    ]);
  });

  it('reports all problems at once, in document order, with positions', () => {
    const text = '{\n  "builder": [],\n  "provisioners": [ {} ]\n}';
    const issues = validateTemplateText(text).issues;
    expect(issues.map((i) => [i.code, i.path, i.line, i.column])).toEqual([
      ['BUILDERS_MISSING', '$', 1, 1],
      ['UNKNOWN_TOP_LEVEL_KEY', '$.builder', 2, 3],
      ['PROVISIONER_TYPE_MISSING', '$.provisioners[0]', 3, 21],
    ]);
    expect(issues[1]?.hint).toContain('Did you mean "builders"?');
  });
});

describe('validateTemplateText: duplicate builder names (field problem #4)', () => {
  it('two builders of the same type without "name"', () => {
    const text = json({ builders: [ucloud, aws, { ...ucloud, region: 'hk' }] });
    const issue = only(text, 'BUILDER_NAME_DUPLICATE');
    expect(issue.path).toBe('$.builders[2]');
    expect(issue.message).toContain("builders[0] and builders[2] both have the name 'ucloud-uhost'");
    expect(issue.message).toContain("builder with name 'ucloud-uhost' already exists");
    expect(issue.hint).toContain('unique "name"');
    expect(issue.hint).toContain('"name": "ucloud-uhost-2"');
    expect(issue.hint).toContain('builders[2]');
    expect(issue.params).toEqual({ name: 'ucloud-uhost', index: 2, firstIndex: 0, suggestion: 'ucloud-uhost-2' });
    expect(text.slice(issue.from, issue.to)).toBe('{');
  });

  it('two builders with the same explicit "name" point at the later name', () => {
    const text = json({ builders: [{ ...ucloud, name: 'bj2' }, { ...aws, name: 'bj2' }] });
    const issue = only(text, 'BUILDER_NAME_DUPLICATE');
    expect(issue.path).toBe('$.builders[1].name');
    expect(issue.message).toContain("builders[0] and builders[1] both have the name 'bj2'");
    expect(issue.hint).toContain('"name": "bj2-2"');
    expect(text.slice(issue.from, issue.to)).toBe('"bj2"');
  });

  it('a "name" that equals another builder\'s type collides too', () => {
    const text = json({ builders: [aws, { ...ucloud, name: 'amazon-ebs' }] });
    expect(codes(text)).toEqual([['BUILDER_NAME_DUPLICATE', '$.builders[1].name']]);
  });

  it('every later holder is reported against the first, and suggestions skip names in use', () => {
    const text = json({ builders: [ucloud, ucloud, { ...aws, name: 'ucloud-uhost-2' }, ucloud] });
    const issues = validateTemplateText(text).issues;
    expect(issues.map((i) => [i.path, i.params['firstIndex'], i.params['suggestion']])).toEqual([
      ['$.builders[1]', 0, 'ucloud-uhost-3'],
      ['$.builders[3]', 0, 'ucloud-uhost-4'],
    ]);
  });

  it('distinct names are fine', () => {
    expect(codes(json({ builders: [{ ...ucloud, name: 'a' }, { ...ucloud, name: 'b' }, ucloud] }))).toEqual([]);
  });
});

describe('suggestUniqueBuilderNames', () => {
  it('renames later colliding builders, keeps the first, and does not touch the input', () => {
    const input = { variables: { v: '1' }, builders: [ucloud, { ...ucloud, region: 'hk' }, aws, { ...ucloud, name: 'ucloud-uhost-2' }] };
    const before = structuredClone(input);
    const out = suggestUniqueBuilderNames(input);
    expect(input).toEqual(before);
    expect(out.builders.map((b) => ('name' in b ? b.name : undefined))).toEqual([undefined, 'ucloud-uhost-3', undefined, 'ucloud-uhost-2']);
    expect(validateTemplateText(json(out)).ok).toBe(true);
  });

  it('leaves templates without a builders array alone', () => {
    expect(suggestUniqueBuilderNames({ builders: 'x' })).toEqual({ builders: 'x' });
    expect(suggestUniqueBuilderNames({})).toEqual({});
  });
});

describe('validateTemplateText: never throws', () => {
  const garbage = [
    '', ' ', 'null', '[]', '42', 'true', '"', '{', '}', '{"builders":', '{"builders": [null, 1, [], ""]}',
    '{"variables": null, "sensitive-variables": null, "provisioners": null, "post-processors": null, "builders": null}',
    '{"builders": [{"type": "ucloud-uhost", "name": null}]}',
    '\u0000\uffff\ud800', '{"__proto__": {"builders": 1}, "constructor": 1}',
    '['.repeat(100_000) + ']'.repeat(100_000),
    '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
    `{"builders": [${Array.from({ length: 2000 }, () => '{"type":"ucloud-uhost"}').join(',')}]}`,
  ];

  it.each(garbage.map((g) => [g.length > 40 ? `${g.slice(0, 40)}… (${g.length} chars)` : JSON.stringify(g), g]))(
    '%s',
    (_label, text) => {
      const result = validateTemplateText(text);
      expect(result.ok).toBe(false);
      for (const issue of result.issues) {
        expect(issue.line).toBeGreaterThanOrEqual(1);
        expect(issue.column).toBeGreaterThanOrEqual(1);
        expect(issue.from).toBeLessThanOrEqual(issue.to);
        expect(issue.message.length).toBeGreaterThan(0);
      }
    },
  );

  it('handles a non-string argument from untyped callers', () => {
    expect(() => validateTemplateText(undefined as unknown as string)).not.toThrow();
  });
});
