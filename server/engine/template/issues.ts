// The one issue type of the template check, shared by every level, and the drafts the levels
// produce before positions.ts gives them a place in the source text.
import type { TemplateCheckIssueCode, TemplateIssueCode } from './validate';

export type JsonPath = (string | number)[];

/**
 * The levels of the check, run in this order by checkTemplate. A later level does not look at a
 * part of the template an earlier level refused (no cascades of follow-up errors).
 */
export const CHECK_LEVELS = ['syntax', 'structure', 'options', 'regions', 'files'] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

/** One edit of a machine-applicable fix: set the value at `path` (segments below the root). */
export interface FixEdit {
  path: JsonPath;
  value: string | number | boolean | Record<string, unknown>[] | string[];
}

/**
 * One concrete way to fix an issue. `hintKey` names validation.fixes.<hintKey> in the messages
 * files, rendered with `params`; `edits`, when present, can be applied to the text as they are.
 */
export interface IssueFix {
  hintKey: string;
  params: Record<string, string | number>;
  edits?: FixEdit[];
}

export interface TemplateCheckIssue {
  code: TemplateIssueCode | TemplateCheckIssueCode;
  /** The level of the check that found it. */
  level: CheckLevel;
  /** JSON path like "$.builders[1].type" ("$" for the root). */
  path: string;
  /** English text (the CLI prints it); the UI translates validation.<code>.message with `params`. */
  message: string;
  hint?: string;
  /** The values interpolated into `message`, so the UI can translate it. */
  params: Record<string, string | number>;
  /** Concrete alternatives (translatable; some machine-applicable), when the check knows them. */
  fixes?: IssueFix[];
  /** 1-based position of the offending node (or of the syntax error). */
  line: number;
  column: number;
  /** UTF-16 offsets into the source text, as editors (CodeMirror) count them. */
  from: number;
  to: number;
  /** 'warning': reported, but the template stays valid (e.g. a region whose facts are not known yet). Absent: an error. */
  severity?: 'warning';
}

export interface DraftIssue {
  code: TemplateIssueCode | TemplateCheckIssueCode;
  /** Segments below the root: ['builders', 0, 'boot_disk_type']. */
  path: JsonPath;
  message: string;
  hint?: string;
  params: Record<string, string | number>;
  fixes?: IssueFix[];
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
