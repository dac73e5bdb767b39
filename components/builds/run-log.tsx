'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { useTimeOfDayFormatter } from '@/components/ui/date-time';
import { Input } from '@/components/ui/field';
import { VirtualList, type VirtualListHandle } from '@/components/ui/virtual-list';
import { CLEANUP_STEP_SUFFIX, type WireLogLine } from '@/server/api/schemas/builds';

const ROW_HEIGHT = 18;
const SEARCH_DEBOUNCE_MS = 200;
const REOPEN_MS = 1_500;

type Connection = 'connecting' | 'streaming' | 'reconnecting' | 'complete';

/**
 * The lines of a log and the rows shown for them: a row is a line (its index, >= 0) or a step
 * marker (-1 - index into `steps`) where the step changes. Kept outside React state, appended in
 * place; a version counter tells React to draw again (once per animation frame).
 */
class LogModel {
  lines: WireLogLine[] = [];
  rows: number[] = [];
  steps: string[] = [];
  lastSeq = 0;
  private lastStep: string | null | undefined = undefined;

  append(batch: WireLogLine[]) {
    for (const line of batch) {
      // A reconnect never repeats lines (the route resumes after Last-Event-ID); guard anyway.
      if (line[0] <= this.lastSeq) continue;
      this.lastSeq = line[0];
      if (line[3] && line[3] !== this.lastStep) {
        this.steps.push(line[3]);
        this.rows.push(-this.steps.length);
      }
      if (line[3] !== null) this.lastStep = line[3];
      this.lines.push(line);
      this.rows.push(this.lines.length - 1);
    }
  }
}

/**
 * A run's log, live over SSE from /api/build-runs/:runId/log. The browser's EventSource resends
 * the last event id when it reconnects, and the route resumes after it; if the EventSource gives
 * up, a new one starts at `?after=` the last line held. Search highlights and steps through
 * matches; the view follows new lines until the user scrolls up (or presses Pause).
 */
export function RunLog({ runId, builderName }: { runId: string; builderName: string }) {
  const t = useTranslations('builds.log');
  const model = useRef(new LogModel());
  const [version, setVersion] = useState(0);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [follow, setFollow] = useState(true);
  const list = useRef<VirtualListHandle>(null);
  const time = useTimeOfDayFormatter();

  useEffect(() => {
    let source: EventSource | null = null;
    let frame = 0;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let pending: WireLogLine[] = [];
    let stopped = false;
    const flush = () => {
      frame = 0;
      model.current.append(pending);
      pending = [];
      setVersion((v) => v + 1);
    };
    const open = () => {
      const after = model.current.lastSeq;
      source = new EventSource(`/api/build-runs/${runId}/log${after ? `?after=${after}` : ''}`);
      source.addEventListener('open', () => setConnection('streaming'));
      source.addEventListener('lines', (e) => {
        pending.push(...(JSON.parse((e as MessageEvent<string>).data) as WireLogLine[]));
        if (!frame) frame = requestAnimationFrame(flush);
      });
      source.addEventListener('end', () => {
        source?.close();
        if (frame) cancelAnimationFrame(frame);
        flush();
        setConnection('complete');
      });
      source.addEventListener('error', () => {
        if (stopped || !source) return;
        setConnection('reconnecting');
        // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: it gave up.
        if (source.readyState === EventSource.CLOSED) reopen = setTimeout(open, REOPEN_MS);
      });
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(reopen);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [runId]);

  // Search: matches are row indices; typed text is applied after a pause.
  const [text, setText] = useState('');
  const [needle, setNeedle] = useState('');
  const [current, setCurrent] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => setNeedle(text.trim().toLowerCase()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const matches = useMemo(() => {
    if (!needle) return [];
    const { rows, lines } = model.current;
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r >= 0 && lines[r]![4].toLowerCase().includes(needle)) out.push(i);
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` changes when lines arrive (the model is a ref): new lines may match
  }, [needle, version]);
  useEffect(() => setCurrent(0), [needle]);
  const goTo = useCallback(
    (n: number) => {
      if (matches.length === 0) return;
      const i = ((n % matches.length) + matches.length) % matches.length;
      setCurrent(i);
      setFollow(false);
      list.current?.scrollToIndex(matches[i]!);
    },
    [matches],
  );
  // The first match shows as soon as the search is applied.
  useEffect(() => {
    if (needle && matches.length) list.current?.scrollToIndex(matches[0]!);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the search changes, not on every new line
  }, [needle]);

  const { rows, lines, steps } = model.current;
  const currentRow = matches.length ? matches[Math.min(current, matches.length - 1)] : undefined;
  const renderRow = (i: number) => {
    const r = rows[i]!;
    if (r < 0) {
      return (
        <div className="flex h-full items-center gap-2 border-t border-slate-200 bg-slate-100 px-2 font-sans text-xs font-semibold text-slate-700" data-log-step>
          <span aria-hidden>▸</span>
          <StepName step={steps[-r - 1]!} />
        </div>
      );
    }
    const [seq, at, stream, , body] = lines[r]!;
    return (
      <div
        data-log-row={seq}
        className={cn(
          'flex h-full items-center gap-3 px-2 whitespace-pre',
          stream === 'stderr' && 'bg-red-50 text-red-800',
          stream === 'engine' && 'text-blue-900',
          stream === 'stdout' && 'text-slate-800',
          i === currentRow && 'outline-2 -outline-offset-2 outline-amber-500',
        )}
      >
        <span className="w-12 shrink-0 text-right text-slate-400 select-none">{seq}</span>
        <span className="shrink-0 text-slate-500 select-none">{time(at)}</span>
        <span className={cn('w-3 shrink-0 text-center select-none', stream === 'stderr' ? 'text-red-600' : 'text-transparent')} aria-label={stream === 'stderr' ? 'stderr' : undefined}>
          {stream === 'stderr' ? '!' : ''}
        </span>
        <span>{needle ? <Highlighted text={body} needle={needle} /> : body}</span>
      </div>
    );
  };

  return (
    <section aria-labelledby={`log-title-${runId}`} className="overflow-hidden rounded-md border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-slate-50 px-2 py-1.5">
        <h3 id={`log-title-${runId}`} className="text-sm font-semibold text-slate-800">
          {t('title')}
        </h3>
        <span className="text-xs text-slate-600 tabular-nums" data-testid="log-count">
          {t('lines', { count: lines.length })}
        </span>
        <span className={cn('text-xs', connection === 'complete' ? 'text-slate-500' : connection === 'reconnecting' ? 'text-amber-700' : 'text-blue-700')} data-testid="log-connection" role="status">
          {connection === 'complete' ? t('complete') : connection === 'reconnecting' ? t('reconnecting') : t('streaming')}
        </span>
        <div className="ml-auto flex flex-wrap items-center gap-1.5">
          <Input
            type="search"
            aria-label={t('search')}
            placeholder={t('searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              goTo(current + (e.shiftKey ? -1 : 1));
            }}
            className="h-7 w-40 text-xs sm:w-56"
            spellCheck={false}
          />
          <span className="w-16 text-center text-xs text-slate-600 tabular-nums" aria-live="polite" data-testid="log-matches">
            {needle ? (matches.length ? t('matches', { current: Math.min(current, matches.length - 1) + 1, total: matches.length }) : t('noMatches')) : ''}
          </span>
          <Button size="sm" aria-label={t('prevMatch')} disabled={!matches.length} onClick={() => goTo(current - 1)}>
            ↑
          </Button>
          <Button size="sm" aria-label={t('nextMatch')} disabled={!matches.length} onClick={() => goTo(current + 1)}>
            ↓
          </Button>
          <Button size="sm" variant={follow ? 'secondary' : 'primary'} aria-pressed={follow} onClick={() => setFollow((f) => !f)}>
            {follow ? t('pause') : t('follow')}
          </Button>
          <a href={`/api/build-runs/${runId}/log/download`} download className="inline-flex h-7 items-center rounded-md border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-800 hover:bg-slate-50">
            {t('download')}
          </a>
        </div>
      </div>
      {rows.length === 0 ? (
        <p className="flex h-[22rem] items-center justify-center text-sm text-slate-500">{connection === 'complete' ? t('empty') : t('waiting')}</p>
      ) : (
        <VirtualList
          ref={list}
          count={rows.length}
          rowHeight={ROW_HEIGHT}
          renderRow={renderRow}
          stickToEnd={follow}
          onAtEndChange={setFollow}
          className="h-[22rem] font-mono text-xs leading-[18px] sm:h-[28rem]"
          aria-label={t('label', { builder: builderName })}
        />
      )}
      <p className={cn('border-t border-slate-200 px-2 py-1 text-xs text-slate-600', follow && 'invisible')}>{t('paused')}</p>
    </section>
  );
}

function Highlighted({ text, needle }: { text: string; needle: string }) {
  const lower = text.toLowerCase();
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(
      <mark key={i} className="rounded-sm bg-amber-200 text-inherit">
        {text.slice(i, i + needle.length)}
      </mark>,
    );
    at = i + needle.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** A step marker's name; a cleanup step says so, as in the steps table. */
function StepName({ step }: { step: string }) {
  const t = useTranslations('builds.run');
  if (!step.endsWith(CLEANUP_STEP_SUFFIX)) return <>{step}</>;
  return (
    <>
      {step.slice(0, -CLEANUP_STEP_SUFFIX.length)}
      <span className="font-normal text-slate-500">({t('phaseCleanup')})</span>
    </>
  );
}
