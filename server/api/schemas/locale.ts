export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_COOKIE = 'rome_locale';
export const TZ_COOKIE = 'rome_tz';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Picks zh-CN for any Chinese Accept-Language, else English. */
export function negotiateLocale(acceptLanguage: string | null): Locale {
  return /(^|,)\s*zh/i.test(acceptLanguage ?? '') ? 'zh-CN' : DEFAULT_LOCALE;
}
