'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Select } from '@/components/ui/field';
import { appErrorOf } from '@/server/api/schemas/errors';

export type RegionStrategyRow = RouterOutputs['regionStrategy']['list'][number];

export const strategyKey = (cloud: string, region: string) => `${cloud}:${region}`;

/** The error of a strategy mutation in the reader's language. */
function useStrategyError(error: { message: string; data?: unknown } | null): string | null {
  const t = useTranslations('regionStrategy');
  if (!error) return null;
  const app = appErrorOf(error.data);
  return app?.appCode === 'REGION_STRATEGY_REFUSED' ? t(`refusals.${app.details.reason}`) : error.message;
}

/** The "Build strategy" cell: the current strategy, the inventory's suggestion, Apply and Edit for admins. */
export function RegionStrategyCell({ strategy, all, canEdit }: { strategy: RegionStrategyRow | undefined; all: RegionStrategyRow[]; canEdit: boolean }) {
  const t = useTranslations('regionStrategy');
  const utils = trpc.useUtils();
  const [editing, setEditing] = useState(false);
  const apply = trpc.regionStrategy.applySuggestion.useMutation({ onSuccess: () => utils.regionStrategy.list.invalidate() });
  const applyError = useStrategyError(apply.error);
  if (!strategy) return null;
  const s = strategy.suggestion;
  const followsSuggestion = s?.sourceRegion && strategy.mode === 'copy' && strategy.sourceRegion === s.sourceRegion;
  return (
    <div className="space-y-1 text-xs" data-testid={`strategy-${strategy.cloud}-${strategy.region}`}>
      <div className="flex items-center gap-1.5 whitespace-nowrap">
        {strategy.mode === 'copy' ? <Badge tone="blue">{t('copyFrom', { region: strategy.sourceRegion ?? '?' })}</Badge> : <span className="text-slate-700">{t('buildHere')}</span>}
        {canEdit ? (
          <Button size="sm" variant="ghost" className="h-6 px-1.5" onClick={() => setEditing(true)} aria-label={`${t('edit')} ${strategy.region}`}>
            {t('edit')}
          </Button>
        ) : null}
      </div>
      {s && !followsSuggestion ? (
        <div className="max-w-64 rounded border border-amber-200 bg-amber-50 px-1.5 py-1 text-amber-900">
          <p>{s.problems.map((p) => t(`problems.${p}`)).join('; ')}</p>
          <div className="mt-0.5 flex items-center gap-1.5">
            <span className="font-medium">{s.sourceRegion ? t('suggested', { region: s.sourceRegion }) : t('suggestedNone')}</span>
            {canEdit && s.sourceRegion ? (
              <Button size="sm" className="h-6 px-1.5" disabled={apply.isPending} onClick={() => apply.mutate({ cloud: strategy.cloud, region: strategy.region })}>
                {t('apply')}
              </Button>
            ) : null}
          </div>
        </div>
      ) : null}
      {applyError ? (
        <p role="alert" className="max-w-64 text-red-700">
          {applyError}
        </p>
      ) : null}
      {editing ? <StrategyDialog strategy={strategy} all={all} onClose={() => setEditing(false)} /> : null}
    </div>
  );
}

function StrategyDialog({ strategy, all, onClose }: { strategy: RegionStrategyRow; all: RegionStrategyRow[]; onClose: () => void }) {
  const t = useTranslations('regionStrategy');
  const utils = trpc.useUtils();
  const [mode, setMode] = useState<'build' | 'copy'>(strategy.mode);
  const [source, setSource] = useState(strategy.sourceRegion ?? strategy.suggestion?.sourceRegion ?? '');
  const set = trpc.regionStrategy.set.useMutation({
    onSuccess: async () => {
      await utils.regionStrategy.list.invalidate();
      onClose();
    },
  });
  const error = useStrategyError(set.error);
  // Same cloud, not itself, in the inventory, and building itself (no chains).
  const sources = all.filter((r) => r.cloud === strategy.cloud && r.region !== strategy.region && r.inInventory && r.mode === 'build');
  const cloudName = strategy.cloud === 'aws' ? 'AWS' : 'UCloud';
  return (
    <Dialog open onClose={onClose} title={t('editTitle', { region: strategy.region })}>
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate(mode === 'copy' ? { cloud: strategy.cloud, region: strategy.region, mode, sourceRegion: source } : { cloud: strategy.cloud, region: strategy.region, mode });
        }}
      >
        <fieldset className="space-y-1.5">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="build" checked={mode === 'build'} onChange={() => setMode('build')} autoFocus={mode === 'build'} />
            {t('modeBuild')}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="copy" checked={mode === 'copy'} onChange={() => setMode('copy')} autoFocus={mode === 'copy'} />
            {t('modeCopy', { cloud: cloudName })}
          </label>
        </fieldset>
        {mode === 'copy' ? (
          <Field label={t('source')}>
            {(props) => (
              <Select {...props} value={source} onChange={(e) => setSource(e.target.value)} required>
                <option value="">{t('sourcePlaceholder')}</option>
                {sources.map((r) => (
                  <option key={r.region} value={r.region}>
                    {r.region} · {r.name}
                    {r.region === strategy.suggestion?.sourceRegion ? ` (${t('suggested', { region: r.region })})` : ''}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : null}
        {strategy.suggestion ? <p className="text-xs text-amber-800">{strategy.suggestion.problems.map((p) => t(`problems.${p}`)).join('; ')}</p> : null}
        {error ? (
          <p role="alert" className="text-xs text-red-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="submit" variant="primary" disabled={set.isPending || (mode === 'copy' && !source)}>
            {t('save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The strategy in a few words, under the region's name on narrow screens (the column is off to the side there). */
export function RegionStrategySummary({ strategy }: { strategy: RegionStrategyRow | undefined }) {
  const t = useTranslations('regionStrategy');
  if (!strategy) return null;
  const s = strategy.suggestion;
  return (
    <span className="mt-0.5 block text-xs lg:hidden">
      {strategy.mode === 'copy' ? <Badge tone="blue">{t('copyFrom', { region: strategy.sourceRegion ?? '?' })}</Badge> : <span className="text-slate-600">{t('buildHere')}</span>}
      {s?.sourceRegion && !(strategy.mode === 'copy' && strategy.sourceRegion === s.sourceRegion) ? (
        <span className="block text-amber-800">{t('suggested', { region: s.sourceRegion })}</span>
      ) : null}
    </span>
  );
}
