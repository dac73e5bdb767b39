import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_CHECK_ISSUE_CODES } from '@/server/engine/template/validate';
import en from './messages/en.json';
import zh from './messages/zh-CN.json';

type Tree = { [key: string]: string | string[] | Tree };

/** Every leaf as "a.b.c" → text; arrays keep their length in the key so a missing item shows. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else if (Array.isArray(value)) value.forEach((v, i) => out.set(`${path}[${i}]`, v));
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

function argumentsOf(elements: MessageFormatElement[], found = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) found.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      found.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, found);
    }
    if (el.type === TYPE.tag) argumentsOf(el.children, found);
  }
  return found;
}

const EN = leaves(en as Tree);
const ZH = leaves(zh as Tree);

describe('UI messages', () => {
  it('has every English key in Chinese, and no Chinese key that English lacks', () => {
    expect([...EN.keys()].filter((k) => !ZH.has(k)), 'missing in zh-CN').toEqual([]);
    expect([...ZH.keys()].filter((k) => !EN.has(k)), 'missing in en').toEqual([]);
  });

  it('uses the same placeholders in both languages, in valid ICU syntax', () => {
    const mismatches: string[] = [];
    for (const [key, text] of EN) {
      const other = ZH.get(key);
      if (other === undefined) continue;
      const a = [...argumentsOf(parse(text))].sort().join(',');
      const b = [...argumentsOf(parse(other))].sort().join(',');
      if (a !== b) mismatches.push(`${key}: en {${a}} vs zh-CN {${b}}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('has no empty message', () => {
    expect([...EN, ...ZH].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
  });

  it('has a message for every code the template check can report, in both languages', () => {
    const missing = TEMPLATE_CHECK_ISSUE_CODES.flatMap((code) =>
      [['en', en], ['zh-CN', zh]].flatMap(([lang, tree]) => (leaves(tree as Tree).has(`validation.${code}.message`) ? [] : [`${lang as string}: validation.${code}.message`])),
    );
    expect(missing).toEqual([]);
  });
});
