import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builderAt, imageChange, imageIdAt, imageIdsIn, locateBuilders, type TextChange } from './builder-locator';

const seed = readFileSync('db/seed-templates/rome-access/template.json', 'utf8');
const apply = (text: string, c: TextChange) => text.slice(0, c.from) + c.insert + text.slice(c.to);

describe('locateBuilders', () => {
  it('finds the seeded builders with their region, host and base image, and the image value range', () => {
    const builders = locateBuilders(seed);
    expect(builders.map((b) => [b.index, b.name, b.cloud, b.imageField, b.region, b.zone, b.instanceType, b.image])).toEqual([
      [0, 'ucloud-cn-bj2', 'ucloud', 'source_image_id', 'cn-bj2', 'cn-bj2-02', 'n-basic-2', 'uimage-vmy3ld'],
      [1, 'aws-us-east-1', 'aws', 'source_ami', 'us-east-1', null, 't3.small', 'ami-0c7217cdde317cfec'],
    ]);
    const [uc] = builders;
    expect(seed.slice(uc!.imageValue!.from, uc!.imageValue!.to)).toBe('"uimage-vmy3ld"');
    expect(builderAt(builders, seed.indexOf('"n-basic-2"'))?.name).toBe('ucloud-cn-bj2');
    expect(builderAt(builders, seed.indexOf('"t3.small"'))?.name).toBe('aws-us-east-1');
    expect(builderAt(builders, seed.indexOf('"provisioners"'))).toBeUndefined();
  });

  it('skips other builder types and reads a half-typed text', () => {
    const text = '{"variables": {"r": "hk"}, "builders": [{"type": "docker"}, {"type": "ucloud-uhost", "region": "{{user `r`}}", "source_image_id": "uimage-ab"';
    expect(locateBuilders(text).map((b) => [b.index, b.name, b.region, b.image])).toEqual([[1, 'ucloud-uhost', 'hk', 'uimage-ab']]);
    expect(locateBuilders('')).toEqual([]);
    expect(locateBuilders('['.repeat(100_000))).toEqual([]);
  });
});

describe('imageChange', () => {
  it('replaces the existing value, keeping everything else byte for byte', () => {
    const [uc, aws] = locateBuilders(seed);
    const next = apply(seed, imageChange(seed, uc!, 'uimage-new123'));
    expect(next).toBe(seed.replace('"uimage-vmy3ld"', '"uimage-new123"'));
    const next2 = apply(seed, imageChange(seed, aws!, 'ami-0123456789abcdef0'));
    expect(JSON.parse(next2).builders[1].source_ami).toBe('ami-0123456789abcdef0');
  });

  it('adds the field after the last property, indented like it, when the builder has none', () => {
    const text = JSON.stringify({ builders: [{ type: 'ucloud-uhost', name: 'hk', region: 'hk' }, { type: 'amazon-ebs', region: 'sa-east-1', tags: { a: 'b' } }] }, null, 2);
    const [uc] = locateBuilders(text);
    const once = apply(text, imageChange(text, uc!, 'uimage-abc'));
    expect(once).toContain('      "region": "hk",\n      "source_image_id": "uimage-abc"\n    }');
    expect(JSON.parse(once).builders[0]).toEqual({ type: 'ucloud-uhost', name: 'hk', region: 'hk', source_image_id: 'uimage-abc' });
    const twice = apply(once, imageChange(once, locateBuilders(once)[1]!, 'ami-0123456789abcdef0'));
    expect(JSON.parse(twice).builders[1]).toEqual({ type: 'amazon-ebs', region: 'sa-east-1', tags: { a: 'b' }, source_ami: 'ami-0123456789abcdef0' });
  });

  it('adds to a one-line builder inline, and replaces a value that is not a string', () => {
    const inline = '{"builders": [{"type": "amazon-ebs", "region": "us-east-1"}]}';
    expect(JSON.parse(apply(inline, imageChange(inline, locateBuilders(inline)[0]!, 'ami-0aaaaaaaaaaaaaaaa'))).builders[0].source_ami).toBe('ami-0aaaaaaaaaaaaaaaa');
    const wrong = '{"builders": [{"type": "ucloud-uhost", "source_image_id": 42}]}';
    expect(JSON.parse(apply(wrong, imageChange(wrong, locateBuilders(wrong)[0]!, 'uimage-x'))).builders[0].source_image_id).toBe('uimage-x');
  });
});

describe('image ids in the text', () => {
  it('lists each id once, and finds the one under the cursor', () => {
    const text = '{"a": "uimage-vmy3ld", "b": ["ami-0c7217cdde317cfec", "uimage-vmy3ld"], "c": "not-an-image", "d": "ami-xyz"}';
    expect(imageIdsIn(text)).toEqual(['uimage-vmy3ld', 'ami-0c7217cdde317cfec']);
    const at = text.indexOf('vmy3ld');
    expect(imageIdAt(text, at)).toEqual({ id: 'uimage-vmy3ld', from: text.indexOf('uimage'), to: text.indexOf('uimage') + 13 });
    expect(imageIdAt(text, text.indexOf('not-an'))).toBeNull();
    expect(imageIdsIn(Array.from({ length: 300 }, (_, i) => `"uimage-${i}"`).join(','), 100)).toHaveLength(100);
  });
});
