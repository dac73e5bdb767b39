'use client';
import { useRef } from 'react';
import { useTranslations } from 'next-intl';
import type { RouterOutputs } from '@/app/_trpc/react';
import { Badge } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';

type Newer = RouterOutputs['template']['list'][number]['newerImages'];

/**
 * "newer base image available" with a tooltip naming the newer image of each builder, shown on
 * hover and on keyboard focus. The tooltip is a popover (the browser's top layer), so the table's
 * scrolling wrapper cannot clip it; screen readers read it through aria-describedby.
 */
export function NewerBaseImageBadge({ templateId, newer }: { templateId: string; newer: Newer }) {
  const t = useTranslations('imagePicker.list');
  const trigger = useRef<HTMLSpanElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  if (newer.length === 0) return null;
  const id = `newer-image-${templateId}`;
  const show = () => {
    const el = tip.current;
    const at = trigger.current?.getBoundingClientRect();
    if (!el || !at || el.matches(':popover-open')) return;
    el.showPopover();
    const width = el.offsetWidth;
    const left = Math.max(8, Math.min(at.left, window.innerWidth - width - 8));
    const below = at.bottom + 4 + el.offsetHeight <= window.innerHeight;
    el.style.left = `${left}px`;
    el.style.top = `${below ? at.bottom + 4 : Math.max(8, at.top - 4 - el.offsetHeight)}px`;
  };
  const hide = () => {
    if (tip.current?.matches(':popover-open')) tip.current.hidePopover();
  };
  return (
    <span className="mt-1 inline-block">
      <span
        ref={trigger}
        tabIndex={0}
        aria-describedby={id}
        onMouseEnter={show}
        onMouseLeave={hide}
        onFocus={show}
        onBlur={hide}
        onKeyDown={(e) => {
          if (e.key === 'Escape') hide();
        }}
        className="inline-block rounded outline-none focus-visible:ring-2 focus-visible:ring-blue-500/40"
      >
        <Badge tone="amber">{t('newer')}</Badge>
      </span>
      <div
        ref={tip}
        id={id}
        role="tooltip"
        popover="manual"
        className="fixed m-0 w-[min(26rem,calc(100vw-1rem))] rounded-md border border-slate-200 bg-white p-2 text-xs text-slate-700 shadow-lg"
      >
        <p className="mb-1 font-semibold">{t('newerLabel')}</p>
        {newer.map((n) => (
          <p key={`${n.builder}|${n.imageId}`} className="py-0.5">
            {t('newerDetail', { builder: n.builder, region: n.region, newer: n.newerName, newerId: n.newerImageId, current: n.currentName, currentId: n.imageId })}{' '}
            <span className="text-slate-500">
              {t('created')} <DateTime date={n.newerCreatedAt} style="date" />
            </span>
          </p>
        ))}
      </div>
    </span>
  );
}
