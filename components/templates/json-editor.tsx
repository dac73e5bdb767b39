'use client';
import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef } from 'react';
import CodeMirror, { type ReactCodeMirrorRef } from '@uiw/react-codemirror';
import { json } from '@codemirror/lang-json';
import { lintGutter, linter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorView, keymap } from '@codemirror/view';
import { Prec, type Extension } from '@codemirror/state';

export interface EditorMark {
  from: number;
  to: number;
  message: string;
}

export interface JsonEditorHandle {
  /** Moves the cursor to an offset and focuses the editor (from the issue list). */
  reveal(offset: number): void;
}

interface Props {
  value: string;
  onChange?: (value: string) => void;
  onSave?: () => void;
  marks?: EditorMark[];
  readOnly?: boolean;
  label: string;
  height?: string;
  /** More CodeMirror extensions (hover facts, the base image action); keep the array stable. */
  extensions?: Extension[];
}

export const JsonEditor = forwardRef<JsonEditorHandle, Props>(function JsonEditor(
  { value, onChange, onSave, marks = [], readOnly, label, height = '60vh', extensions: extra },
  ref,
) {
  const cm = useRef<ReactCodeMirrorRef>(null);
  const saveRef = useRef(onSave);
  saveRef.current = onSave;

  useImperativeHandle(ref, () => ({
    reveal(offset) {
      const view = cm.current?.view;
      if (!view) return;
      const pos = Math.min(offset, view.state.doc.length);
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      view.focus();
    },
  }));

  const extensions = useMemo(
    () => [
      json(),
      // The lint state in the base configuration (no source: the server's check sets the
      // diagnostics). Otherwise setDiagnostics appends it, and any reconfigure (a changed
      // extension or handler) drops it with the squiggles while the gutter keeps its dots.
      linter(null),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label }),
      // Mod-s saves instead of opening the browser's "save page" dialog.
      Prec.highest(
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              saveRef.current?.();
              return true;
            },
          },
        ]),
      ),
      ...(extra ?? []),
    ],
    [label, extra],
  );

  // Server-side validation results become editor diagnostics (squiggles + gutter markers).
  useEffect(() => {
    const view = cm.current?.view;
    if (!view) return;
    const len = view.state.doc.length;
    const diagnostics: Diagnostic[] = marks.map((m) => {
      const from = Math.max(0, Math.min(m.from, len));
      const to = Math.max(from, Math.min(Math.max(m.to, m.from + 1), len));
      return { from, to, severity: 'error', message: m.message };
    });
    view.dispatch(setDiagnostics(view.state, diagnostics));
  }, [marks, value]);

  return (
    <div className="overflow-hidden rounded-md border border-slate-300 bg-white" style={{ height }}>
      <CodeMirror
        ref={cm}
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        editable={!readOnly}
        extensions={extensions}
        // The wrapper must fill the box too: otherwise the editor grows with its text, the box
        // clips it, and CodeMirror's own scroller (reveal, scroll-into-view) never scrolls.
        className="h-full"
        height="100%"
        basicSetup={{ foldGutter: true, highlightActiveLine: !readOnly, autocompletion: false }}
      />
    </div>
  );
});
