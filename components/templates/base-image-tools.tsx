'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useFormatter, useTranslations } from 'next-intl';
import type { Extension, Text } from '@codemirror/state';
import { Decoration, EditorView, hoverTooltip, keymap, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { trpc } from '@/app/_trpc/react';
import { cn } from '@/components/ui/cn';
import { BaseImagePicker, type ImageFacts } from './base-image-picker';
import { builderAt, imageChange, imageIdAt, imageIdsIn, locateBuilders, type LocatedBuilder } from './builder-locator';

const FACTS_DEBOUNCE_MS = 400;

// One parse per document version, shared by the widgets, the cursor and the key binding.
const located = new WeakMap<Text, LocatedBuilder[]>();
function buildersOf(doc: Text): LocatedBuilder[] {
  let list = located.get(doc);
  if (!list) {
    list = locateBuilders(doc.toString());
    located.set(doc, list);
  }
  return list;
}

class PickWidget extends WidgetType {
  constructor(
    readonly index: number,
    readonly text: string,
    readonly label: string,
    readonly open: (index: number) => void,
  ) {
    super();
  }
  eq(other: PickWidget) {
    return other.index === this.index && other.text === this.text && other.label === this.label;
  }
  toDOM() {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'cm-pick-image';
    // Drawn by CSS, not a text node: the line's text (what tests and assistive tools read from
    // .cm-line) stays exactly the document's.
    button.dataset['label'] = this.text;
    button.title = this.label;
    button.setAttribute('aria-label', this.label);
    button.addEventListener('mousedown', (e) => e.preventDefault());
    button.addEventListener('click', (e) => {
      e.preventDefault();
      this.open(this.index);
    });
    return button;
  }
  ignoreEvent() {
    return true;
  }
}

const theme = EditorView.baseTheme({
  '.cm-pick-image': {
    marginLeft: '0.5em',
    padding: '0 0.4em',
    border: '1px solid #cbd5e1',
    borderRadius: '4px',
    background: '#f8fafc',
    color: '#1d4ed8',
    font: '11px/1.5 ui-sans-serif, system-ui, sans-serif',
    cursor: 'pointer',
    verticalAlign: 'middle',
  },
  '.cm-pick-image::after': { content: 'attr(data-label)' },
  '.cm-pick-image:hover': { background: '#eff6ff', borderColor: '#93c5fd' },
  '.cm-image-facts': { padding: '6px 8px', maxWidth: '22rem', font: '12px/1.45 ui-sans-serif, system-ui, sans-serif', color: '#0f172a' },
  '.cm-image-facts-title': { fontWeight: '600', marginBottom: '2px' },
  '.cm-image-facts-id': { fontFamily: 'ui-monospace, monospace', color: '#475569' },
  '.cm-image-facts dl': { display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: '8px', margin: '4px 0 0' },
  '.cm-image-facts dt': { color: '#64748b' },
  '.cm-image-facts dd': { margin: '0' },
  '.cm-image-facts-removed': { color: '#b91c1c' },
});

/**
 * The editor's base image tools: a per-builder "Base images" toolbar, a small "catalog…" button
 * after every source_image_id / source_ami value and Alt+Enter inside a builder (all open the
 * picker for that builder), hover facts for every image id (one batched, debounced query for all
 * the ids of the text), and the pick itself as one undoable edit.
 */
export function useBaseImageTools({ body, canEdit }: { body: string; canEdit: boolean }) {
  const t = useTranslations('imagePicker');
  const format = useFormatter();
  const view = useRef<EditorView | null>(null);
  const [picking, setPicking] = useState<LocatedBuilder | null>(null);
  const [activeIndex, setActiveIndex] = useState<number | null>(null);
  const builders = useMemo(() => locateBuilders(body), [body]);

  // Hover facts: every image id of the text, asked for together once typing pauses.
  const ids = useMemo(() => imageIdsIn(body), [body]);
  const [askedIds, setAskedIds] = useState(ids);
  useEffect(() => {
    const timer = setTimeout(() => setAskedIds((prev) => (prev.join() === ids.join() ? prev : ids)), FACTS_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [ids]);
  const factsQuery = trpc.catalog.imageFacts.useQuery({ imageIds: askedIds }, { placeholderData: keepPreviousData, staleTime: 60_000 });
  const facts = useMemo(() => new Map((factsQuery.data ?? []).map((f) => [f.imageId, f])), [factsQuery.data]);

  const open = useCallback(
    (index: number) => {
      const doc = view.current?.state.doc;
      const builder = doc ? buildersOf(doc).find((b) => b.index === index) : builders.find((b) => b.index === index);
      if (builder && canEdit) setPicking(builder);
    },
    [builders, canEdit],
  );

  // The CodeMirror side reads the latest values through refs: its extensions are made once.
  const utils = trpc.useUtils();
  const lookUp = useCallback(
    async (id: string) => (await utils.catalog.imageFacts.fetch({ imageIds: [id] }, { staleTime: 60_000 })).find((f) => f.imageId === id) ?? null,
    [utils],
  );
  const settled = factsQuery.isSuccess && !factsQuery.isFetching;
  const latest = useRef({ open, facts, askedIds, settled, lookUp, t, format, canEdit });
  latest.current = { open, facts, askedIds, settled, lookUp, t, format, canEdit };

  const extensions = useMemo<Extension[]>(() => {
    const widgets = (v: EditorView): DecorationSet => {
      const { t: tr, canEdit: editable } = latest.current;
      if (!editable) return Decoration.none;
      const marks = buildersOf(v.state.doc)
        .filter((b) => b.imageValue)
        .map((b) =>
          Decoration.widget({
            widget: new PickWidget(b.index, tr('widget'), tr('pickFor', { builder: b.name }), (i) => latest.current.open(i)),
            side: 1,
          }).range(b.imageValue!.to),
        );
      return Decoration.set(marks, true);
    };
    const plugin = ViewPlugin.fromClass(
      class {
        decorations: DecorationSet;
        constructor(v: EditorView) {
          view.current = v;
          this.decorations = widgets(v);
        }
        update(u: ViewUpdate) {
          view.current = u.view;
          if (u.docChanged) this.decorations = widgets(u.view);
          if (u.docChanged || u.selectionSet) {
            const at = builderAt(buildersOf(u.state.doc), u.state.selection.main.head);
            setActiveIndex(at?.index ?? null);
          }
        }
        destroy() {
          view.current = null;
        }
      },
      { decorations: (p) => p.decorations },
    );
    const hover = hoverTooltip(async (v, pos) => {
      const offset = Math.max(0, pos - 60);
      const hit = imageIdAt(v.state.doc.sliceString(offset, pos + 60), pos - offset);
      if (!hit) return null;
      const { facts: known, askedIds: asked, settled, lookUp } = latest.current;
      // The batched answer covers the text as it was a moment ago; an id typed since is looked up alone.
      let f: ImageFacts | null | undefined = known.get(hit.id);
      if (!f) f = settled && asked.includes(hit.id) ? null : await lookUp(hit.id).catch(() => undefined);
      return {
        pos: offset + hit.from,
        end: offset + hit.to,
        above: true,
        create: () => ({ dom: factsDom(hit.id, f) }),
      };
    });
    /** f: the facts; null: not in the catalog; undefined: could not be looked up. */
    const factsDom = (id: string, f: ImageFacts | null | undefined): HTMLElement => {
      const { t: tr, format: fmt } = latest.current;
      const el = (tag: string, cls?: string, text?: string) => {
        const e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined) e.textContent = text;
        return e;
      };
      const root = el('div', 'cm-image-facts');
      root.setAttribute('data-testid', 'image-facts');
      if (!f) {
        root.append(el('div', 'cm-image-facts-id', id), el('div', undefined, f === null ? tr('hover.notInCatalog') : tr('hover.unavailable')));
        return root;
      }
      root.append(el('div', 'cm-image-facts-title', f.name), el('div', 'cm-image-facts-id', id));
      const dl = el('dl');
      const row = (label: string, value: string, cls?: string) => dl.append(el('dt', undefined, label), el('dd', cls, value));
      row(tr('hover.os'), [[f.osFamily, f.osVersion].filter(Boolean).join(' ') || f.osName, f.architecture].filter(Boolean).join(' · '));
      row(tr('hover.regions'), f.regions.map((r) => (r.status === 'removed' ? `${r.region} (${tr('hover.removed')})` : r.region)).join(', '));
      row(tr('hover.cpu'), f.cpuPlatforms.length > 0 ? f.cpuPlatforms.join(', ') : tr('anyCpu'));
      if (f.enaSupport !== null) row(tr('hover.ena'), f.enaSupport ? tr('hover.yes') : tr('hover.no'));
      if (f.sizeGb !== null) row(tr('hover.size'), tr('sizeGb', { size: f.sizeGb }));
      if (f.imageCreatedAt) {
        const now = new Date();
        row(tr('hover.created'), `${fmt.relativeTime(f.imageCreatedAt > now ? now : f.imageCreatedAt, now)} · ${fmt.dateTime(f.imageCreatedAt, { dateStyle: 'medium' })}`);
      }
      row(tr('hover.status'), f.status === 'removed' ? tr('hover.removed') : tr('hover.available'), f.status === 'removed' ? 'cm-image-facts-removed' : undefined);
      root.append(dl);
      return root;
    };
    const keys = keymap.of([
      {
        key: 'Alt-Enter',
        run: (v) => {
          if (!latest.current.canEdit) return false;
          const at = builderAt(buildersOf(v.state.doc), v.state.selection.main.head);
          if (!at) return false;
          latest.current.open(at.index);
          return true;
        },
      },
    ]);
    return [theme, plugin, hover, keys];
  }, []);

  const pick = (imageId: string) => {
    const v = view.current;
    const target = picking;
    setPicking(null);
    if (!v || !target) return;
    const text = v.state.doc.toString();
    // The text may have changed while the dialog was open: find the builder again by position.
    const builder = locateBuilders(text).find((b) => b.index === target.index && b.type === target.type);
    if (!builder) return;
    const change = imageChange(text, builder, imageId);
    const start = change.from + change.insert.lastIndexOf(JSON.stringify(imageId)) + 1;
    v.dispatch({
      changes: change,
      selection: { anchor: start, head: start + imageId.length },
      effects: EditorView.scrollIntoView(start, { y: 'center' }),
      userEvent: 'input.pick',
    });
    setTimeout(() => v.focus(), 0);
  };
  const close = () => {
    setPicking(null);
    // The native dialog hands focus back to what opened it; the editor is where work goes on.
    setTimeout(() => view.current?.focus(), 0);
  };

  const toolbar =
    canEdit && builders.length > 0 ? (
      <div role="toolbar" aria-label={t('toolbar')} title={t('toolbarHint')} className="flex flex-wrap items-center gap-1.5 text-xs">
        <span className="font-medium text-slate-600">{t('toolbar')}</span>
        {builders.map((b) => (
          <button
            key={`${b.index}-${b.name}`}
            type="button"
            aria-label={t('pickFor', { builder: b.name })}
            onClick={() => open(b.index)}
            className={cn(
              'inline-flex h-6 max-w-[16rem] items-center gap-1 rounded border px-2 text-slate-700 hover:border-blue-300 hover:bg-blue-50',
              activeIndex === b.index ? 'border-blue-400 bg-blue-50 text-blue-800' : 'border-slate-300 bg-white',
            )}
          >
            <span className="truncate font-medium">{b.name}</span>
            <span className="shrink-0 text-slate-500">· {b.region ?? '?'}</span>
          </button>
        ))}
      </div>
    ) : null;

  const dialog = picking ? (
    <BaseImagePicker
      key={`${picking.index}-${picking.name}`}
      builder={picking}
      current={picking.image ? pickFacts(facts.get(picking.image), picking) : undefined}
      onPick={pick}
      onClose={close}
    />
  ) : null;

  return { extensions, toolbar, dialog };
}

/** The current image's facts pre-fill the picker's OS filter only when they are of the builder's cloud. */
function pickFacts(f: ImageFacts | undefined, b: LocatedBuilder): ImageFacts | undefined {
  return f && f.regions.some((r) => r.cloud === b.cloud) ? f : undefined;
}
