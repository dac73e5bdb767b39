// Where each builder sits in the editor's text, and how to set its base image there: the
// picker's per-builder buttons, the CodeMirror action on source_image_id / source_ami, and the
// edit a pick makes. Reads broken JSON as far as it goes (jsonc-parser's tree is tolerant).
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { TCloudKind } from '@/server/api/schemas/clouds';

export type ImageField = 'source_image_id' | 'source_ami';

export interface LocatedBuilder {
  index: number;
  name: string;
  type: string;
  cloud: TCloudKind;
  imageField: ImageField;
  /** Literal values ({{user `x`}} with a literal default counts); null when unknown. */
  region: string | null;
  zone: string | null;
  instanceType: string | null;
  /** The base image as written (a string), or null when the field is absent or not a string. */
  image: string | null;
  /** The builder object's range in the text. */
  from: number;
  to: number;
  /** The image field's value node (quotes included), when the field exists. */
  imageValue: { from: number; to: number } | null;
}

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

const CLOUDS: Record<string, { cloud: TCloudKind; imageField: ImageField }> = {
  'ucloud-uhost': { cloud: 'ucloud', imageField: 'source_image_id' },
  'amazon-ebs': { cloud: 'aws', imageField: 'source_ami' },
};
const USER_VAR = /^\{\{\s*user\s+`([^`]+)`\s*\}\}$/;

function tree(text: string): Node | undefined {
  try {
    return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  } catch {
    // Absurdly deep input overflows jsonc-parser's recursion: nothing to locate.
    return undefined;
  }
}

const stringAt = (obj: Node, key: string): string | null => {
  const node = findNodeAtLocation(obj, [key]);
  return node?.type === 'string' && typeof node.value === 'string' ? node.value : null;
};

/** The ucloud-uhost and amazon-ebs builders of a template text, in order. */
export function locateBuilders(text: string): LocatedBuilder[] {
  const root = tree(text);
  if (root?.type !== 'object') return [];
  const list = findNodeAtLocation(root, ['builders']);
  if (list?.type !== 'array') return [];
  const variables = findNodeAtLocation(root, ['variables']);
  const literal = (v: string | null): string | null => {
    if (!v) return null;
    const user = USER_VAR.exec(v);
    if (user) {
      const value = variables?.type === 'object' ? stringAt(variables, user[1] ?? '') : null;
      return value && !value.includes('{{') ? value : null;
    }
    return v.includes('{{') ? null : v;
  };
  const out: LocatedBuilder[] = [];
  (list.children ?? []).forEach((b, index) => {
    if (b.type !== 'object') return;
    const type = stringAt(b, 'type') ?? '';
    const known = CLOUDS[type];
    if (!known) return;
    const valueNode = findNodeAtLocation(b, [known.imageField]);
    out.push({
      index,
      name: stringAt(b, 'name') || type,
      type,
      cloud: known.cloud,
      imageField: known.imageField,
      region: literal(stringAt(b, 'region')),
      zone: literal(stringAt(b, 'availability_zone')),
      instanceType: literal(stringAt(b, 'instance_type')),
      image: stringAt(b, known.imageField),
      from: b.offset,
      to: b.offset + b.length,
      imageValue: valueNode ? { from: valueNode.offset, to: valueNode.offset + valueNode.length } : null,
    });
  });
  return out;
}

/** The builder whose object contains the offset (the cursor). */
export function builderAt(builders: LocatedBuilder[], offset: number): LocatedBuilder | undefined {
  return builders.find((b) => offset > b.from && offset < b.to);
}

/**
 * The edit that sets a builder's base image: replaces the value when the field exists (whatever
 * it holds), else adds the field after the builder's last property, indented like it.
 */
export function imageChange(text: string, builder: LocatedBuilder, imageId: string): TextChange {
  const value = JSON.stringify(imageId);
  if (builder.imageValue) return { ...builder.imageValue, insert: value };
  const root = tree(text);
  const node = root ? findNodeAtLocation(root, ['builders', builder.index]) : undefined;
  const last = node?.children?.at(-1);
  const field = `${JSON.stringify(builder.imageField)}: ${value}`;
  if (!node || !last) {
    // An empty object "{}": put the field inside it, on its own line.
    const lineStart = text.lastIndexOf('\n', builder.from - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
    return { from: builder.from + 1, to: builder.from + 1, insert: `\n${indent}  ${field}\n${indent}` };
  }
  const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
  const before = text.slice(lineStart, last.offset);
  const onOwnLine = /^[ \t]*$/.test(before);
  const end = last.offset + last.length;
  return { from: end, to: end, insert: onOwnLine ? `,\n${before}${field}` : `, ${field}` };
}

/** Image ids a template text mentions (UCloud uimage-…, EC2 ami-…), at most `max`, in order of appearance. */
export function imageIdsIn(text: string, max = 100): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/"(uimage-[a-z0-9]+|ami-[0-9a-f]{8,17})"/g)) {
    ids.add(m[1] as string);
    if (ids.size >= max) break;
  }
  return [...ids];
}

/** The image id string under an offset (for the hover), with its range without the quotes. */
export function imageIdAt(text: string, offset: number): { id: string; from: number; to: number } | null {
  const start = Math.max(0, offset - 40);
  const window = text.slice(start, offset + 40);
  for (const m of window.matchAll(/"(uimage-[a-z0-9]+|ami-[0-9a-f]{8,17})"/g)) {
    const from = start + (m.index ?? 0) + 1;
    const to = from + (m[1] as string).length;
    if (offset >= from && offset <= to) return { id: m[1] as string, from, to };
  }
  return null;
}
