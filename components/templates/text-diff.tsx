'use client';
import { useEffect, useRef } from 'react';
import { MergeView } from '@codemirror/merge';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';

/*
 * @codemirror/merge draws the folded-lines bar with "⦚" (U+299A) before and after its text, a
 * glyph Debian's Chromium fonts lack (it renders as a missing-glyph box). An inline SVG (two
 * chevrons, "unfold") needs no font at all.
 */
const UNFOLD_ICON = `url("data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12" fill="none" stroke="#64748b" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"><path d="M3 4.5 6 1.5 9 4.5M3 7.5 6 10.5 9 7.5"/></svg>',
)}")`;
const foldMarkerTheme = EditorView.theme({
  '.cm-collapsedLines': { display: 'flex', alignItems: 'center', gap: '6px', fontFamily: 'inherit' },
  '.cm-collapsedLines:before, .cm-collapsedLines:after': {
    content: '""',
    display: 'inline-block',
    width: '12px',
    height: '12px',
    margin: '0',
    backgroundImage: UNFOLD_ICON,
    backgroundRepeat: 'no-repeat',
    backgroundSize: '12px 12px',
  },
});

/** Side-by-side, read-only diff of two template bodies. */
export function TextDiff({
  left,
  right,
  leftLabel,
  rightLabel,
}: {
  left: string;
  right: string;
  leftLabel: string;
  rightLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const side = (doc: string, label: string) => ({
      doc,
      extensions: [
        lineNumbers(),
        json(),
        EditorView.editable.of(false),
        EditorState.readOnly.of(true),
        EditorView.lineWrapping,
        foldMarkerTheme,
        EditorView.contentAttributes.of({ 'aria-label': label }),
      ],
    });
    const view = new MergeView({
      a: side(left, leftLabel),
      b: side(right, rightLabel),
      parent: host.current,
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    return () => view.destroy();
  }, [left, right, leftLabel, rightLabel]);

  return (
    <div className="overflow-hidden rounded-md border border-slate-300 bg-white">
      <div className="grid grid-cols-2 border-b border-slate-200 bg-slate-50 text-xs font-medium text-slate-600">
        <div className="truncate px-3 py-1.5">{leftLabel}</div>
        <div className="truncate border-l border-slate-200 px-3 py-1.5">{rightLabel}</div>
      </div>
      <div ref={host} data-testid="text-diff" />
    </div>
  );
}
