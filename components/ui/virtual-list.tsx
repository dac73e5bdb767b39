'use client';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import { cn } from './cn';

export interface VirtualListHandle {
  /** Brings row `index` into view (centred), e.g. a search match. */
  scrollToIndex(index: number): void;
  scrollToEnd(): void;
}

/**
 * A list of `count` rows of one fixed height, of which only those in view (and `overscan` on
 * each side) are in the DOM: 100 000 log lines cost ~60 elements. Rows are absolutely placed in
 * a spacer as tall as the whole list, so the scrollbar is true. With `stickToEnd`, rows added
 * keep the view at the end (a log's "follow"); `onAtEndChange` says when the user scrolls away
 * from the end or back to it.
 */
export const VirtualList = forwardRef<
  VirtualListHandle,
  {
    count: number;
    rowHeight: number;
    renderRow: (index: number) => React.ReactNode;
    stickToEnd?: boolean;
    onAtEndChange?: (atEnd: boolean) => void;
    overscan?: number;
    className?: string;
    'aria-label'?: string;
  }
>(function VirtualList({ count, rowHeight, renderRow, stickToEnd = false, onAtEndChange, overscan = 12, className, ...aria }, ref) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const atEnd = useRef(true);
  const frame = useRef(0);
  const lastTop = useRef(0);
  const stick = useRef(stickToEnd);
  stick.current = stickToEnd;

  const toEnd = useCallback(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      setViewport(el.clientHeight);
      // A followed list stays at its end when the page around it changes size.
      if (stick.current) toEnd();
    });
    observer.observe(el);
    setViewport(el.clientHeight);
    return () => observer.disconnect();
  }, [toEnd]);

  useImperativeHandle(ref, () => ({
    scrollToIndex(index) {
      const el = box.current;
      if (el) el.scrollTop = Math.max(0, index * rowHeight - el.clientHeight / 2 + rowHeight / 2);
    },
    scrollToEnd: toEnd,
  }), [rowHeight, toEnd]);

  // Before paint, so a followed list never shows a frame away from its end.
  useLayoutEffect(() => {
    if (!stickToEnd || !box.current) return;
    toEnd();
    // The rows for the new position in this same frame, not one scroll event later.
    setScrollTop(box.current.scrollTop);
  }, [count, stickToEnd, toEnd]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const end = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight * 1.5;
    // Only the user scrolling up leaves the end: a resize or a layout change that moves the view
    // (a full-page screenshot, a scrollbar appearing) puts a followed list back at its end.
    const scrolledUp = el.scrollTop < lastTop.current - 1;
    lastTop.current = el.scrollTop;
    if (end !== atEnd.current && (end || scrolledUp)) {
      atEnd.current = end;
      onAtEndChange?.(end);
    } else if (!end && stick.current) {
      toEnd();
    }
    // One render per frame, however many scroll events the wheel sends.
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(el.scrollTop));
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  const rows: React.ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="absolute inset-x-0 min-w-max" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div ref={box} onScroll={onScroll} tabIndex={0} role="region" className={cn('overflow-auto focus-visible:outline-2 focus-visible:outline-blue-500', className)} {...aria}>
      <div className="relative min-w-full" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
});
