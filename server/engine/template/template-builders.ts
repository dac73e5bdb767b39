// Where a template's builders build and from which base image, read from its body without
// checking it: the template list shows clouds/regions and "newer base image available" for every
// stored version, drafts included, so this never throws and reads what it can of broken JSON.
import { parse, type ParseError } from 'jsonc-parser';
import type { CloudKind } from '@/server/clouds/provider';

export interface TemplateBuilderRef {
  /** Position in "builders". */
  index: number;
  /** The builder's name, else its type (what Packer calls it in its output). */
  name: string;
  type: string;
  /** null: a builder type the console does not build with. */
  cloud: CloudKind | null;
  /** Literal values only (a `{{user `x`}}` whose default is a literal counts); null when unknown. */
  region: string | null;
  zone: string | null;
  instanceType: string | null;
  /** The option naming the base image for this builder type. */
  imageField: 'source_image_id' | 'source_ami' | null;
  sourceImage: string | null;
}

const CLOUD_OF: Record<string, { cloud: CloudKind; imageField: 'source_image_id' | 'source_ami' }> = {
  'ucloud-uhost': { cloud: 'ucloud', imageField: 'source_image_id' },
  'amazon-ebs': { cloud: 'aws', imageField: 'source_ami' },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const USER_VAR = /^\{\{\s*user\s+`([^`]+)`\s*\}\}$/;

/** The builders of a template body; [] when there is nothing readable. Never throws. */
export function listTemplateBuilders(body: string): TemplateBuilderRef[] {
  let json: unknown;
  try {
    const errors: ParseError[] = [];
    // Tolerant: a half-typed or broken body still yields the builders that parse.
    json = parse(body, errors, { allowTrailingComma: true, disallowComments: false });
  } catch {
    // jsonc-parser recurses per nesting level: absurdly deep input overflows the stack.
    return [];
  }
  if (!isObject(json) || !Array.isArray(json['builders'])) return [];
  const variables = isObject(json['variables']) ? json['variables'] : {};
  const literal = (v: unknown): string | null => {
    if (typeof v !== 'string' || v === '') return null;
    const user = USER_VAR.exec(v);
    if (user) {
      const value = variables[user[1] ?? ''];
      return typeof value === 'string' && value !== '' && !value.includes('{{') ? value : null;
    }
    return v.includes('{{') ? null : v;
  };
  const out: TemplateBuilderRef[] = [];
  json['builders'].forEach((b, index) => {
    if (!isObject(b)) return;
    const type = typeof b['type'] === 'string' ? b['type'] : '';
    const known = CLOUD_OF[type];
    const name = typeof b['name'] === 'string' && b['name'] !== '' ? b['name'] : type || `#${index + 1}`;
    out.push({
      index,
      name,
      type,
      cloud: known?.cloud ?? null,
      region: literal(b['region']),
      zone: literal(b['availability_zone']),
      instanceType: literal(b['instance_type']),
      imageField: known?.imageField ?? null,
      sourceImage: known ? literal(b[known.imageField]) : null,
    });
  });
  return out;
}
