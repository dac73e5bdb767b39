import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTemplate, type CheckTemplateContext } from './check-template';
import type { TemplateCheckIssue as TemplateIssue } from './validate';
import { inventory } from './__fixtures__/regions';

const seed = (file: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../db/seed-templates/${file.replace(/\.json$/, '')}/template.json`, import.meta.url)), 'utf8');
const now = new Date('2024-05-01T10:00:00Z');
const json = (v: unknown): string => JSON.stringify(v, null, 2);

const ucloud = (extra: Record<string, unknown> = {}) => ({
  name: 'uc', type: 'ucloud-uhost', project_id: '{{user `project`}}', region: 'cn-bj2', availability_zone: 'cn-bj2-02',
  instance_type: 'n-basic-2', source_image_id: 'uimage-vmy3ld', image_name: 'rome-{{timestamp}}', ...extra,
});
const aws = (extra: Record<string, unknown> = {}) => ({
  name: 'aws', type: 'amazon-ebs', region: 'us-east-1', instance_type: 't3.small', source_ami: 'ami-0c7217cdde317cfec',
  ssh_username: 'ubuntu', ami_name: 'rome-{{timestamp}}', ...extra,
});
const template = (builders: unknown[], extra: Record<string, unknown> = {}) => json({ variables: { project: 'org-abc' }, builders, ...extra });
const check = (text: string, ctx: CheckTemplateContext = {}) => checkTemplate(text, { now, ...ctx });
const byCode = (issues: TemplateIssue[], code: string): TemplateIssue => {
  const found = issues.filter((i) => i.code === code);
  expect(found, JSON.stringify(issues, null, 1)).toHaveLength(1);
  return found[0] as TemplateIssue;
};

describe('checkTemplate: seed templates', () => {
  it.each(['rome-access.json', 'rome-forwarding.json'])('%s passes with no context and resolves', (file) => {
    const result = check(seed(file));
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    const t = result.template;
    expect(t?.builds.map((b) => [b.name, b.type])).toEqual([['ucloud-cn-bj2', 'ucloud-uhost'], ['aws-us-east-1', 'amazon-ebs']]);
    const [uc, ec2] = t?.builds ?? [];
    if (uc?.type !== 'ucloud-uhost' || ec2?.type !== 'amazon-ebs') throw new Error('builder types');
    expect(uc.config).toMatchObject({ boot_disk_type: 'cloud_ssd', ssh_username: 'root', wait_image_ready_timeout: 3600, eip_bandwidth: 10, image_name: `${file.replace('.json', '')}-1714557600` });
    expect(ec2.config.tags['SourceAMI']).toBe('{{ .SourceAMI }}'); // rendered by the runner
    expect(ec2.config.tags['ServiceVersion']).toBe('2.3.1');
    expect(uc.provisioners.map((p) => p.type)).toEqual(['file', 'file', 'shell', 'shell']);
    expect(uc.postProcessors[0]?.[0]?.config).toMatchObject({ output: file.replace('rome-', 'manifest-rome-'), strip_path: true });
    expect(t?.sensitiveVariables).toEqual(['ucloud_public_key', 'ucloud_private_key', 'aws_access_key', 'aws_secret_key']);
  });

  it('the seeds pass against the inventory too, and secrets come from env and sensitive variables', () => {
    const result = check(seed('rome-access.json'), { ...inventory, env: { UCLOUD_PUBLIC_KEY: 'pub-1', UCLOUD_PRIVATE_KEY: 'priv-1', AWS_SECRET_ACCESS_KEY: 'aws-s', AWS_ACCESS_KEY_ID: 'aws-a' } });
    expect(result.issues).toEqual([]);
    expect(result.template?.secrets.sort()).toEqual(['aws-a', 'aws-s', 'priv-1', 'pub-1']);
  });

  it('keeps validateTemplateText issues and adds deeper ones, all at once, sorted by position', () => {
    const text = template([ucloud({ boot_disk_type: 'ssd' }), ucloud({ name: undefined }), ucloud({ name: undefined, image_name: '{{ nope }}' })]);
    const result = check(text);
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(['BUILDER_OPTION_INVALID', 'BUILDER_NAME_DUPLICATE', 'INTERPOLATION_UNKNOWN_FUNCTION']);
    expect(result.issues.map((i) => i.from)).toEqual([...result.issues.map((i) => i.from)].sort((a, b) => a - b));
    expect(result.template).toBeUndefined();
  });
});

describe('checkTemplate: positions and paths', () => {
  it('points an interpolation error at the action inside the string', () => {
    const text = template([ucloud({ image_name: 'rome-{{ timestmp }}' })]);
    const issue = byCode(check(text).issues, 'INTERPOLATION_UNKNOWN_FUNCTION');
    expect(issue.path).toBe('$.builders[0].image_name');
    expect(text.slice(issue.from, issue.to)).toBe('timestmp');
    expect(issue.line).toBe(text.slice(0, issue.from).split('\n').length);
  });

  it('points an unknown option at its key and names builder and field', () => {
    const text = template([ucloud({ bootdisk_type: 'cloud_ssd' })]);
    const issue = byCode(check(text).issues, 'BUILDER_OPTION_UNKNOWN');
    expect(issue).toMatchObject({ path: '$.builders[0].bootdisk_type', params: { label: 'builders[0] (uc)', field: 'bootdisk_type', suggestion: 'boot_disk_type' } });
    expect(text.slice(issue.from, issue.to)).toBe('"bootdisk_type"');
    expect(issue.message).toContain('builders[0] (uc)');
  });

  it('a missing option points at the builder', () => {
    const b = ucloud();
    delete (b as Record<string, unknown>)['image_name'];
    const text = template([b]);
    const issue = byCode(check(text).issues, 'BUILDER_OPTION_REQUIRED');
    expect(issue.path).toBe('$.builders[0].image_name');
    expect(text[issue.from]).toBe('{');
  });
});

describe('checkTemplate: resolution', () => {
  it('applies only/except and override per builder, and post-processor filters', () => {
    const text = template([ucloud(), aws()], {
      provisioners: [
        { type: 'shell', inline: ['echo {{build_name}}'], only: ['uc'] },
        { type: 'shell', inline: ['echo all'], override: { aws: { inline: ['echo aws-{{build_type}}'] } } },
        { type: 'file', content: 'x', destination: '/tmp/x', except: 'uc' },
      ],
      'post-processors': [['manifest', { type: 'manifest', output: 'm-{{build_name}}.json', only: ['aws'] }]],
    });
    const result = check(text);
    expect(result.issues).toEqual([]);
    const [uc, ec2] = result.template?.builds ?? [];
    expect(uc?.provisioners.map((p) => (p.type === 'shell' ? p.config.inline : p.type))).toEqual([['echo uc'], ['echo all']]);
    expect(ec2?.provisioners.map((p) => (p.type === 'shell' ? p.config.inline : p.type))).toEqual([['echo aws-amazon-ebs'], 'file']);
    expect(uc?.postProcessors.map((s) => s.map((p) => p.config.output))).toEqual([['packer-manifest.json']]);
    expect(ec2?.postProcessors.map((s) => s.map((p) => p.config.output))).toEqual([['packer-manifest.json', 'm-aws.json']]);
  });

  it('weakly decodes interpolated numbers and booleans, and applies var overrides', () => {
    const text = json({
      variables: { bw: '20', private: 'false', region: null },
      builders: [ucloud({ region: '{{user `region`}}', availability_zone: '{{user `region`}}-02', eip_bandwidth: '{{user `bw`}}', use_ssh_private_ip: '{{user `private`}}', project_id: 'org-1' })],
    });
    expect(check(text).issues.map((i) => i.code)).toEqual(['VARIABLE_REQUIRED', 'BUILDER_OPTION_REQUIRED']); // region is empty
    const result = check(text, { vars: { region: 'cn-sh2' }, varFiles: [{ bw: 50 }] });
    expect(result.issues).toEqual([]);
    const b = result.template?.builds[0];
    if (b?.type !== 'ucloud-uhost') throw new Error('type');
    expect(b.config).toMatchObject({ region: 'cn-sh2', availability_zone: 'cn-sh2-02', eip_bandwidth: 50, use_ssh_private_ip: false });
  });

  it('checks files against the attachments and inputs when told which exist', () => {
    const text = template([ucloud()], { provisioners: [{ type: 'shell', script: 'scripts/setup.sh' }, { type: 'file', source: 'release/a.tgz', destination: '/tmp/a.tgz' }] });
    const result = check(text, { fileExists: (p) => p === 'release/a.tgz' });
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([['FILE_NOT_FOUND', '$.provisioners[0].script']]);
  });
});

describe('checkTemplate: field problem #4 (duplicate builder names)', () => {
  it('explains the exact fix', () => {
    const text = template([ucloud({ name: undefined }), ucloud({ name: undefined, region: 'cn-sh2', availability_zone: 'cn-sh2-01' })]);
    const issue = byCode(check(text).issues, 'BUILDER_NAME_DUPLICATE');
    expect(issue.path).toBe('$.builders[1]');
    expect(issue.message).toContain("builder with name 'ucloud-uhost' already exists");
    expect(issue.hint).toContain('"name": "ucloud-uhost-2"');
  });
});

describe('checkTemplate: field problem #3 (boot disk type missing in a region)', () => {
  it('cn-gd has no cloud_ssd (the default): suggests an offered type or building in a cn- region and copying', () => {
    const text = template([ucloud({ region: 'cn-gd', availability_zone: 'cn-gd-02' })]);
    const issue = byCode(check(text, inventory).issues, 'BOOT_DISK_TYPE_UNAVAILABLE');
    expect(issue.params).toMatchObject({ region: 'cn-gd', zone: 'cn-gd-02', diskType: 'cloud_ssd', offered: 'local_normal, local_ssd', suggestedType: 'local_ssd', suggestedRegion: 'cn-bj2', suggestedZone: 'cn-bj2-02' });
    expect(issue.message).toContain('cn-gd-02');
    expect(issue.hint).toContain('"boot_disk_type": "local_ssd"');
    expect(issue.hint).toContain('cn-bj2');
    expect(issue.hint).toContain('"image_copy_to_mappings": [{"project_id": "{{user `project`}}", "region": "cn-gd"}]');
  });

  it('an explicit cloud_ssd in th-bkk points at boot_disk_type; C hosts there get no suggested type', () => {
    const text = template([ucloud({ region: 'th-bkk', availability_zone: 'th-bkk-02', boot_disk_type: 'cloud_ssd', instance_type: 'c-basic-2' })]);
    const issue = byCode(check(text, inventory).issues, 'BOOT_DISK_TYPE_UNAVAILABLE');
    expect(issue.path).toBe('$.builders[0].boot_disk_type');
    expect(issue.params).toMatchObject({ suggestedType: '', suggestedRegion: 'sg' });
    expect(issue.hint).toContain('build in sg');
  });

  it('no issue where the disk exists', () => {
    expect(check(template([ucloud({ region: 'cn-gd', availability_zone: 'cn-gd-02', boot_disk_type: 'local_normal' })]), inventory).issues).toEqual([]);
  });
});

describe('checkTemplate: field problem #2 (image does not fit the host type)', () => {
  it('UCloud hk: an Intel-only image on AMD-only N hosts → build nearby and copy with image_copy_to_mappings', () => {
    const text = template([ucloud({ region: 'hk', availability_zone: 'hk-02', source_image_id: 'uimage-centos7' })]);
    const issue = byCode(check(text, inventory).issues, 'IMAGE_HOST_TYPE_MISMATCH');
    expect(issue.path).toBe('$.builders[0].source_image_id');
    // cn-gd is nearest but lacks the default cloud_ssd boot disk, so the next neighbour that fits is chosen.
    expect(issue.params).toMatchObject({ reason: 'cpu-platform', hostPlatforms: 'Amd/Epyc2', suggestedRegion: 'cn-sh2', suggestedZone: 'cn-sh2-01' });
    expect(issue.hint).toContain('cn-sh2');
    expect(issue.hint).toContain('"image_copy_to_mappings": [{"project_id": "{{user `project`}}", "region": "hk"}]');
    expect(issue.hint).toContain('CentOS 7.9');
  });

  it('UCloud hk with a local disk: the nearest neighbour cn-gd fits', () => {
    const text = template([ucloud({ region: 'hk', availability_zone: 'hk-02', source_image_id: 'uimage-centos7', boot_disk_type: 'local_normal' })]);
    expect(byCode(check(text, inventory).issues, 'IMAGE_HOST_TYPE_MISMATCH').params['suggestedRegion']).toBe('cn-gd');
  });

  it('UCloud hk: an image for any platform is fine; C hosts are not offered there', () => {
    expect(check(template([ucloud({ region: 'hk', availability_zone: 'hk-02', source_image_id: 'uimage-ubuntu22' })]), inventory).issues).toEqual([]);
    const issue = byCode(check(template([ucloud({ region: 'hk', availability_zone: 'hk-02', instance_type: 'c-basic-2' })]), inventory).issues, 'INSTANCE_TYPE_UNAVAILABLE');
    // cn-gd has C hosts but not the default cloud_ssd disk, so cn-sh2 is suggested.
    expect(issue.params).toMatchObject({ offered: 'N, O', suggestedRegion: 'cn-sh2' });
  });

  it('AWS sa-east-1: a Nitro type with a no-ENA AMI → build in us-east-1 and copy with ami_regions, or use t2', () => {
    const text = template([aws({ region: 'sa-east-1', source_ami: 'ami-0sa0noena0000000' })]);
    const issue = byCode(check(text, inventory).issues, 'IMAGE_HOST_TYPE_MISMATCH');
    expect(issue.path).toBe('$.builders[0].source_ami');
    expect(issue.params).toMatchObject({ reason: 'ena', instanceType: 't3.small', suggestedRegion: 'us-east-1', suggestedType: 't2.small' });
    expect(issue.hint).toContain('"ami_regions": ["sa-east-1"]');
    expect(issue.hint).toContain('"instance_type": "t2.small"');
    expect(check(template([aws({ region: 'sa-east-1', source_ami: 'ami-0sa0noena0000000', instance_type: 't2.small' })]), inventory).issues).toEqual([]);
  });

  it('AWS: an instance type the region does not offer → a region that does + ami_regions', () => {
    const issue = byCode(check(template([aws({ region: 'sa-east-1', instance_type: 't4g.small' })]), inventory).issues, 'INSTANCE_TYPE_UNAVAILABLE');
    expect(issue.params).toMatchObject({ instanceType: 't4g.small', suggestedRegion: 'us-east-1' });
    expect(issue.hint).toContain('"ami_regions": ["sa-east-1"]');
  });
});

describe('checkTemplate: regions the account does not have', () => {
  it('build region, zone and copy targets', () => {
    const text = template([
      ucloud({ region: 'cn-xx', availability_zone: 'cn-xx-01' }),
      ucloud({ name: 'u2', availability_zone: 'cn-bj2-09', image_copy_to_mappings: [{ project_id: 'org-1', region: 'mars-1' }] }),
      aws({ ami_regions: ['us-east-2', 'eu-nowhere-1'] }),
    ]);
    const issues = check(text, inventory).issues.map((i) => [i.code, i.path]);
    expect(issues).toEqual([
      ['REGION_UNKNOWN', '$.builders[0].region'],
      ['ZONE_UNKNOWN', '$.builders[1].availability_zone'],
      ['COPY_REGION_UNKNOWN', '$.builders[1].image_copy_to_mappings[0].region'],
      ['COPY_REGION_UNKNOWN', '$.builders[2].ami_regions[1]'],
    ]);
  });
});

describe('checkTemplate: levels', () => {
  it('tags every issue with its level and stops after the level asked for', () => {
    const text = template([ucloud({ boot_disk_type: 'ssd' }), { type: 'docker' }]);
    const all = check(text).issues.map((i) => [i.code, i.level]);
    expect(all).toEqual([['BUILDER_OPTION_INVALID', 'options'], ['BUILDER_TYPE_UNKNOWN', 'structure']]);
    expect(checkTemplate(text, { upTo: 'structure' }).issues.map((i) => i.code)).toEqual(['BUILDER_TYPE_UNKNOWN']);
    const syntax = checkTemplate('{"builders": [ {"type": "docker"} }', { upTo: 'files' }).issues;
    expect(syntax.length).toBeGreaterThan(0);
    expect(new Set(syntax.map((i) => `${i.code}/${i.level}`))).toEqual(new Set(['JSON_SYNTAX/syntax']));
  });

  it('checks no region facts of a builder an earlier level refused, but all of an independent one', () => {
    const bad = ucloud({ name: 'bad', region: 'cn-gd', availability_zone: 'cn-gd-02', bootdisk_type: 'x' });
    const good = ucloud({ name: 'good', region: 'cn-gd', availability_zone: 'cn-gd-02' });
    const issues = check(template([bad, good]), inventory).issues;
    expect(issues.map((i) => [i.code, i.path, i.level])).toEqual([
      ['BUILDER_OPTION_UNKNOWN', '$.builders[0].bootdisk_type', 'options'],
      ['BOOT_DISK_TYPE_UNAVAILABLE', '$.builders[1].availability_zone', 'regions'],
    ]);
  });
});

describe('checkTemplate: concrete replacements and applicable fixes', () => {
  it('#2 on UCloud names the newest image of the same OS family and version that boots on the hosts', () => {
    const text = template([ucloud({ region: 'hk', availability_zone: 'hk-02', source_image_id: 'uimage-centos7' })]);
    const issue = byCode(check(text, inventory).issues, 'IMAGE_HOST_TYPE_MISMATCH');
    expect(issue.params['suggestedImage']).toBe('uimage-centos79-any');
    expect(issue.hint).toContain('"source_image_id": "uimage-centos79-any"');
    expect(issue.fixes?.map((f) => f.hintKey)).toEqual(['replaceImage', 'buildAndCopyUcloud']);
    expect(issue.fixes?.[0]).toMatchObject({ params: { imageId: 'uimage-centos79-any', region: 'hk' }, edits: [{ path: ['builders', 0, 'source_image_id'], value: 'uimage-centos79-any' }] });
  });

  it('#2 on AWS names an ENA AMI of the same OS in the region, and a type without ENA', () => {
    const issue = byCode(check(template([aws({ region: 'sa-east-1', source_ami: 'ami-0sa0noena0000000' })]), inventory).issues, 'IMAGE_HOST_TYPE_MISMATCH');
    expect(issue.params['suggestedImage']).toBe('ami-0sa0ena000000000');
    expect(issue.fixes?.map((f) => f.hintKey)).toEqual(['replaceImage', 'buildAndCopyAwsFrom', 'useInstanceType']);
  });

  it('#3 offers a local disk type and building elsewhere, the disk fix as an edit', () => {
    const text = template([ucloud({ region: 'cn-gd', availability_zone: 'cn-gd-02', boot_disk_type: 'cloud_ssd' })]);
    const issue = byCode(check(text, inventory).issues, 'BOOT_DISK_TYPE_UNAVAILABLE');
    expect(issue.fixes?.[0]).toEqual({ hintKey: 'setDiskType', params: { diskType: 'local_ssd', zone: 'cn-gd-02' }, edits: [{ path: ['builders', 0, 'boot_disk_type'], value: 'local_ssd' }] });
    expect(issue.fixes?.[1]).toMatchObject({ hintKey: 'buildAndCopyUcloud', params: { region: 'cn-bj2', target: 'cn-gd' } });
  });
});
