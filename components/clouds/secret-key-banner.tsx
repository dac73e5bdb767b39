'use client';
import { useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import type { TSecretKeyStatus } from '@/server/api/schemas/clouds';
import { Alert } from '@/components/ui/alert';

const ROTATE = 'npm run secrets -- rotate --from OLD --to NEW';

/**
 * Shown when the current CONSOLE_SECRET_KEY cannot open some accounts' stored keys (their syncs
 * and builds fail until it is fixed). Server-rendered from the page's data, so nothing jumps.
 */
export function SecretKeyBanner({ initial }: { initial: TSecretKeyStatus }) {
  const t = useTranslations('clouds.secretKey');
  // Refreshed after saves (an account re-entered with its keys drops out of the list).
  const status = trpc.cloudAccount.keyStatus.useQuery(undefined, { initialData: initial, refetchInterval: 60_000 });
  const accounts = status.data.undecryptable;
  if (accounts.length === 0) return null;
  return (
    <Alert tone="error" title={t('title', { count: accounts.length })}>
      <p>{t('body', { count: accounts.length, accounts: accounts.map((a) => a.name).join(', ') })}</p>
      <p className="mt-1">{t('fix')}</p>
      <code className="mt-1 block w-fit max-w-full overflow-x-auto rounded bg-white/70 px-2 py-1 font-mono text-xs text-slate-900">{ROTATE}</code>
      <p className="mt-1">{t('reenter')}</p>
    </Alert>
  );
}
