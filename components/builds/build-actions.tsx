'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/field';

/**
 * Retry (what did not succeed: failed, interrupted and cancelled runs; only the failed copies of
 * a run whose image exists) and Rebuild (the same version, targets, variables and resolved base
 * images, as a new build). `onRetried` re-reads the build: its live stream had ended.
 */
export function BuildActions({
  buildId,
  canRetry,
  canRebuild,
  sensitiveNames,
  onRetried,
}: {
  buildId: string;
  canRetry: boolean;
  canRebuild: boolean;
  sensitiveNames: string[];
  onRetried: () => void;
}) {
  const t = useTranslations('builds.detail');
  const router = useRouter();
  const retry = trpc.build.retry.useMutation({ onSuccess: onRetried });
  const rebuild = trpc.build.rebuild.useMutation({ onSuccess: (started) => router.push(`/builds/${started.buildId}`) });
  const [asking, setAsking] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const error = retry.error ?? rebuild.error;

  function startRebuild() {
    if (sensitiveNames.length && !asking) {
      setAsking(true);
      return;
    }
    rebuild.mutate({ buildId, sensitiveVariables: sensitiveNames.map((name) => ({ name, value: values[name] ?? '' })) });
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap justify-end gap-2">
        {canRetry ? (
          <Button disabled={retry.isPending} onClick={() => retry.mutate({ buildId })} title={t('retryHint')}>
            {retry.isPending ? t('retrying') : t('retry')}
          </Button>
        ) : null}
        {canRebuild ? (
          <Button disabled={rebuild.isPending} onClick={startRebuild} title={t('rebuildHint')}>
            {rebuild.isPending ? t('rebuilding') : t('rebuild')}
          </Button>
        ) : null}
      </div>
      {error && !asking ? <p className="text-sm text-red-700">{error.message}</p> : null}
      <Dialog open={asking} onClose={() => setAsking(false)} title={t('rebuildSensitiveTitle')}>
        <form
          className="space-y-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            startRebuild();
          }}
        >
          <p className="text-slate-700">{t('rebuildSensitiveBody')}</p>
          {sensitiveNames.map((name) => (
            <Field key={name} label={name}>
              {(field) => <Input {...field} type="password" autoComplete="off" value={values[name] ?? ''} onChange={(e) => setValues({ ...values, [name]: e.target.value })} />}
            </Field>
          ))}
          {rebuild.error ? <p className="text-red-700">{rebuild.error.message}</p> : null}
          <div className="flex justify-end gap-2">
            <Button type="button" onClick={() => setAsking(false)}>
              {t('notNow')}
            </Button>
            <Button type="submit" variant="primary" disabled={rebuild.isPending || sensitiveNames.some((n) => !values[n])}>
              {t('rebuild')}
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
