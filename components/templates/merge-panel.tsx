'use client';
import { useMemo, useState } from 'react';
import { useTranslations } from 'next-intl';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { mergeTemplates, revertedBy, type Side, type Value } from './json-merge';

/**
 * The three-way view of a refused (stale) save: each path that changed, with the value in the
 * version the user started from, in their newer version and in the user's edits. Changes that do
 * not overlap merge at once; overlapping ones are chosen one by one. "Keep mine" first lists
 * every change of theirs it would revert.
 */
export function MergePanel({
  baseVersion,
  baseBody,
  theirVersion,
  theirBody,
  mine,
  onMerge,
  onKeepMine,
  onDiscard,
}: {
  baseVersion: number;
  baseBody: string;
  theirVersion: number;
  theirBody: string;
  mine: string;
  onMerge: (merged: string) => void;
  onKeepMine: () => void;
  onDiscard: () => void;
}) {
  const t = useTranslations('editor.merge');
  const te = useTranslations('editor');
  const result = useMemo(() => mergeTemplates(baseBody, theirBody, mine), [baseBody, theirBody, mine]);
  const reverted = useMemo(() => revertedBy(baseBody, theirBody, mine), [baseBody, theirBody, mine]);
  const [choices, setChoices] = useState<Record<number, Side>>({});
  const [confirmKeep, setConfirmKeep] = useState(false);

  const show = (v: Value) => (v === undefined ? t('absent') : clip(JSON.stringify(v)));

  const keepMineButton = (
    <Button onClick={() => (reverted !== null && reverted.length === 0 ? onKeepMine() : setConfirmKeep(true))}>
      {te('keepMine', { version: theirVersion })}
    </Button>
  );
  const discardButton = <Button onClick={onDiscard}>{te('discardMine', { version: theirVersion })}</Button>;
  const keepDialog = (
    <ConfirmDialog
      open={confirmKeep}
      title={t('keepTitle', { version: theirVersion })}
      confirmLabel={t('keepConfirm', { count: reverted?.length ?? 0 })}
      cancelLabel={t('keepCancel')}
      danger
      onConfirm={() => {
        setConfirmKeep(false);
        onKeepMine();
      }}
      onCancel={() => setConfirmKeep(false)}
    >
      {reverted === null ? (
        <p>{t('keepUnknown', { version: theirVersion })}</p>
      ) : (
        <div className="space-y-2">
          <p>{t('keepBody', { count: reverted.length, version: theirVersion })}</p>
          <ul className="max-h-64 space-y-1 overflow-auto text-xs" aria-label={t('revertedLabel')}>
            {reverted.map((r) => (
              <li key={r.path} className="break-all">
                <code className="font-semibold">{r.path}</code>: {show(r.theirs)} → {show(r.mine)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </ConfirmDialog>
  );

  if (result.kind === 'unparseable') {
    return (
      <div className="space-y-2">
        <Alert tone="info">{t('unparseable', { which: result.which.map((w) => t(`sides.${w}`)).join(', ') })}</Alert>
        <div className="flex flex-wrap gap-2">
          {discardButton}
          {keepMineButton}
        </div>
        {keepDialog}
      </div>
    );
  }

  const theirsKept = result.autoMerged.filter((c) => c.side === 'theirs').length;
  const allChosen = result.conflicts.every((c) => choices[c.id] !== undefined);

  return (
    <section className="space-y-2 rounded-md border border-slate-200 bg-white p-3" aria-label={t('title')}>
      <h2 className="text-sm font-semibold">{t('title')}</h2>
      <p className="text-xs text-slate-600">
        {result.conflicts.length === 0 ? t('clean', { count: result.autoMerged.length }) : t('withConflicts', { count: result.conflicts.length })}
      </p>
      <div>
        {/* A table on wide screens; on a phone each change stacks its labelled values. */}
        <table className="block w-full text-left text-xs sm:table">
          <thead className="hidden text-slate-500 sm:table-header-group">
            <tr>
              <th className="py-1 pr-2 font-medium">{t('path')}</th>
              <th className="py-1 pr-2 font-medium">{t('baseColumn', { version: baseVersion })}</th>
              <th className="py-1 pr-2 font-medium">{t('theirsColumn', { version: theirVersion })}</th>
              <th className="py-1 pr-2 font-medium">{t('mineColumn')}</th>
            </tr>
          </thead>
          <tbody className="block align-top sm:table-row-group">
            {result.conflicts.map((c) => (
              <tr key={`c${c.id}`} className="block border-t border-slate-100 bg-amber-50 py-1 sm:table-row sm:py-0">
                <th scope="row" className="block py-1 pr-2 sm:table-cell font-mono font-semibold break-all">
                  {c.path}
                  <span className="ml-1 font-sans font-normal text-amber-800">{t('conflict')}</span>
                </th>
                <td className="block py-0.5 pr-2 font-mono break-all text-slate-500 sm:table-cell sm:py-1">
                  <Label text={t('baseColumn', { version: baseVersion })} />
                  {show(c.base)}
                </td>
                {(['theirs', 'mine'] as const).map((side) => (
                  <td key={side} className="block py-0.5 pr-2 font-mono break-all sm:table-cell sm:py-1">
                    <label className="flex items-start gap-1">
                      <input
                        type="radio"
                        name={`merge-${c.id}`}
                        className="mt-0.5"
                        checked={choices[c.id] === side}
                        onChange={() => setChoices((s) => ({ ...s, [c.id]: side }))}
                        aria-label={t(side === 'theirs' ? 'takeTheirs' : 'takeMine', { path: c.path })}
                      />
                      <span>
                        <Label text={side === 'theirs' ? t('theirsColumn', { version: theirVersion }) : t('mineColumn')} />
                        {show(side === 'theirs' ? c.theirs : c.mine)}
                      </span>
                    </label>
                  </td>
                ))}
              </tr>
            ))}
            {result.autoMerged.map((c) => (
              <tr key={`a${c.side}${c.path}`} className="block border-t border-slate-100 py-1 sm:table-row sm:py-0">
                <th scope="row" className="block py-1 pr-2 sm:table-cell font-mono font-normal break-all">
                  {c.path}
                  <span className="ml-1 font-sans text-slate-500">{t(`taken.${c.side}`)}</span>
                </th>
                <td className="block py-0.5 pr-2 font-mono break-all text-slate-500 sm:table-cell sm:py-1">
                  <Label text={t('baseColumn', { version: baseVersion })} />
                  {show(c.base)}
                </td>
                <td className={`block py-0.5 pr-2 font-mono break-all sm:table-cell sm:py-1 ${c.side === 'mine' ? 'text-slate-500' : 'text-emerald-800'}`}>
                  <Label text={t('theirsColumn', { version: theirVersion })} />
                  {show(c.theirs)}
                </td>
                <td className={`block py-0.5 pr-2 font-mono break-all sm:table-cell sm:py-1 ${c.side === 'theirs' ? 'text-slate-500' : 'text-emerald-800'}`}>
                  <Label text={t('mineColumn')} />
                  {show(c.mine)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap gap-2">
        {result.conflicts.length === 0 ? (
          <Button variant="primary" onClick={() => onMerge(result.merged ?? '')}>
            {t('mergeBoth', { count: theirsKept })}
          </Button>
        ) : (
          <Button variant="primary" disabled={!allChosen} onClick={() => onMerge(result.resolve(choices))}>
            {t('apply')}
          </Button>
        )}
        {discardButton}
        {keepMineButton}
      </div>
      {keepDialog}
    </section>
  );
}

/** The column's name before a value, shown only where the table stacks (phones). */
function Label({ text }: { text: string }) {
  return <span className="mr-1 font-sans text-slate-500 sm:hidden">{text}:</span>;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
