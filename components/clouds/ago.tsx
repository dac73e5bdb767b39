'use client';
import { useFormatter, useNow } from 'next-intl';

/** "3 minutes ago" in the user's language, with the full date and time (their time zone) on hover. */
export function Ago({ date, className }: { date: Date; className?: string }) {
  const format = useFormatter();
  const now = useNow({ updateInterval: 15_000 });
  // The server's clock may run a little ahead of the tick that last updated `now`.
  const at = date > now ? now : date;
  return (
    <time dateTime={date.toISOString()} title={format.dateTime(date, { dateStyle: 'medium', timeStyle: 'medium' })} className={className}>
      {format.relativeTime(at, now)}
    </time>
  );
}

/** Minutes as the largest whole unit ("6 hr", "2 days", "45 min"), in the user's language. */
export function useMinutesFormatter() {
  const format = useFormatter();
  return (minutes: number) => {
    const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
    return format.number(value, { style: 'unit', unit, unitDisplay: unit === 'day' ? 'long' : 'short' });
  };
}
