'use client';
import { useMemo } from 'react';
import { useFormatter, useLocale, useNow, useTimeZone } from 'next-intl';

// The console's one date format: every date a person sees goes through this file, so a
// date reads the same on every page, in the user's language and time zone (next-intl's
// formatter is configured per request in server/i18n/request.ts).
const FORMATS = {
  /** "Mar 2, 2026, 14:05" — when something happened. */
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  /** "Mar 2, 2026" — a day (an image's creation date, a user's join date). */
  date: { dateStyle: 'medium' },
  /** The hover title: the full date and time, with the zone. */
  full: { dateStyle: 'medium', timeStyle: 'long' },
} as const;

export type DateTimeStyle = 'dateTime' | 'date' | 'relative';

/**
 * A date as text in the user's locale and time zone, with the full date and time on hover.
 * `relative` reads "3 minutes ago" and follows the clock.
 */
export function DateTime({ date, style = 'dateTime', className }: { date: Date; style?: DateTimeStyle; className?: string }) {
  const format = useFormatter();
  return (
    <time dateTime={date.toISOString()} title={format.dateTime(date, FORMATS.full)} className={className}>
      {style === 'relative' ? <Relative date={date} /> : format.dateTime(date, FORMATS[style])}
    </time>
  );
}

function Relative({ date }: { date: Date }) {
  const format = useFormatter();
  const now = useNow({ updateInterval: 15_000 });
  // The server's clock may run a little ahead of the tick that last updated `now`.
  return <>{format.relativeTime(date > now ? now : date, now)}</>;
}

/** The same formats for text that is not an element (an aria-label, a CSV-like line). */
export function useDateTimeFormatter() {
  const format = useFormatter();
  return (date: Date, style: Exclude<DateTimeStyle, 'relative'> = 'dateTime') => format.dateTime(date, FORMATS[style]);
}

/**
 * "14:05:09" in the user's time zone, for many timestamps at once (a log's lines): one
 * Intl.DateTimeFormat, made once, instead of a formatter call per line.
 */
export function useTimeOfDayFormatter() {
  const locale = useLocale();
  const timeZone = useTimeZone();
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone });
    return (epochMs: number) => f.format(epochMs);
  }, [locale, timeZone]);
}
