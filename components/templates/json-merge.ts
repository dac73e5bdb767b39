/**
 * Three-way merge of template JSON texts, used when a save is refused because
 * someone saved a newer version (TEMPLATE_VERSION_CONFLICT).
 *
 * The texts are merged by JSON path, not by line: objects by key, arrays of
 * named objects (builders, post-processors) by their `name` (else `type`),
 * other arrays by index. A change made on one side only is applied; the same
 * change made on both sides is taken once; different changes at one path are
 * conflicts the user decides, one by one. Pure: no React, no I/O.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A value, or `undefined` when the path is absent on that side. */
export type Value = Json | undefined;
export type Side = 'theirs' | 'mine';

/** A change taken automatically: `side` made it (or `both` made it identically). */
export type Change = { path: string; side: Side | 'both'; base: Value; theirs: Value; mine: Value };
/** A path both sides changed differently; the user picks one side. */
export type Conflict = { id: number; path: string; base: Value; theirs: Value; mine: Value };
export type ConflictChoices = Record<number, Side>;

export type MergeResult =
  | { kind: 'unparseable'; which: ('base' | 'theirs' | 'mine')[] }
  | {
      kind: 'merged';
      /** The merged text, or null while conflicts await a choice. */
      merged: string | null;
      autoMerged: Change[];
      conflicts: Conflict[];
      /** The merged text with each conflict settled by `choices` (a missing choice throws). */
      resolve: (choices: ConflictChoices) => string;
    };

/** A THEIR change that replacing their version with mine would undo. */
export type Reverted = { path: string; base: Value; theirs: Value; mine: Value };

export function mergeTemplates(base: string, theirs: string, mine: string): MergeResult {
  const parsed = parseAll(base, theirs, mine);
  if (parsed.kind === 'unparseable') return parsed;
  const ctx: MergeContext = { autoMerged: [], conflicts: [] };
  const tree = merge3(parsed.base, parsed.theirs, parsed.mine, [], ctx);
  const resolve = (choices: ConflictChoices): string => {
    for (const c of ctx.conflicts) {
      if (choices[c.id] !== 'theirs' && choices[c.id] !== 'mine') throw new Error(`No choice for the change at ${c.path}.`);
    }
    return format(settle(tree, ctx.conflicts, choices));
  };
  return {
    kind: 'merged',
    merged: ctx.conflicts.length === 0 ? format(settle(tree, [], {})) : null,
    autoMerged: ctx.autoMerged,
    conflicts: ctx.conflicts,
    resolve,
  };
}

/**
 * Their changes (base → theirs) that "keep mine" would revert: every path where
 * they changed something and mine holds a different value. Null when a text
 * does not parse (the caller then cannot promise anything and must say so).
 */
export function revertedBy(base: string, theirs: string, mine: string): Reverted[] | null {
  const parsed = parseAll(base, theirs, mine);
  if (parsed.kind === 'unparseable') return null;
  const out: Reverted[] = [];
  walkReverted(parsed.base, parsed.theirs, parsed.mine, [], out);
  return out;
}

/** How a path reads in the UI: builders[ucloud-hk].region, provisioners[0].inline. */
export function formatPath(path: readonly Segment[]): string {
  if (path.length === 0) return '$';
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'object') out += `[${s.key}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

// ---------------------------------------------------------------------------

type Segment = string | number | { key: string };
type MergeContext = { autoMerged: Change[]; conflicts: Conflict[] };

/** The placeholder a conflict leaves in the merged tree until it is settled. */
class Hole {
  constructor(readonly id: number) {}
}
type Tree = Json | Hole | undefined | Tree[] | { [key: string]: Tree };

type Parsed = { kind: 'ok'; base: Json; theirs: Json; mine: Json } | { kind: 'unparseable'; which: ('base' | 'theirs' | 'mine')[] };

function parseAll(base: string, theirs: string, mine: string): Parsed {
  const texts = { base, theirs, mine };
  const values: Partial<Record<keyof typeof texts, Json>> = {};
  const which: ('base' | 'theirs' | 'mine')[] = [];
  for (const side of ['base', 'theirs', 'mine'] as const) {
    try {
      // Templates are strict JSON (the check refuses comments and trailing commas).
      values[side] = JSON.parse(texts[side]) as Json;
    } catch {
      which.push(side);
    }
  }
  if (which.length > 0) return { kind: 'unparseable', which };
  return { kind: 'ok', base: values.base as Json, theirs: values.theirs as Json, mine: values.mine as Json };
}

function merge3(base: Value, theirs: Value, mine: Value, path: Segment[], ctx: MergeContext): Tree {
  if (equal(theirs, mine)) {
    record(base, mine, path, 'both', ctx);
    return mine;
  }
  if (equal(base, theirs)) {
    record(base, mine, path, 'mine', ctx);
    return mine;
  }
  if (equal(base, mine)) {
    record(base, theirs, path, 'theirs', ctx);
    return theirs;
  }
  if (isObject(base) && isObject(theirs) && isObject(mine)) return mergeObjects(base, theirs, mine, path, ctx);
  if (Array.isArray(base) && Array.isArray(theirs) && Array.isArray(mine)) {
    const keyed = keyedArrays(base, theirs, mine);
    if (keyed) return mergeKeyed(keyed, path, ctx);
    if (theirs.length === base.length || mine.length === base.length) return mergeByIndex(base, theirs, mine, path, ctx);
  }
  const conflict: Conflict = { id: ctx.conflicts.length, path: formatPath(path), base, theirs, mine };
  ctx.conflicts.push(conflict);
  return new Hole(conflict.id);
}

/** Records a one-sided (or identical) change as the paths it touches, one entry per leaf. */
function record(base: Value, changed: Value, path: Segment[], side: Change['side'], ctx: MergeContext): void {
  // On the side that did not change this subtree, every leaf still holds the base value.
  for (const d of leafDiffs(base, changed, path)) {
    const theirs = side === 'mine' ? d.base : d.changed;
    const mine = side === 'theirs' ? d.base : d.changed;
    ctx.autoMerged.push({ path: d.path, side, base: d.base, theirs, mine });
  }
}

function leafDiffs(base: Value, changed: Value, path: Segment[]): { path: string; base: Value; changed: Value }[] {
  if (equal(base, changed)) return [];
  if (isObject(base) && isObject(changed)) {
    return unique([...Object.keys(changed), ...Object.keys(base)]).flatMap((key) => leafDiffs(own(base, key), own(changed, key), [...path, key]));
  }
  if (Array.isArray(base) && Array.isArray(changed)) {
    const keyed = keyedArrays(base, changed, changed);
    if (keyed) return keyed.order.flatMap((key) => leafDiffs(keyed.base.get(key), keyed.mine.get(key), [...path, { key }]));
    if (base.length === changed.length) return base.flatMap((v, i) => leafDiffs(v, changed[i], [...path, i]));
  }
  return [{ path: formatPath(path), base, changed }];
}

function mergeObjects(base: JsonObject, theirs: JsonObject, mine: JsonObject, path: Segment[], ctx: MergeContext): Tree {
  const out: { [key: string]: Tree } = {};
  // Mine's key order first, then keys only they have, in their order.
  for (const key of unique([...Object.keys(mine), ...Object.keys(theirs), ...Object.keys(base)])) {
    define(out, key, merge3(own(base, key), own(theirs, key), own(mine, key), [...path, key], ctx));
  }
  return out;
}

function mergeByIndex(base: Json[], theirs: Json[], mine: Json[], path: Segment[], ctx: MergeContext): Tree {
  const out: Tree[] = [];
  const length = Math.max(base.length, theirs.length, mine.length);
  for (let i = 0; i < length; i++) out.push(merge3(base[i], theirs[i], mine[i], [...path, i], ctx));
  return out;
}

type Keyed = { base: Map<string, Json>; theirs: Map<string, Json>; mine: Map<string, Json>; order: string[] };

/** Arrays whose items are all objects with a unique `name` (else `type`), keyed by it; else null. */
function keyedArrays(base: Json[], theirs: Json[], mine: Json[]): Keyed | null {
  const maps: Map<string, Json>[] = [];
  for (const list of [base, theirs, mine]) {
    const map = new Map<string, Json>();
    for (const item of list) {
      const key = isObject(item) ? itemKey(item) : undefined;
      if (key === undefined || map.has(key)) return null;
      map.set(key, item);
    }
    maps.push(map);
  }
  const [b, t, m] = maps as [Map<string, Json>, Map<string, Json>, Map<string, Json>];
  if (b.size + t.size + m.size === 0) return null;
  // Mine's order, unless mine kept the base's order and they reordered: then theirs.
  const mineKeptOrder = sameOrder([...m.keys()], [...b.keys()]);
  const [first, second] = mineKeptOrder ? [t, m] : [m, t];
  const order = [...first.keys()];
  for (const key of second.keys()) {
    if (order.includes(key)) continue;
    // Put an item only the other side added right after its predecessor there.
    const keys = [...second.keys()];
    const before = keys.slice(0, keys.indexOf(key)).reverse().find((k) => order.includes(k));
    order.splice(before === undefined ? 0 : order.indexOf(before) + 1, 0, key);
  }
  for (const key of b.keys()) if (!order.includes(key)) order.push(key);
  return { base: b, theirs: t, mine: m, order };
}

function mergeKeyed(k: Keyed, path: Segment[], ctx: MergeContext): Tree {
  return k.order.map((key) => merge3(k.base.get(key), k.theirs.get(key), k.mine.get(key), [...path, { key }], ctx));
}

function itemKey(item: JsonObject): string | undefined {
  const name = own(item, 'name');
  if (typeof name === 'string') return name;
  const type = own(item, 'type');
  return typeof type === 'string' ? type : undefined;
}

function walkReverted(base: Value, theirs: Value, mine: Value, path: Segment[], out: Reverted[]): void {
  if (equal(base, theirs) || equal(theirs, mine)) return;
  if (isObject(base) && isObject(theirs) && isObject(mine)) {
    for (const key of unique([...Object.keys(theirs), ...Object.keys(base)])) {
      walkReverted(own(base, key), own(theirs, key), own(mine, key), [...path, key], out);
    }
    return;
  }
  if (Array.isArray(base) && Array.isArray(theirs) && Array.isArray(mine)) {
    const keyed = keyedArrays(base, theirs, mine);
    if (keyed) {
      for (const key of keyed.order) walkReverted(keyed.base.get(key), keyed.theirs.get(key), keyed.mine.get(key), [...path, { key }], out);
      return;
    }
    if (theirs.length === mine.length && theirs.length === base.length) {
      for (let i = 0; i < base.length; i++) walkReverted(base[i], theirs[i], mine[i], [...path, i], out);
      return;
    }
  }
  out.push({ path: formatPath(path), base, theirs, mine });
}

/** The merged tree with holes filled by the chosen side; absent values drop out. */
function settle(tree: Tree, conflicts: readonly Conflict[], choices: ConflictChoices): Json {
  const fill = (node: Tree): Value => {
    if (node instanceof Hole) {
      const c = conflicts[node.id];
      if (!c) throw new Error(`Unknown conflict ${node.id}.`);
      return choices[node.id] === 'theirs' ? c.theirs : c.mine;
    }
    if (Array.isArray(node)) return node.map(fill).filter((v): v is Json => v !== undefined);
    if (node !== null && typeof node === 'object') {
      const out: JsonObject = {};
      for (const key of Object.keys(node)) {
        const v = fill((node as Record<string, Tree>)[key]);
        if (v !== undefined) define(out, key, v);
      }
      return out;
    }
    return node;
  };
  const value = fill(tree);
  return value === undefined ? null : value;
}

/** Pretty-printed like the editor: two spaces. */
function format(value: Json): string {
  return JSON.stringify(value, null, 2);
}

type JsonObject = { [key: string]: Json };

function isObject(v: Value): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function own(obj: JsonObject, key: string): Value {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Sets a key without invoking setters (a template may hold a "__proto__" key). */
function define<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}

function sameOrder(a: string[], b: string[]): boolean {
  const inBoth = a.filter((k) => b.includes(k));
  const bInBoth = b.filter((k) => a.includes(k));
  return inBoth.every((k, i) => bInBoth[i] === k);
}

function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => equal(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    // Key order is cosmetic in JSON: the same keys and values are the same object.
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], (b as JsonObject)[k]));
  }
  return false;
}
