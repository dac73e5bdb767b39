import { Ec2Error } from './errors';

// EC2 Query parameters arrive flattened: `ImageId.1`, `Filter.2.Name`, `Filter.2.Value.1`,
// `TagSpecification.1.Tag.3.Key`. `Params` is a read-only view of such a map; `structs('Filter')`
// returns one child view per index with the `Filter.N.` prefix stripped, so the same accessors
// read every nesting level (X.N, X.N.Y, X.N.Y.M).
//
// Both SDKs send unset strings as `Key=` (Packer 1.6.6 always sends several), so an empty value
// counts as "not given" everywhere except through `has()` / `raw()`.

export class Params {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** Decodes an `application/x-www-form-urlencoded` body plus the URL's own query (GET). */
  static parse(body: string, query?: URLSearchParams): Params {
    const map = new Map<string, string>();
    if (query) for (const [k, v] of query) map.set(k, v);
    for (const [k, v] of new URLSearchParams(body)) map.set(k, v);
    return new Params(map);
  }

  /** The value as sent, even when empty. */
  raw(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A non-empty value, or undefined. */
  str(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${v}' for ${name}: not an integer`);
    return Number(v);
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw new Ec2Error('InvalidParameterValue', `Invalid value '${v}' for ${name}: expected true or false`);
    return v === 'true';
  }

  /** `Name.1`, `Name.2`, … in index order (gaps allowed), empty values dropped. */
  list(name: string): string[] {
    return this.indexes(name)
      .map((i) => this.str(`${name}.${i}`))
      .filter((v): v is string => v !== undefined);
  }

  /** `Name.N.*` as one child view per index, in index order. */
  structs(name: string): Params[] {
    return this.indexes(name).map((i) => this.child(`${name}.${i}`));
  }

  /** `Name.*` as a child view (e.g. `Placement.AvailabilityZone` → child('Placement').str('AvailabilityZone')). */
  child(prefix: string): Params {
    const p = `${prefix}.`;
    const map = new Map<string, string>();
    for (const [k, v] of this.values) if (k.startsWith(p)) map.set(k.slice(p.length), v);
    return new Params(map);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  /** The distinct N of `Name.N` and `Name.N.…`, ascending. */
  private indexes(name: string): number[] {
    const p = `${name}.`;
    const seen = new Set<number>();
    for (const k of this.values.keys()) {
      if (!k.startsWith(p)) continue;
      const m = /^(\d+)(?:\.|$)/.exec(k.slice(p.length));
      if (m) seen.add(Number(m[1]));
    }
    return [...seen].sort((a, b) => a - b);
  }
}

export interface Filter {
  name: string;
  values: string[];
}

/** `Filter.N.Name` + `Filter.N.Value.M`. */
export function readFilters(params: Params): Filter[] {
  return params.structs('Filter').map((f) => {
    const name = f.str('Name');
    if (!name) throw new Ec2Error('InvalidParameterValue', 'The filter name must not be empty');
    return { name, values: f.list('Value') };
  });
}

/** `Tag.N.Key` / `Tag.N.Value` (a value may be empty). */
export function readTags(params: Params, prefix = 'Tag'): { key: string; value: string; hasValue: boolean }[] {
  return params.structs(prefix).map((t) => {
    const key = t.str('Key');
    if (key === undefined) throw new Ec2Error('InvalidParameterValue', 'Tag keys must not be empty');
    return { key, value: t.raw('Value') ?? '', hasValue: t.has('Value') };
  });
}
