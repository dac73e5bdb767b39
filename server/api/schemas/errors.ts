import { z } from 'zod';
import { APP_ERROR_CODES, type AppErrorCode } from '@/server/lib/errors';
import { REGION_STRATEGY_REFUSALS } from './regions';

// What an error response carries besides its message, shared by the server (which
// validates before sending) and the client (which parses instead of casting).

/** A template validation problem (server/engine/template/validate.ts's TemplateIssue). */
export const ZTemplateIssueDetail = z.object({
  code: z.string(),
  path: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  line: z.number(),
  column: z.number(),
  from: z.number(),
  to: z.number(),
});
export type TTemplateIssueDetail = z.infer<typeof ZTemplateIssueDetail>;

export const ZTemplateInvalidDetails = z.object({ issues: z.array(ZTemplateIssueDetail) });

/** Someone saved after the editor opened its version: what they saved, for the diff. */
export const ZTemplateVersionConflictDetails = z.object({
  baseVersion: z.number(),
  latestVersion: z.number(),
  latestMessage: z.string(),
  latestAuthor: z.string().nullable(),
  latestCreatedAt: z.date(),
  latestBody: z.string(),
  latestValid: z.boolean(),
});
export type TTemplateVersionConflictDetails = z.infer<typeof ZTemplateVersionConflictDetails>;

/** Why a new password was refused (schemas/password.ts's PasswordIssueParams, which the forms translate). */
export const ZPasswordWeakDetails = z.object({
  passwordProblem: z.string(),
  warning: z.string().nullable(),
  suggestions: z.array(z.string()),
});

/** Too many wrong passwords: how long until the next try is checked. */
export const ZTooManyAttemptsDetails = z.object({ retryAfter: z.number() });

/** A region strategy that cannot work: why, for which region, with which source. */
export const ZRegionStrategyRefusedDetails = z.object({
  reason: z.enum(REGION_STRATEGY_REFUSALS),
  cloud: z.string(),
  region: z.string(),
  sourceRegion: z.string().nullable(),
});

/** Regions (cloud, region) that are not, or no longer, in the inventory. */
export const ZRegionUnknownDetails = z.object({ regions: z.array(z.object({ cloud: z.string(), region: z.string() })) });

/** The details schema of each code that has details; every other code carries none (null). */
export const APP_ERROR_DETAILS = {
  TEMPLATE_INVALID: ZTemplateInvalidDetails,
  TEMPLATE_VERSION_CONFLICT: ZTemplateVersionConflictDetails,
  PASSWORD_WEAK: ZPasswordWeakDetails,
  TOO_MANY_ATTEMPTS: ZTooManyAttemptsDetails,
  REGION_STRATEGY_REFUSED: ZRegionStrategyRefusedDetails,
  REGION_UNKNOWN: ZRegionUnknownDetails,
} as const satisfies Partial<Record<AppErrorCode, z.ZodType>>;

type CodeWithDetails = keyof typeof APP_ERROR_DETAILS;
type CodeWithoutDetails = Exclude<AppErrorCode, CodeWithDetails>;

/** What `new AppError(code, { details })` takes for a code (never, when it has none). */
export type TAppErrorDetails<C extends AppErrorCode> = C extends CodeWithDetails ? z.input<(typeof APP_ERROR_DETAILS)[C]> : never;

function hasDetails(code: AppErrorCode): code is CodeWithDetails {
  return code in APP_ERROR_DETAILS;
}

const CODES_WITHOUT_DETAILS = (Object.keys(APP_ERROR_CODES) as AppErrorCode[]).filter((c) => !hasDetails(c)) as [
  CodeWithoutDetails,
  ...CodeWithoutDetails[],
];

/** `{ appCode, details }` of an error response, one branch per code. */
export const ZAppErrorData = z.discriminatedUnion('appCode', [
  z.object({ appCode: z.literal('TEMPLATE_INVALID'), details: ZTemplateInvalidDetails }),
  z.object({ appCode: z.literal('TEMPLATE_VERSION_CONFLICT'), details: ZTemplateVersionConflictDetails }),
  z.object({ appCode: z.literal('PASSWORD_WEAK'), details: ZPasswordWeakDetails }),
  z.object({ appCode: z.literal('TOO_MANY_ATTEMPTS'), details: ZTooManyAttemptsDetails }),
  z.object({ appCode: z.literal('REGION_STRATEGY_REFUSED'), details: ZRegionStrategyRefusedDetails }),
  z.object({ appCode: z.literal('REGION_UNKNOWN'), details: ZRegionUnknownDetails }),
  z.object({ appCode: z.enum(CODES_WITHOUT_DETAILS), details: z.null() }),
]);
export type TAppErrorData = z.infer<typeof ZAppErrorData>;

/** A request input the server refused: where (path into the input) and why. */
export const ZInputIssue = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type TInputIssue = z.infer<typeof ZInputIssue>;
export const ZInputIssues = z.array(ZInputIssue);

/**
 * The server side: the details an AppError may send, checked against its code's schema
 * (and stripped of undeclared keys). Null when the code has none or they do not match.
 */
export function checkAppErrorDetails(code: AppErrorCode, details: unknown): TAppErrorData['details'] | 'mismatch' {
  if (!hasDetails(code)) return details === undefined || details === null ? null : 'mismatch';
  const parsed = APP_ERROR_DETAILS[code].safeParse(details);
  return parsed.success ? parsed.data : 'mismatch';
}

/** The client side: the app error of a tRPC error's `data`, or null when there is none. */
export function appErrorOf(data: unknown): TAppErrorData | null {
  if (typeof data !== 'object' || data === null || !('appCode' in data) || !data.appCode) return null;
  const parsed = ZAppErrorData.safeParse({ appCode: data.appCode, details: 'details' in data ? (data.details ?? null) : null });
  return parsed.success ? parsed.data : null;
}

/** The client side: the refused input fields of a tRPC error's `data` (empty when none). */
export function inputIssuesOf(data: unknown): TInputIssue[] {
  if (typeof data !== 'object' || data === null || !('issues' in data)) return [];
  const parsed = ZInputIssues.safeParse(data.issues);
  return parsed.success ? parsed.data : [];
}

/** The top-level input fields that were refused, for forms that mark fields by name. */
export function refusedFields(data: unknown): Set<string> {
  return new Set(inputIssuesOf(data).map((i) => String(i.path[0] ?? '')));
}
