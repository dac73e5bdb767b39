'use client';
import { useEffect, useRef } from 'react';
import { MergeView } from '@codemirror/merge';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';

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
