'use client';
import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';
import { Badge, type Tone } from '@/components/ui/badge';
import type { TBuildStatus } from '@/server/api/schemas/builds';

const TONES: Record<TBuildStatus, Tone> = { queued: 'neutral', running: 'blue', succeeded: 'green', failed: 'red', cancelled: 'amber', interrupted: 'red' };

/** A matrix cell's colours per status: a calm tint with a strong left edge, readable without colour too (the text says it). */
export const CELL_TONES: Record<TBuildStatus, string> = {
  queued: 'border-l-slate-300 bg-white',
  running: 'border-l-blue-500 bg-blue-50/60',
  succeeded: 'border-l-emerald-500 bg-emerald-50/70',
  failed: 'border-l-red-500 bg-red-50/70',
  cancelled: 'border-l-amber-500 bg-amber-50/60',
  interrupted: 'border-l-red-400 bg-red-50/50',
};

export function BuildStatusBadge({ status }: { status: TBuildStatus }) {
  const t = useTranslations('builds.status');
  return (
    <Badge tone={TONES[status]} className="gap-1">
      {status === 'running' ? <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-blue-600" /> : null}
      {t(status)}
    </Badge>
  );
}

/** The time now, ticking every `ms` while `active` (a finished build's durations do not need a clock). */
export function useTick(active: boolean, ms = 1_000): number | null {
  // null until mounted: the server's clock and the browser's differ, and the first render must
  // match the server's HTML (a hydration mismatch otherwise).
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** "12s", "3m 05s", "1h 04m" in the user's language. */
export function useDuration() {
  const t = useTranslations('builds.duration');
  return (ms: number) => {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (h > 0) return t('h', { h, m: String(m).padStart(2, '0') });
    if (m > 0) return t('m', { m, s: String(s).padStart(2, '0') });
    return t('s', { s });
  };
}

/** How long something ran: to its end, or to now while it runs (ticking); null before it started. */
export function Elapsed({ startedAt, finishedAt, className }: { startedAt: Date | null; finishedAt: Date | null; className?: string }) {
  const now = useTick(Boolean(startedAt && !finishedAt));
  const duration = useDuration();
  if (!startedAt) return null;
  const end = finishedAt ? finishedAt.getTime() : now;
  return <span className={className ?? 'tabular-nums'}>{end === null ? '…' : duration(end - startedAt.getTime())}</span>;
}
