import { describe, expect, it } from 'vitest';
import { mergeTemplates, revertedBy, type MergeResult } from './json-merge';

const text = (value: unknown) => JSON.stringify(value, null, 2);

const BASE = {
  variables: { version: '1.0' },
  builders: [
    { type: 'ucloud-uhost', name: 'ucloud-hk', region: 'hk', instance_type: 'n-basic-2', boot_disk_type: 'cloud_ssd' },
    { type: 'amazon-ebs', name: 'aws-sa', region: 'sa-east-1', instance_type: 't3.small' },
  ],
  provisioners: [{ type: 'shell', inline: ['echo one'] }],
};

function merged(result: MergeResult) {
  if (result.kind !== 'merged') throw new Error(`expected a merge, got ${result.kind}`);
  return result;
}

function edit(change: (t: typeof BASE) => void): string {
  const copy = structuredClone(BASE);
  change(copy);
  return text(copy);
}

describe('mergeTemplates', () => {
  it('merges edits to different builders without conflicts, keeping both', () => {
    const theirs = edit((t) => (t.builders[0]!.instance_type = 'n-basic-4'));
    const mine = edit((t) => (t.builders[1]!.region = 'us-east-1'));
    const result = merged(mergeTemplates(text(BASE), theirs, mine));
    expect(result.conflicts).toEqual([]);
    const out = JSON.parse(result.merged!) as typeof BASE;
    expect(out.builders[0]!.instance_type).toBe('n-basic-4');
    expect(out.builders[1]!.region).toBe('us-east-1');
    expect(result.autoMerged.filter((c) => c.side === 'theirs').map((c) => c.path)).toEqual(['builders[ucloud-hk].instance_type']);
    expect(result.autoMerged.filter((c) => c.side === 'mine').map((c) => c.path)).toEqual(['builders[aws-sa].region']);
    // Pretty-printed with two spaces like the editor.
    expect(result.merged).toBe(text(out));
  });

  it('takes the same change made on both sides once, without a conflict', () => {
    const both = edit((t) => (t.builders[0]!.region = 'cn-gd'));
    const result = merged(mergeTemplates(text(BASE), both, both));
    expect(result.conflicts).toEqual([]);
    expect(JSON.parse(result.merged!)).toEqual(JSON.parse(both));
    expect(result.autoMerged).toEqual([expect.objectContaining({ path: 'builders[ucloud-hk].region', side: 'both' })]);
  });

  it('reports different values at one path as a conflict and resolves it per choice', () => {
    const theirs = edit((t) => {
      t.builders[0]!.boot_disk_type = 'cloud_rssd';
      t.variables.version = '1.1';
    });
    const mine = edit((t) => (t.builders[0]!.boot_disk_type = 'local_normal'));
    const result = merged(mergeTemplates(text(BASE), theirs, mine));
    expect(result.merged).toBeNull();
    expect(result.conflicts).toEqual([
      { id: 0, path: 'builders[ucloud-hk].boot_disk_type', base: 'cloud_ssd', theirs: 'cloud_rssd', mine: 'local_normal' },
    ]);
    const pickMine = JSON.parse(result.resolve({ 0: 'mine' })) as typeof BASE;
    expect(pickMine.builders[0]!.boot_disk_type).toBe('local_normal');
    expect(pickMine.variables.version).toBe('1.1'); // their other change is still kept
    const pickTheirs = JSON.parse(result.resolve({ 0: 'theirs' })) as typeof BASE;
    expect(pickTheirs.builders[0]!.boot_disk_type).toBe('cloud_rssd');
    expect(() => result.resolve({})).toThrow(/builders\[ucloud-hk\]\.boot_disk_type/);
  });

  it('applies keys added and deleted on either side', () => {
    const theirs = edit((t) => {
      (t.builders[0] as Record<string, unknown>)['zone'] = 'hk-02';
      delete (t as Partial<typeof BASE>).provisioners;
    });
    const mine = edit((t) => {
      delete (t.builders[1] as Partial<(typeof BASE.builders)[1]>).instance_type;
      (t as Record<string, unknown>)['description'] = 'access';
    });
    const result = merged(mergeTemplates(text(BASE), theirs, mine));
    expect(result.conflicts).toEqual([]);
    const out = JSON.parse(result.merged!) as Record<string, unknown> & typeof BASE;
    expect(out.builders[0]).toHaveProperty('zone', 'hk-02');
    expect(out).not.toHaveProperty('provisioners');
    expect(out.builders[1]).not.toHaveProperty('instance_type');
    expect(out['description']).toBe('access');
  });

  it('calls a deletion on one side and a change on the other a conflict', () => {
    const theirs = edit((t) => (t.builders[1]!.instance_type = 't3.medium'));
    const mine = edit((t) => t.builders.splice(1, 1));
    const result = merged(mergeTemplates(text(BASE), theirs, mine));
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toMatchObject({ path: 'builders[aws-sa]', mine: undefined });
    expect((JSON.parse(result.resolve({ 0: 'mine' })) as typeof BASE).builders.map((b) => b.name)).toEqual(['ucloud-hk']);
    expect((JSON.parse(result.resolve({ 0: 'theirs' })) as typeof BASE).builders[1]!.instance_type).toBe('t3.medium');
  });

  it('keeps a builder one side added while the other edited another builder', () => {
    const theirs = edit((t) =>
      t.builders.splice(1, 0, { type: 'ucloud-uhost', name: 'ucloud-bj', region: 'cn-bj2', instance_type: 'n-basic-2', boot_disk_type: 'cloud_ssd' }),
    );
    const mine = edit((t) => (t.builders[1]!.instance_type = 't3.large'));
    const result = merged(mergeTemplates(text(BASE), theirs, mine));
    expect(result.conflicts).toEqual([]);
    const out = JSON.parse(result.merged!) as typeof BASE;
    expect(out.builders.map((b) => b.name)).toEqual(['ucloud-hk', 'ucloud-bj', 'aws-sa']);
    expect(out.builders[2]!.instance_type).toBe('t3.large');
    expect(result.autoMerged).toContainEqual(expect.objectContaining({ path: 'builders[ucloud-bj]', side: 'theirs' }));
  });

  it('merges unnamed array items by index when only one side changed the length', () => {
    const theirs = edit((t) => t.provisioners.push({ type: 'file', inline: [] }));
    const mine = edit((t) => (t.provisioners[0]!.inline = ['echo two']));
    // Two provisioners of type shell/file are keyed by type; make them unkeyable to test the index path.
    const unkeyed = (s: string) => s.replaceAll('"type": "shell"', '"kind": "shell"').replaceAll('"type": "file"', '"kind": "file"');
    const result = merged(mergeTemplates(unkeyed(text(BASE)), unkeyed(theirs), unkeyed(mine)));
    expect(result.conflicts).toEqual([]);
    const out = JSON.parse(result.merged!) as { provisioners: { kind: string; inline: string[] }[] };
    expect(out.provisioners).toEqual([
      { kind: 'shell', inline: ['echo two'] },
      { kind: 'file', inline: [] },
    ]);
  });

  it('keeps the key order of mine', () => {
    const base = text({ a: 1, b: 2 });
    const theirs = text({ a: 1, b: 2, c: 3 });
    const mine = text({ b: 2, a: 5 });
    const result = merged(mergeTemplates(base, theirs, mine));
    expect(result.merged).toBe(text({ b: 2, a: 5, c: 3 }));
  });

  it('treats a "__proto__" key as data', () => {
    const base = '{"__proto__": {"x": 1}, "a": 1}';
    const result = merged(mergeTemplates(base, '{"__proto__": {"x": 2}, "a": 1}', '{"__proto__": {"x": 1}, "a": 2}'));
    expect(result.merged).toBe('{\n  "__proto__": {\n    "x": 2\n  },\n  "a": 2\n}');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('says which text does not parse instead of merging', () => {
    expect(mergeTemplates(text(BASE), '{"builders": [', text(BASE))).toEqual({ kind: 'unparseable', which: ['theirs'] });
    expect(mergeTemplates('', text(BASE), '{ // comment\n}')).toEqual({ kind: 'unparseable', which: ['base', 'mine'] });
    expect(revertedBy(text(BASE), text(BASE), '{')).toBeNull();
  });
});

describe('revertedBy', () => {
  it('lists each of their changes that keeping mine would undo', () => {
    const theirs = edit((t) => {
      t.builders[0]!.instance_type = 'n-basic-4';
      t.variables.version = '1.1';
      t.builders[1]!.region = 'us-east-1';
    });
    // Mine made the same region change (nothing to revert there) and an edit of its own.
    const mine = edit((t) => {
      t.builders[1]!.region = 'us-east-1';
      t.provisioners[0]!.inline = ['echo mine'];
    });
    expect(revertedBy(text(BASE), theirs, mine)).toEqual([
      { path: 'variables.version', base: '1.0', theirs: '1.1', mine: '1.0' },
      { path: 'builders[ucloud-hk].instance_type', base: 'n-basic-2', theirs: 'n-basic-4', mine: 'n-basic-2' },
    ]);
  });

  it('lists a builder they added that mine lacks, and nothing when mine already has their changes', () => {
    const added = { type: 'ucloud-uhost', name: 'ucloud-bj', region: 'cn-bj2', instance_type: 'n-basic-2', boot_disk_type: 'cloud_ssd' };
    const theirs = edit((t) => t.builders.push(added));
    expect(revertedBy(text(BASE), theirs, text(BASE))).toEqual([{ path: 'builders[ucloud-bj]', base: undefined, theirs: added, mine: undefined }]);
    expect(revertedBy(text(BASE), theirs, theirs)).toEqual([]);
  });
});
