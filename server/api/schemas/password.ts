import { ZxcvbnFactory, type OptionsType } from '@zxcvbn-ts/core';
import { z } from 'zod';
import { safeString } from './common';
import en from '@/server/i18n/messages/en.json';

// The one password rule of the console: forms check it as the user types, and every server
// path that sets a password (admin-created users, resets, change-own-password, ADMIN_PASSWORD)
// checks it again. zxcvbn estimates how many guesses a password takes; a hand list of "bad
// passwords" would miss `password1234`'s cousins.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn's 0–4 scale: 3 is "safely unguessable" against an online attack with throttling. */
export const PASSWORD_MIN_SCORE = 3;

export const PASSWORD_PROBLEMS = ['tooShort', 'tooLong', 'whitespaceOnly', 'controlCharacters', 'tooWeak'] as const;
export type PasswordProblem = (typeof PASSWORD_PROBLEMS)[number];
// zxcvbn's feedback keys, which our messages translate (never its English text).
export type PasswordWarning = keyof (typeof en)['password']['warnings'];
export type PasswordSuggestion = keyof (typeof en)['password']['suggestions'];

export interface PasswordCheck {
  problem: PasswordProblem | null;
  /** 0–4; 0 when a structural problem stopped the estimate. */
  score: number;
  warning: PasswordWarning | null;
  suggestions: PasswordSuggestion[];
}

// The dictionaries (~1.5 MB) live in password-dictionaries.ts, which installs them here: the
// server imports it at start (services/users/hash-new-password.ts), a form loads it when it
// opens (`loadPasswordRule`), so pages that only import these schemas stay small. Checking a
// password before that throws rather than quietly skipping the estimate.
let options: OptionsType | undefined;
let factory: ZxcvbnFactory | undefined;
export function installPasswordDictionaries(dictionaries: OptionsType): void {
  options = dictionaries;
  factory = undefined;
}
export const loadPasswordRule = () => import('./password-dictionaries');

function estimator(): ZxcvbnFactory {
  if (!options) throw new Error('The password dictionaries are not loaded: import server/api/schemas/password-dictionaries first.');
  // Built on first use: reading the dictionaries takes ~150 ms.
  factory ??= new ZxcvbnFactory(options);
  return factory;
}

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Checks a new password. `userInputs` (the account's e-mail and name) count as easy
 * guesses, so `admin@rome.local1` is refused for that admin.
 */
export function checkPassword(password: string, userInputs: readonly string[] = []): PasswordCheck {
  const fail = (problem: PasswordProblem): PasswordCheck => ({ problem, score: 0, warning: null, suggestions: [] });
  if (password.trim() === '') return fail(password.length === 0 ? 'tooShort' : 'whitespaceOnly');
  // Counted in code points, so a password of emoji is not cut by its UTF-16 length.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return fail('tooShort');
  if (length > PASSWORD_MAX_LENGTH) return fail('tooLong');
  if (CONTROL.test(password)) return fail('controlCharacters');
  const inputs = userInputs.flatMap((s) => [s, ...s.split(/[@.\s_-]+/)]).filter((s) => s.length >= 3);
  const result = estimator().check(password, inputs);
  const known = <T extends string>(keys: Record<string, unknown>, key: string | null): key is T => !!key && key in keys;
  const warning = known<PasswordWarning>(en.password.warnings, result.feedback.warning) ? result.feedback.warning : null;
  const suggestions = result.feedback.suggestions.filter((s): s is PasswordSuggestion => known(en.password.suggestions, s));
  return { problem: result.score < PASSWORD_MIN_SCORE ? 'tooWeak' : null, score: result.score, warning, suggestions };
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * Why a password is refused, in the caller's language: the problem, then zxcvbn's warning
 * and suggestions through our own messages. `t` is next-intl's translator for `password`.
 */
export function describePasswordCheck(check: PasswordCheck, t: Translate): string {
  if (!check.problem) return '';
  const parts = [t(`problems.${check.problem}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })];
  if (check.warning) parts.push(t(`warnings.${check.warning}`));
  for (const s of check.suggestions) parts.push(t(`suggestions.${s}`));
  // Sentences in Chinese follow each other without a space.
  return parts.join(' ').replace(/([。！？]) /g, '$1');
}

/** English, for API answers, logs and the start-up check (the UI translates the codes itself). */
export function describePasswordCheckInEnglish(check: PasswordCheck): string {
  return describePasswordCheck(check, (key, values) => {
    const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], en.password);
    return String(text ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? `{${name}}`));
  });
}

/** The zod issue carries the codes, so a form can show its own language's text. */
export interface PasswordIssueParams {
  passwordProblem: PasswordProblem;
  warning: PasswordWarning | null;
  suggestions: PasswordSuggestion[];
}

export function passwordIssueParams(params: unknown): PasswordIssueParams | null {
  const p = params as Partial<PasswordIssueParams> | undefined;
  return p && typeof p.passwordProblem === 'string' && PASSWORD_PROBLEMS.includes(p.passwordProblem)
    ? { passwordProblem: p.passwordProblem, warning: p.warning ?? null, suggestions: p.suggestions ?? [] }
    : null;
}

function refineNewPassword(value: string, ctx: z.RefinementCtx) {
  const check = checkPassword(value);
  if (!check.problem) return;
  ctx.addIssue({
    code: 'custom',
    message: describePasswordCheckInEnglish(check),
    params: { passwordProblem: check.problem, warning: check.warning, suggestions: check.suggestions } satisfies PasswordIssueParams,
  });
}

/** A password someone chooses now: length bounds, not blank, and hard enough to guess. */
// safeString bounds the text (no NUL, no lone surrogate, at most a few times the longest
// accepted password) before the rule explains what is wrong in the user's language.
const ZPasswordText = safeString({ max: PASSWORD_MAX_LENGTH * 4 });
export const ZNewPassword = ZPasswordText.superRefine(refineNewPassword);
/** The same, where empty means "generate one for me". */
export const ZNewPasswordOrEmpty = ZPasswordText.superRefine((value, ctx) => (value === '' ? undefined : refineNewPassword(value, ctx)));

export const ZChangePasswordRequest = z
  .object({
    // Only bounded: the current password is whatever was set before this rule existed.
    currentPassword: safeString({ min: 1, max: PASSWORD_MAX_LENGTH * 4 }),
    newPassword: ZNewPassword,
    confirmPassword: ZPasswordText,
  })
  .superRefine((v, ctx) => {
    if (v.confirmPassword !== v.newPassword) {
      ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: en.password.mismatch, params: { passwordMismatch: true } });
    }
    if (v.newPassword === v.currentPassword) {
      ctx.addIssue({ code: 'custom', path: ['newPassword'], message: en.password.sameAsCurrent, params: { passwordSameAsCurrent: true } });
    }
  });
export type TChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;
