// Applies a check issue's machine-applicable fix (a list of "set the value at this path") to the
// template text, keeping the author's formatting everywhere else.
import { applyEdits, modify } from 'jsonc-parser';

export interface FixEditInput {
  path: (string | number)[];
  value: unknown;
}

/** The text with every edit applied in order; an edit whose path cannot be reached is skipped. */
export function applyFixEdits(text: string, edits: FixEditInput[]): string {
  let out = text;
  for (const e of edits) {
    try {
      out = applyEdits(out, modify(out, e.path, e.value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    } catch {
      // A path through a value of another shape: leave the text as it is for this edit.
    }
  }
  return out;
}
