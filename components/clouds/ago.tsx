'use client';
import { useFormatter } from 'next-intl';
import { DateTime } from '@/components/ui/date-time';

/** "3 minutes ago" in the user's language, with the full date and time (their time zone) on hover. */
export function Ago({ date, className }: { date: Date; className?: string }) {
  return <DateTime date={date} style="relative" className={className} />;
}

/** Minutes as the largest whole unit ("6 hr", "2 days", "45 min"), in the user's language. */
export function useMinutesFormatter() {
  const format = useFormatter();
  return (minutes: number) => {
    const [value, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
    return format.number(value, { style: 'unit', unit, unitDisplay: unit === 'day' ? 'long' : 'short' });
  };
}
