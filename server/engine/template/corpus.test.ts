// A corpus of broken templates: each must yield its own specific issue (code and JSON path),
// and none may make the engine throw.
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import en from '@/server/i18n/messages/en.json';
import zh from '@/server/i18n/messages/zh-CN.json';
import { checkTemplate, type CheckTemplateContext } from './check-template';
import { inventory } from './__fixtures__/regions';

type Obj = Record<string, unknown>;

const UC: Obj = {
  name: 'uc', type: 'ucloud-uhost', region: 'cn-bj2', availability_zone: 'cn-bj2-02', instance_type: 'n-basic-2',
  source_image_id: 'uimage-vmy3ld', image_name: 'rome-{{timestamp}}',
};
const AWS: Obj = {
  name: 'aws', type: 'amazon-ebs', region: 'us-east-1', instance_type: 't3.small', source_ami: 'ami-0c7217cdde317cfec',
  ssh_username: 'ubuntu', ami_name: 'rome-{{timestamp}}',
};
const SHELL: Obj = { type: 'shell', inline: ['true'] };

/** Applies `patch` to a copy of `base`; a value of undefined deletes the key. */
const patch = (base: Obj, p: Obj): Obj => {
  const out = { ...base, ...p };
  for (const [k, v] of Object.entries(p)) if (v === undefined) delete out[k];
  return out;
};

interface Case {
  name: string;
  template?: Obj;
  text?: string;
  uc?: Obj;
  aws?: Obj;
  provisioner?: Obj;
  postProcessor?: unknown;
  ctx?: CheckTemplateContext;
  /** The one issue expected: [code, path]. */
  expect: [string, string];
}

const cases: Case[] = [
  // Interpolation
  { name: 'unknown function', uc: { image_name: 'rome-{{ timestmp }}' }, expect: ['INTERPOLATION_UNKNOWN_FUNCTION', '$.builders[0].image_name'] },
  { name: 'unknown function in a pipe', aws: { ami_description: '{{ user `v` | upper | shout }}' }, expect: ['INTERPOLATION_UNKNOWN_FUNCTION', '$.builders[1].ami_description'] },
  { name: 'unknown variable', uc: { image_description: '{{user `service_versoin`}}' }, expect: ['INTERPOLATION_UNKNOWN_VARIABLE', '$.builders[0].image_description'] },
  { name: 'env outside variable defaults', aws: { access_key: '{{env `AWS_ACCESS_KEY_ID`}}', secret_key: 'x' }, expect: ['INTERPOLATION_ENV_NOT_ALLOWED', '$.builders[1].access_key'] },
  { name: 'unterminated {{', uc: { image_name: 'rome-{{timestamp' }, expect: ['INTERPOLATION_SYNTAX', '$.builders[0].image_name'] },
  { name: 'Go control block', provisioner: { type: 'shell', inline: ['{{ if true }}x'] }, expect: ['INTERPOLATION_SYNTAX', '$.provisioners[0].inline[0]'] },
  { name: 'unsupported function (vault)', uc: { ssh_password: '{{ vault `secret/x` `pw` }}' }, expect: ['INTERPOLATION_UNSUPPORTED_FUNCTION', '$.builders[0].ssh_password'] },
  { name: 'builder data where Packer has none (ami_name)', aws: { ami_name: 'rome-{{ .SourceAMIName }}' }, expect: ['INTERPOLATION_UNKNOWN_FIELD', '$.builders[1].ami_name'] },
  { name: 'unknown builder data in tags', aws: { tags: { Base: '{{ .SourceImage }}' } }, expect: ['INTERPOLATION_UNKNOWN_FIELD', '$.builders[1].tags.Base'] },
  { name: 'ucloud has no template data', uc: { image_description: 'from {{ .SourceImageId }}' }, expect: ['INTERPOLATION_UNKNOWN_FIELD', '$.builders[0].image_description'] },
  { name: 'isotime with a number', uc: { image_name: 'rome-{{isotime 2006}}' }, expect: ['INTERPOLATION_ARGUMENTS', '$.builders[0].image_name'] },
  { name: 'user without a name', aws: { ami_description: '{{user}}' }, expect: ['INTERPOLATION_ARGUMENTS', '$.builders[1].ami_description'] },
  { name: 'unknown generated data in a provisioner', provisioner: { type: 'shell', inline: ['echo {{ build `Nope` }}'] }, expect: ['INTERPOLATION_UNKNOWN_FIELD', '$.provisioners[0].inline[0]'] },
  { name: 'shell data outside execute_command', provisioner: { type: 'shell', inline: ['sh {{ .Path }}'] }, expect: ['INTERPOLATION_UNKNOWN_FIELD', '$.provisioners[0].inline[0]'] },
  // Variables
  { name: 'build_name in a variable default', template: { variables: { v: '1', n: '{{build_name}}' } }, expect: ['INTERPOLATION_NOT_AVAILABLE', '$.variables.n'] },
  { name: 'required variable not given', template: { variables: { v: '1', region: null } }, expect: ['VARIABLE_REQUIRED', '$.variables.region'] },
  { name: 'sensitive variable not declared', template: { variables: { v: '1' }, 'sensitive-variables': ['secret'] }, expect: ['VARIABLE_UNDECLARED', '$.sensitive-variables[0]'] },
  { name: 'variable defaults in a loop', template: { variables: { v: '1', a: '{{user `b`}}', b: '{{user `a`}}' } }, expect: ['VARIABLE_CYCLE', '$.variables.a'] },
  { name: '--var for an undeclared variable', ctx: { vars: { nope: '1' } }, expect: ['VARIABLE_UNDECLARED', '$.variables'] },
  // ucloud-uhost options
  { name: 'ucloud: image_name missing', uc: { image_name: undefined }, expect: ['BUILDER_OPTION_REQUIRED', '$.builders[0].image_name'] },
  { name: 'ucloud: source_image_id empty', uc: { source_image_id: '' }, expect: ['BUILDER_OPTION_REQUIRED', '$.builders[0].source_image_id'] },
  { name: 'ucloud: unknown option', uc: { bootdisk_type: 'cloud_ssd' }, expect: ['BUILDER_OPTION_UNKNOWN', '$.builders[0].bootdisk_type'] },
  { name: 'ucloud: boot_disk_type not in the list', uc: { boot_disk_type: 'cloud_hdd' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].boot_disk_type'] },
  { name: 'ucloud: instance_type cpu too high', uc: { instance_type: 'n-highcpu-33' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].instance_type'] },
  { name: 'ucloud: customized size that is a named one', uc: { instance_type: 'n-customized-1-2' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].instance_type'] },
  { name: 'ucloud: o host with 6 cpus', uc: { instance_type: 'o-standard-6', boot_disk_type: 'cloud_rssd' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].instance_type'] },
  { name: 'ucloud: eip_charge_mode', uc: { eip_charge_mode: 'monthly' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].eip_charge_mode'] },
  { name: 'ucloud: eip_bandwidth not a number', uc: { eip_bandwidth: 'ten' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].eip_bandwidth'] },
  { name: 'ucloud: image_name charset', uc: { image_name: 'rome access #1' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].image_name'] },
  { name: 'ucloud: vpc_id without subnet_id', uc: { vpc_id: 'uvnet-1' }, expect: ['OPTIONS_TOGETHER', '$.builders[0].subnet_id'] },
  { name: 'ucloud: use_ssh_private_ip without vpc', uc: { use_ssh_private_ip: true }, expect: ['OPTIONS_TOGETHER', '$.builders[0].use_ssh_private_ip'] },
  { name: 'ucloud: copy mapping without region', uc: { image_copy_to_mappings: [{ project_id: 'org-1' }] }, expect: ['BUILDER_OPTION_REQUIRED', '$.builders[0].image_copy_to_mappings[0].region'] },
  { name: 'ucloud: copy mapping with an unknown key', uc: { image_copy_to_mappings: [{ project_id: 'org-1', region: 'hk', zone: 'hk-02' }] }, expect: ['BUILDER_OPTION_UNKNOWN', '$.builders[0].image_copy_to_mappings[0].zone'] },
  { name: 'ucloud: weak ssh_password', uc: { ssh_password: 'password' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].ssh_password'] },
  { name: 'ucloud: credentials profile on the server', uc: { profile: 'default' }, expect: ['BUILDER_OPTION_NOT_SUPPORTED', '$.builders[0].profile'] },
  { name: 'ucloud: min_cpu_platform', uc: { min_cpu_platform: 'Intel/Pentium' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].min_cpu_platform'] },
  { name: 'ucloud: O host on the default cloud_ssd', uc: { instance_type: 'o-standard-4' }, expect: ['BOOT_DISK_TYPE_MACHINE_MISMATCH', '$.builders[0].instance_type'] },
  { name: 'ucloud: user_data_file outside the build folder', uc: { user_data_file: '/etc/passwd' }, expect: ['FILE_PATH_NOT_ALLOWED', '$.builders[0].user_data_file'] },
  { name: 'ucloud: wait_image_ready_timeout as a duration', uc: { wait_image_ready_timeout: '1h' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[0].wait_image_ready_timeout'] },
  { name: 'ucloud: user_data and user_data_file', uc: { user_data: 'x', user_data_file: 'u.sh' }, expect: ['OPTIONS_EXCLUSIVE', '$.builders[0].user_data_file'] },
  // amazon-ebs options
  { name: 'aws: neither source_ami nor filter', aws: { source_ami: undefined }, expect: ['BUILDER_OPTION_REQUIRED', '$.builders[1]'] },
  { name: 'aws: source_ami_filter without owners', aws: { source_ami: undefined, source_ami_filter: { filters: { name: 'ubuntu/*' }, most_recent: true } }, expect: ['BUILDER_OPTION_REQUIRED', '$.builders[1].source_ami_filter.owners'] },
  { name: 'aws: source_ami_filter with empty owners', aws: { source_ami: undefined, source_ami_filter: { filters: { name: 'ubuntu/*' }, owners: [] } }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].source_ami_filter.owners'] },
  { name: 'aws: ami_name too short', aws: { ami_name: 'ab' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].ami_name'] },
  { name: 'aws: ami_name charset', aws: { ami_name: 'rome#{{timestamp}}' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].ami_name'] },
  { name: 'aws: ssh_timeout not a Go duration', aws: { ssh_timeout: '5 minutes' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].ssh_timeout'] },
  { name: 'aws: communicator', aws: { communicator: 'telnet' }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].communicator'] },
  { name: 'aws: access_key without secret_key', aws: { access_key: 'AKIA' }, expect: ['OPTIONS_TOGETHER', '$.builders[1].access_key'] },
  { name: 'aws: security_group_id and security_group_ids', aws: { security_group_id: 'sg-1', security_group_ids: ['sg-2'] }, expect: ['OPTIONS_EXCLUSIVE', '$.builders[1].security_group_ids'] },
  { name: 'aws: unknown option ami_region', aws: { ami_region: ['us-west-2'] }, expect: ['BUILDER_OPTION_UNKNOWN', '$.builders[1].ami_region'] },
  { name: 'aws: bad CIDR', aws: { temporary_security_group_source_cidrs: ['10.0.0.0/33'] }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].temporary_security_group_source_cidrs[0]'] },
  { name: 'aws: volume_type', aws: { launch_block_device_mappings: [{ device_name: '/dev/sda1', volume_type: 'ssd' }] }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].launch_block_device_mappings[0].volume_type'] },
  { name: 'aws: no ssh_username', aws: { ssh_username: undefined }, expect: ['BUILDER_OPTION_REQUIRED', '$.builders[1]'] },
  { name: 'aws: shared_credentials_file', aws: { shared_credentials_file: '/root/.aws/credentials' }, expect: ['BUILDER_OPTION_NOT_SUPPORTED', '$.builders[1].shared_credentials_file'] },
  { name: 'aws: ssh_port out of range', aws: { ssh_port: 70000 }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].ssh_port'] },
  { name: 'aws: tags not strings', aws: { tags: { Name: { nested: true } } }, expect: ['BUILDER_OPTION_INVALID', '$.builders[1].tags.Name'] },
  // Provisioners
  { name: 'shell: inline and script', provisioner: { type: 'shell', inline: ['a'], script: 's.sh' }, expect: ['OPTIONS_EXCLUSIVE', '$.provisioners[0].script'] },
  { name: 'shell: nothing to run', provisioner: { type: 'shell', environment_vars: ['A=1'] }, expect: ['OPTIONS_EXCLUSIVE', '$.provisioners[0]'] },
  { name: 'shell: script from the server', provisioner: { type: 'shell', script: '/etc/shadow' }, expect: ['FILE_PATH_NOT_ALLOWED', '$.provisioners[0].script'] },
  { name: 'shell: environment var without =', provisioner: { type: 'shell', inline: ['a'], environment_vars: ['NOEQUALS'] }, expect: ['PROVISIONER_OPTION_INVALID', '$.provisioners[0].environment_vars[0]'] },
  { name: 'shell: valid_exit_codes not numbers', provisioner: { type: 'shell', inline: ['a'], valid_exit_codes: ['ok'] }, expect: ['PROVISIONER_OPTION_INVALID', '$.provisioners[0].valid_exit_codes[0]'] },
  { name: 'shell: pause_before without a unit', provisioner: { type: 'shell', inline: ['a'], pause_before: '10' }, expect: ['PROVISIONER_OPTION_INVALID', '$.provisioners[0].pause_before'] },
  { name: 'shell: max_retries negative', provisioner: { type: 'shell', inline: ['a'], max_retries: -1 }, expect: ['PROVISIONER_OPTION_INVALID', '$.provisioners[0].max_retries'] },
  { name: 'shell: unknown option', provisioner: { type: 'shell', inlines: ['a'], inline: ['b'] }, expect: ['PROVISIONER_OPTION_UNKNOWN', '$.provisioners[0].inlines'] },
  { name: 'file: source and content', provisioner: { type: 'file', source: 'a', content: 'b', destination: '/tmp/a' }, expect: ['OPTIONS_EXCLUSIVE', '$.provisioners[0].content'] },
  { name: 'file: no destination', provisioner: { type: 'file', source: 'a' }, expect: ['PROVISIONER_OPTION_REQUIRED', '$.provisioners[0].destination'] },
  { name: 'file: climbing out of the build folder', provisioner: { type: 'file', source: 'release/../../etc/passwd', destination: '/tmp/p' }, expect: ['FILE_PATH_NOT_ALLOWED', '$.provisioners[0].source'] },
  { name: 'file: download to the server', provisioner: { type: 'file', source: '/var/log/syslog', destination: '/tmp/syslog', direction: 'download' }, expect: ['FILE_PATH_NOT_ALLOWED', '$.provisioners[0].destination'] },
  { name: 'file: direction', provisioner: { type: 'file', source: 'a', destination: '/tmp/a', direction: 'sideways' }, expect: ['PROVISIONER_OPTION_INVALID', '$.provisioners[0].direction'] },
  { name: 'provisioner type unknown', provisioner: { type: 'ansible', playbook_file: 'p.yml' }, expect: ['PROVISIONER_TYPE_UNKNOWN', '$.provisioners[0].type'] },
  { name: 'only names an unknown builder', provisioner: { type: 'shell', inline: ['a'], only: ['ucloud-cn-bj2'] }, expect: ['BUILD_FILTER_UNKNOWN_BUILDER', '$.provisioners[0].only[0]'] },
  { name: 'override names an unknown builder', provisioner: { type: 'shell', inline: ['a'], override: { 'aws-us-east-1': { inline: ['b'] } } }, expect: ['BUILD_FILTER_UNKNOWN_BUILDER', '$.provisioners[0].override.aws-us-east-1'] },
  { name: 'only and except together', provisioner: { type: 'shell', inline: ['a'], only: ['uc'], except: ['aws'] }, expect: ['OPTIONS_EXCLUSIVE', '$.provisioners[0].except'] },
  // Post-processors
  { name: 'post-processor type unknown', postProcessor: 'checksum', expect: ['POST_PROCESSOR_TYPE_UNKNOWN', '$.post-processors[0]'] },
  { name: 'manifest: unknown option', postProcessor: { type: 'manifest', outptu: 'm.json' }, expect: ['POST_PROCESSOR_OPTION_UNKNOWN', '$.post-processors[0].outptu'] },
  { name: 'manifest: output on the server', postProcessor: { type: 'manifest', output: '/var/lib/m.json' }, expect: ['FILE_PATH_NOT_ALLOWED', '$.post-processors[0].output'] },
  { name: 'manifest: strip_path not a boolean', postProcessor: { type: 'manifest', strip_path: 'maybe' }, expect: ['POST_PROCESSOR_OPTION_INVALID', '$.post-processors[0].strip_path'] },
  { name: 'manifest in a sequence: except unknown', postProcessor: [{ type: 'manifest', except: ['nobody'] }], expect: ['BUILD_FILTER_UNKNOWN_BUILDER', '$.post-processors[0][0].except[0]'] },
  // Structure (validate.ts) and JSON
  { name: 'duplicate builder names (#4)', uc: { name: 'aws' }, expect: ['BUILDER_NAME_DUPLICATE', '$.builders[1].name'] },
  { name: 'unknown builder type', template: { builders: [{ type: 'googlecompute', name: 'g' }] }, expect: ['BUILDER_TYPE_UNKNOWN', '$.builders[0].type'] },
  { name: 'JSON trailing comma', text: '{ "builders": [ { "type": "ucloud-uhost" }, ] }', expect: ['JSON_SYNTAX', '$'] },
  { name: 'JSON comment', text: '{ // note\n "builders": [] }', expect: ['JSON_SYNTAX', '$'] },
  // Region capabilities (#2, #3) and account regions
  { name: 'boot disk missing in cn-gd (#3)', uc: { region: 'cn-gd', availability_zone: 'cn-gd-02' }, ctx: inventory, expect: ['BOOT_DISK_TYPE_UNAVAILABLE', '$.builders[0].availability_zone'] },
  { name: 'intel-only image in hk (#2)', uc: { region: 'hk', availability_zone: 'hk-03', source_image_id: 'uimage-centos7' }, ctx: inventory, expect: ['IMAGE_HOST_TYPE_MISMATCH', '$.builders[0].source_image_id'] },
  { name: 'no-ENA AMI with t3 in sa-east-1 (#2)', aws: { region: 'sa-east-1', source_ami: 'ami-0sa0noena0000000' }, ctx: inventory, expect: ['IMAGE_HOST_TYPE_MISMATCH', '$.builders[1].source_ami'] },
  { name: 'instance type not offered', aws: { instance_type: 'x9.huge' }, ctx: inventory, expect: ['INSTANCE_TYPE_UNAVAILABLE', '$.builders[1].instance_type'] },
  { name: 'unknown region', uc: { region: 'cn-xx', availability_zone: 'cn-xx-01' }, ctx: inventory, expect: ['REGION_UNKNOWN', '$.builders[0].region'] },
  { name: 'zone of another region', uc: { availability_zone: 'cn-sh2-01' }, ctx: inventory, expect: ['ZONE_UNKNOWN', '$.builders[0].availability_zone'] },
  { name: 'copy to a region the account lacks', aws: { ami_regions: ['ap-mars-1'] }, ctx: inventory, expect: ['COPY_REGION_UNKNOWN', '$.builders[1].ami_regions[0]'] },
];

function textOf(c: Case): string {
  if (c.text !== undefined) return c.text;
  const t: Obj = {
    variables: { v: '1' },
    builders: [patch(UC, c.uc ?? {}), patch(AWS, c.aws ?? {})],
    provisioners: [c.provisioner ?? SHELL],
    ...(c.postProcessor !== undefined ? { 'post-processors': [c.postProcessor] } : {}),
    ...c.template,
  };
  return JSON.stringify(t, null, 2);
}

describe('broken-template corpus', () => {
  it('has at least 40 distinct cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('the base template of the corpus is clean (with and without the inventory)', () => {
    const text = textOf({ name: 'base', expect: ['', ''] });
    expect(checkTemplate(text).issues).toEqual([]);
    expect(checkTemplate(text, inventory).issues).toEqual([]);
  });

  it.each(cases)('$name → $expect.0 at $expect.1', (c) => {
    const text = textOf(c);
    let result: ReturnType<typeof checkTemplate> | undefined;
    expect(() => (result = checkTemplate(text, { now: new Date('2024-05-01T00:00:00Z'), ...c.ctx }))).not.toThrow();
    const issues = result?.issues ?? [];
    expect(issues.map((i) => [i.code, i.path])).toEqual([c.expect]);
    const issue = issues[0];
    expect(result?.ok).toBe(false);
    expect(result?.template).toBeUndefined();
    expect(issue?.message.length).toBeGreaterThan(10);
    expect(issue?.line).toBeGreaterThan(0);
    expect(issue?.from).toBeGreaterThanOrEqual(0);
    expect(issue?.to).toBeGreaterThanOrEqual(issue?.from ?? 0);
    for (const v of Object.values(issue?.params ?? {})) expect(['string', 'number']).toContain(typeof v);
    // The UI translates the code with these params: every placeholder of both languages must be given.
    if (issue && issue.code !== 'JSON_SYNTAX') {
      for (const [lang, tree] of [['en', en], ['zh-CN', zh]] as const) {
        const texts = (tree.validation as Record<string, Record<string, unknown> | undefined>)[issue.code];
        expect(texts?.['message'], `${lang} validation.${issue.code}.message`).toBeDefined();
        for (const [part, text] of Object.entries(texts ?? {})) {
          if (typeof text !== 'string') continue;
          expect(() => new IntlMessageFormat(text, lang).format(issue.params), `${lang} validation.${issue.code}.${part}`).not.toThrow();
        }
      }
    }
  });

  it('survives hostile input', () => {
    const hostile = [
      '', 'null', '[]', '"x"', '{"builders": null}', '{"builders": [null, 1, "x", [], {}]}',
      '{"builders": [{"type": "ucloud-uhost", "image_copy_to_mappings": "x", "instance_type": 5}]}',
      '{"builders": [{"type": "amazon-ebs", "source_ami_filter": [], "tags": [], "ami_regions": {}}]}',
      '{"variables": {"a": [1]}, "builders": [{"type": "ucloud-uhost"}], "provisioners": [{"type": "shell", "override": 3, "only": {}}]}',
      '{"builders": [{"type": "ucloud-uhost", "image_name": "{{{{{{"}], "post-processors": [[["manifest"]], {"type": 1}]}',
      `{"builders": [{"type": "amazon-ebs", "ami_name": "${'{{ ('.repeat(200)}"}]}`,
      '[' .repeat(5000) + ']'.repeat(5000),
    ];
    for (const text of hostile) {
      expect(() => checkTemplate(text, inventory)).not.toThrow();
      expect(checkTemplate(text, inventory).ok).toBe(false);
    }
  });
});
