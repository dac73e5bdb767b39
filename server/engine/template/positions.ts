// The one place that turns a place in the template (a JSON path, a parser node, a syntax error's
// offset) into a position in the source text: {offset, length, line, column}. Every level of the
// check (syntax, structure, options, region facts, local files) positions its issues through it,
// so the editor's squiggle, the issue list's "line 12, column 7" and the CLI's "(12:7)" agree.
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath } from './issues';

export interface SourceSpan {
  /** UTF-16 offset into the source text, as editors (CodeMirror) count them. */
  offset: number;
  length: number;
  /** 1-based. */
  line: number;
  column: number;
}

export interface LocateOptions {
  /** Highlight the property's key rather than its value (unknown options). */
  key?: boolean;
  /** Offsets inside the (decoded) string value (interpolation errors). */
  within?: { start: number; end: number };
}

export class SourcePositions {
  readonly text: string;
  /** The parse tree (undefined when the text is empty or could not be parsed at all). */
  readonly root: Node | undefined;
  readonly syntaxErrors: ParseError[];
  private readonly starts: number[];

  constructor(text: string) {
    this.text = text;
    this.starts = lineStarts(text);
    const errors: ParseError[] = [];
    // jsonc-parser recurses per nesting level: absurdly deep input overflows the stack.
    let root: Node | undefined;
    let tooDeep = false;
    try {
      root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    } catch {
      tooDeep = true;
      root = undefined;
    }
    this.root = root;
    this.syntaxErrors = errors;
    this.tooDeep = tooDeep;
  }

  readonly tooDeep: boolean;

  /** The span of `length` characters at `offset`. */
  at(offset: number, length = 0): SourceSpan {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const { line, column } = this.lineColumn(o);
    return { offset: o, length: Math.max(0, length), line, column };
  }

  /**
   * A node's span: scalars whole, containers only their opening brace or bracket (a squiggle over
   * a whole builder would hide every other marker in it).
   */
  ofNode(node: Node): SourceSpan {
    const whole = node.type !== 'object' && node.type !== 'array';
    return this.at(node.offset, whole ? node.length : Math.min(1, node.length));
  }

  /**
   * The span of the value at `path` (segments below the root); when the path does not exist (a
   * missing option), the nearest existing ancestor's.
   */
  ofPath(path: JsonPath, opts: LocateOptions = {}): SourceSpan {
    const root = this.root;
    if (!root) return this.at(0);
    let rest = path;
    let node = rest.length === 0 ? root : findNodeAtLocation(root, rest);
    const exact = node !== undefined;
    while (!node && rest.length > 0) {
      rest = rest.slice(0, -1);
      node = rest.length === 0 ? root : findNodeAtLocation(root, rest);
    }
    if (!node) return this.at(0);
    if (exact && opts.key && node.parent?.type === 'property') {
      const keyNode = node.parent.children?.[0];
      if (keyNode) return this.at(keyNode.offset, keyNode.length);
    }
    if (exact && opts.within && node.type === 'string') {
      const map = rawOffsets(this.text.slice(node.offset + 1, node.offset + node.length - 1));
      const from = node.offset + 1 + (map[opts.within.start] ?? 0);
      const to = node.offset + 1 + (map[Math.min(opts.within.end, map.length - 1)] ?? 0);
      return this.at(from, Math.max(to - from, 1));
    }
    return this.ofNode(node);
  }

  lineColumn(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

/** For each UTF-16 index of a decoded JSON string, its offset in the raw (escaped) text; one extra entry for the end. */
function rawOffsets(raw: string): number[] {
  const map: number[] = [];
  let r = 0;
  while (r < raw.length) {
    map.push(r);
    if (raw[r] === '\\') r += raw[r + 1] === 'u' ? 6 : 2;
    else r += 1;
  }
  map.push(r);
  return map;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}
