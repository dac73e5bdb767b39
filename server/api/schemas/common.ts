import { z } from 'zod';

// The bounds every request input lives within. PostgreSQL refuses NUL in text and
// integers beyond int4, and its timestamps stop far short of JavaScript's: a value past
// these limits must be refused here with a 400, never reach SQL and come back as a 500.

/** The largest value of a PostgreSQL `integer` column (template versions, page numbers). */
export const MAX_INT32 = 2 ** 31 - 1;
/** RFC 5321: a forward path holds at most 254 characters of address. */
export const MAX_EMAIL_LENGTH = 254;
/** Ids that are not UUIDs (better-auth's user ids are 32 characters). */
export const MAX_TEXT_ID_LENGTH = 64;
export const MAX_SEARCH_LENGTH = 100;
export const MAX_URL_LENGTH = 2048;
/** Dates the console accepts: wide enough for any real timestamp, inside PostgreSQL's range. */
export const MIN_DATE = new Date('1970-01-01T00:00:00.000Z');
export const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

export const NUL_MESSAGE = 'Must not contain NUL characters (U+0000)';
export const SURROGATE_MESSAGE = 'Must not contain unpaired surrogates (malformed Unicode text)';

// With the u flag a well-formed pair is one astral code point; only a lone half is \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/**
 * The one string rule for request inputs: no NUL, no lone surrogate, a maximum length
 * (and optionally a minimum, counted after trimming). Chain format checks after it
 * (`.email()`, `.uuid()`, `.regex()`); the safety checks run first and stop the rest, so
 * the message says what is wrong with the text rather than that it fails a pattern.
 */
export function safeString(opts: { max: number; min?: number; trim?: boolean; tooShort?: string; tooLong?: string }) {
  let s = z
    .string()
    .refine((v) => !hasNul(v), { message: NUL_MESSAGE, abort: true })
    .refine((v) => !hasLoneSurrogate(v), { message: SURROGATE_MESSAGE, abort: true });
  if (opts.trim) s = s.trim();
  if (opts.min !== undefined) {
    s = s.min(opts.min, opts.tooShort ?? (opts.min === 1 ? 'Must not be empty' : `Must be at least ${opts.min} characters`));
  }
  return s.max(opts.max, opts.tooLong ?? `Must be at most ${opts.max} characters`);
}

export const ZUuid = safeString({ max: 36 }).uuid('Must be a UUID');
export const ZTextId = safeString({ min: 1, max: MAX_TEXT_ID_LENGTH });
export const ZEmail = safeString({ max: MAX_EMAIL_LENGTH, trim: true })
  .toLowerCase()
  .email('Must be an e-mail address');
export const ZSearchText = safeString({ max: MAX_SEARCH_LENGTH, trim: true });

/** An integer within `min`–`max`, both required, never beyond a PostgreSQL integer. */
export function boundedInt(min: number, max: number) {
  if (min < -MAX_INT32 - 1 || max > MAX_INT32) throw new Error(`boundedInt(${min}, ${max}) exceeds a PostgreSQL integer`);
  return z
    .number()
    .int('Must be a whole number')
    .min(min, `Must be at least ${min}`)
    .max(max, `Must be at most ${max}`);
}

/** A template version number (1-based; stored as a PostgreSQL integer). */
export const ZVersion = boundedInt(1, MAX_INT32);
/** A 1-based page number; 100 000 pages is far beyond any list the console shows. */
export const ZPage = boundedInt(1, 100_000);

export const ZSafeDate = z
  .date('Must be a valid date')
  .min(MIN_DATE, `Must be on or after ${MIN_DATE.toISOString()}`)
  .max(MAX_DATE, `Must be on or before ${MAX_DATE.toISOString()}`);
