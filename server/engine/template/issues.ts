// Issues found by checkTemplate before they get a position in the source text.
import type { TemplateCheckIssueCode, TemplateIssueCode } from './validate';

export type JsonPath = (string | number)[];

export interface DraftIssue {
  code: TemplateIssueCode | TemplateCheckIssueCode;
  /** Segments below the root: ['builders', 0, 'boot_disk_type']. */
  path: JsonPath;
  message: string;
  hint?: string;
  params: Record<string, string | number>;
  /** Highlight the property's key rather than its value (unknown options). */
  key?: boolean;
  /** Offsets inside the string value (interpolation errors). */
  within?: { start: number; end: number };
}

/** "$.builders[1].tags.Name", spelled as validate.ts spells paths. */
export function formatPath(path: JsonPath): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += /^[A-Za-z_][\w-]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
