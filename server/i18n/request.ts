import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { getRequestUser } from '@/server/api/session';
import { isLocale, isTimeZone, LOCALE_COOKIE, negotiateLocale, TZ_COOKIE } from '@/server/api/schemas/locale';

// A signed-in user's stored choice wins; before sign-in, the cookie the switch set, then
// the browser's Accept-Language. Time zone likewise, falling back to UTC.
export default getRequestConfig(async () => {
  const [prefs, jar, hdrs] = await Promise.all([getRequestUser(), cookies(), headers()]);
  const cookieLocale = jar.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(prefs?.locale)
    ? prefs.locale
    : isLocale(cookieLocale)
      ? cookieLocale
      : negotiateLocale(hdrs.get('accept-language'));
  const cookieTz = jar.get(TZ_COOKIE)?.value;
  const timeZone = isTimeZone(prefs?.timeZone) ? prefs.timeZone : isTimeZone(cookieTz) ? cookieTz : 'UTC';
  const messages = (await import(`./messages/${locale}.json`)).default;
  return { locale, timeZone, messages, now: new Date() };
});
