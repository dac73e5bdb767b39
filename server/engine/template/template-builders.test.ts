import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listTemplateBuilders } from './template-builders';

const seed = (file: string): string => readFileSync(fileURLToPath(new URL(`../../../db/seed-templates/${file.replace(/\.json$/, '')}/template.json`, import.meta.url)), 'utf8');

describe('listTemplateBuilders', () => {
  it('lists the seeded access template: cloud, region, zone, host type and base image per builder', () => {
    expect(listTemplateBuilders(seed('rome-access.json'))).toEqual([
      { index: 0, name: 'ucloud-cn-bj2', type: 'ucloud-uhost', cloud: 'ucloud', region: 'cn-bj2', zone: 'cn-bj2-02', instanceType: 'n-basic-2', imageField: 'source_image_id', sourceImage: 'uimage-vmy3ld' },
      { index: 1, name: 'aws-us-east-1', type: 'amazon-ebs', cloud: 'aws', region: 'us-east-1', zone: null, instanceType: 't3.small', imageField: 'source_ami', sourceImage: 'ami-0c7217cdde317cfec' },
    ]);
  });

  it('resolves {{user `x`}} to a literal default, and leaves other interpolations unknown', () => {
    const body = JSON.stringify({
      variables: { region: 'hk', image: '{{env `IMAGE`}}', empty: '' },
      builders: [
        { type: 'ucloud-uhost', region: '{{user `region`}}', source_image_id: '{{user `image`}}' },
        { type: 'ucloud-uhost', region: '{{ user `empty` }}', source_image_id: 'uimage-{{timestamp}}' },
        { type: 'amazon-ebs', region: '{{user `missing`}}', source_ami: 'ami-1' },
      ],
    });
    expect(listTemplateBuilders(body).map((b) => [b.name, b.region, b.sourceImage])).toEqual([
      ['ucloud-uhost', 'hk', null],
      ['ucloud-uhost', null, null],
      ['amazon-ebs', null, 'ami-1'],
    ]);
  });

  it('keeps builders of other types without a cloud, and names unnamed, untyped ones by position', () => {
    const body = JSON.stringify({ builders: [{ type: 'docker', image: 'ubuntu' }, {}, 'not an object', { type: 'amazon-ebs', name: '' }] });
    expect(listTemplateBuilders(body).map((b) => [b.index, b.name, b.cloud, b.imageField])).toEqual([
      [0, 'docker', null, null],
      [1, '#2', null, null],
      [3, 'amazon-ebs', 'aws', 'source_ami'],
    ]);
  });

  it('reads what it can of broken JSON: trailing commas, comments, a missing brace at the end', () => {
    const body = `{
  // a comment
  "builders": [
    { "type": "ucloud-uhost", "name": "a", "region": "cn-gd", "source_image_id": "uimage-aaa", },
    { "type": "amazon-ebs", "name": "b", "region": "sa-east-1", "source_ami": "ami-0123"
  ]`;
    expect(listTemplateBuilders(body).map((b) => [b.name, b.region, b.sourceImage])).toEqual([
      ['a', 'cn-gd', 'uimage-aaa'],
      ['b', 'sa-east-1', 'ami-0123'],
    ]);
  });

  it('never throws: empty, not an object, builders not a list, absurdly deep', () => {
    for (const body of ['', 'null', '[]', '"x"', '{"builders": {}}', '{"builders": 3}', '{', '['.repeat(200_000)]) {
      expect(listTemplateBuilders(body), body.slice(0, 20)).toEqual([]);
    }
  });
});
