'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { TCloudTestResult } from '@/server/api/schemas/clouds';
import { Ago, useMinutesFormatter } from './ago';
import { CloudBadge, EnvironmentBadge } from './cloud-badges';
import { CloudAccountForm } from './cloud-account-form';
import { SyncHistoryDialog } from './sync-history-dialog';
import { LastSyncSummary, SyncJobError } from './sync-job-summary';
import { isSyncing, type CloudAccountRow, type RegionRow } from './sync-state';
import { useInventory } from './use-inventory';

export function CloudAccountsPanel({
  initialAccounts,
  initialRegions,
  canSync,
}: {
  initialAccounts: CloudAccountRow[];
  initialRegions: RegionRow[];
  canSync: boolean;
}) {
  const t = useTranslations('clouds');
  const tj = useTranslations('syncJobs');
  const inventory = useInventory({ regions: initialRegions, accounts: initialAccounts });
  const accounts = inventory.accounts;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<CloudAccountRow | null>(null);
  const [deleting, setDeleting] = useState<CloudAccountRow | null>(null);
  const [history, setHistory] = useState<CloudAccountRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600">
          {t('summary', { count: accounts.length })}
          {' · '}
          <Link href="/settings/regions" className="text-blue-700 hover:underline">
            {t('regionsLink')}
          </Link>
        </p>
        <Button variant="primary" onClick={() => setCreating(true)}>
          {t('add')}
        </Button>
      </div>
      {notice ? (
        <Alert tone="success">
          {notice}
          <button type="button" className="ml-3 text-xs underline" onClick={() => setNotice(null)}>
            {t('dismiss')}
          </button>
        </Alert>
      ) : null}
      {accounts.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">{t('empty')}</p>
      ) : (
        <Table aria-label={t('title')} className="relative min-w-[70rem]">
          <thead>
            <tr>
              <Th>{t('name')}</Th>
              <Th>{t('keyProject')}</Th>
              <Th>{t('endpoint')}</Th>
              <Th>{t('syncSettings')}</Th>
              <Th>{tj('lastSync')}</Th>
              <Th>{t('lastTest')}</Th>
              <Th>
                <span className="sr-only">{t('actions')}</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <AccountRow
                key={a.id}
                account={a}
                syncing={isSyncing(
                  inventory.regions.filter((r) => r.accountId === a.id),
                  [a],
                )}
                canSync={canSync}
                onSyncRequested={inventory.markRequested}
                onHistory={() => setHistory(a)}
                onEdit={() => setEditing(a)}
                onDelete={() => setDeleting(a)}
              />
            ))}
          </tbody>
        </Table>
      )}

      <Dialog open={creating} onClose={() => setCreating(false)} title={t('add')}>
        {creating ? (
          <CloudAccountForm
            onCancel={() => setCreating(false)}
            onDone={(name, enabled) => {
              setCreating(false);
              setNotice(enabled ? t('added', { name }) : t('addedDisabled', { name }));
              if (enabled) inventory.markRequested();
            }}
          />
        ) : null}
      </Dialog>
      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={editing ? t('editTitle', { name: editing.name }) : t('edit')}>
        {editing ? (
          <CloudAccountForm
            key={editing.id}
            account={editing}
            onCancel={() => setEditing(null)}
            onDone={(name) => {
              setEditing(null);
              setNotice(t('saved', { name }));
            }}
          />
        ) : null}
      </Dialog>
      <SyncHistoryDialog account={history} onClose={() => setHistory(null)} />
      <DeleteAccountDialog
        account={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(name) => {
          setDeleting(null);
          setNotice(t('deleted', { name }));
        }}
      />
    </div>
  );
}

function AccountRow({
  account: a,
  syncing,
  canSync,
  onSyncRequested,
  onHistory,
  onEdit,
  onDelete,
}: {
  account: CloudAccountRow;
  /** A sync of this account is live (a fresh heartbeat); a row left behind by a dead worker is not. */
  syncing: boolean;
  canSync: boolean;
  onSyncRequested: () => void;
  onHistory: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const t = useTranslations('clouds');
  const tj = useTranslations('syncJobs');
  const minutes = useMinutesFormatter();
  const utils = trpc.useUtils();
  const test = trpc.cloudAccount.test.useMutation({ onSettled: () => utils.cloudAccount.list.invalidate() });
  const sync = trpc.inventory.syncNow.useMutation({ onSuccess: onSyncRequested });
  const already = sync.data?.alreadyRunning[0];

  return (
    <Tr>
      <Td className="whitespace-nowrap">
        <span className="font-medium">{a.name}</span>
        <span className="mt-0.5 flex items-center gap-1">
          <CloudBadge cloud={a.cloud} />
          <EnvironmentBadge environment={a.environment} />
          {!a.enabled ? <Badge tone="neutral">{t('disabled')}</Badge> : null}
        </span>
      </Td>
      <Td className="font-mono text-xs whitespace-nowrap text-slate-700">
        <span className="block" data-testid="key-hint">
          {a.keyHint}
        </span>
        {a.projectId ? <span className="block text-slate-500">{a.projectId}</span> : null}
      </Td>
      <Td className="text-xs">
        <span className="flex items-center gap-1.5">
          {a.endpoint ? (
            <span className="max-w-56 truncate font-mono text-slate-700" title={a.endpoint}>
              {a.endpoint.replace(/^https?:\/\//, '')}
            </span>
          ) : (
            <span className="text-slate-500">{t('defaultEndpoint')}</span>
          )}
          {a.sandbox ? (
            <span data-testid="sandbox-badge">
              <Badge tone="amber">{t('sandbox')}</Badge>
            </span>
          ) : null}
        </span>
      </Td>
      <Td className="text-xs whitespace-nowrap" data-testid="sync-settings">
        <span className="block text-slate-800">{a.syncIntervalMinutes === 0 ? t('manualOnly') : t('every', { duration: minutes(a.syncIntervalMinutes) })}</span>
        <span className="block text-slate-500 tabular-nums">{t('syncDetail', { pageSize: a.imagePageSize, concurrency: a.syncConcurrency })}</span>
      </Td>
      <Td className="max-w-80 min-w-56 align-top! text-xs" aria-live="polite">
        <LastSyncSummary job={a.lastSync} />
        {a.lastSync ? (
          <button type="button" className="mt-0.5 text-xs text-blue-700 hover:underline" onClick={onHistory}>
            {tj('history')}
          </button>
        ) : null}
      </Td>
      <Td className="max-w-72 min-w-48 text-xs" aria-live="polite">
        <TestResult account={a} pending={test.isPending} result={test.data} requestError={test.error?.message} />
      </Td>
      <Td className="text-right whitespace-nowrap">
        <div className="ml-auto grid w-max grid-cols-2 gap-1 [&>button]:justify-self-stretch">
          <Button size="sm" disabled={test.isPending} onClick={() => test.mutate({ id: a.id })}>
            {test.isPending ? t('testing') : t('test')}
          </Button>
          {canSync ? (
            <Button size="sm" disabled={!a.enabled || syncing || sync.isPending} onClick={() => sync.mutate({ accountId: a.id })} title={!a.enabled ? t('disabledHint') : undefined}>
              {syncing ? t('syncing') : t('syncNow')}
            </Button>
          ) : null}
          <Button size="sm" variant="ghost" onClick={onEdit}>
            {t('edit')}
          </Button>
          <Button size="sm" variant="ghost" className="text-red-700! hover:bg-red-50!" onClick={onDelete}>
            {t('delete')}
          </Button>
        </div>
        {sync.error ? <p className="mt-1 text-xs text-red-700">{sync.error.message}</p> : null}
        {already ? (
          <p role="status" className="mt-1 ml-auto max-w-60 text-left text-xs whitespace-normal text-slate-600">
            {tj('alreadyRunning', { name: already.accountName, status: already.status })}
          </p>
        ) : null}
      </Td>
    </Tr>
  );
}

function TestResult({
  account: a,
  pending,
  result,
  requestError,
}: {
  account: CloudAccountRow;
  pending: boolean;
  result?: TCloudTestResult;
  requestError?: string;
}) {
  const t = useTranslations('clouds');
  if (pending) return <span className="text-slate-500">{t('testing')}</span>;
  if (requestError) return <p className="break-words text-red-700">{requestError}</p>;
  const ok = result ? result.ok : a.lastTestOk;
  if (ok === null || ok === undefined) return <span className="text-slate-500">{t('neverTested')}</span>;
  const error = result && !result.ok ? result.error : a.lastTestError;
  return (
    <div className="space-y-0.5" data-testid="test-result">
      <div className="flex items-center gap-1.5 whitespace-nowrap">
        {ok ? (
          <Badge tone="green">{result?.ok ? t('testOkRegions', { count: result.regions }) : t('testOk')}</Badge>
        ) : (
          <Badge tone="red">{t('testFailed')}</Badge>
        )}
        {a.lastTestAt ? <Ago date={a.lastTestAt} className="text-slate-500" /> : null}
      </div>
      {result && !result.ok ? (
        <SyncJobError job={result} />
      ) : !ok && error ? (
        <p className="line-clamp-3 break-words text-red-700" title={error}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function DeleteAccountDialog({ account, onClose, onDeleted }: { account: CloudAccountRow | null; onClose: () => void; onDeleted: (name: string) => void }) {
  const t = useTranslations('clouds');
  // The body mounts on each opening, so an earlier attempt's error never reappears.
  return (
    <Dialog open={account !== null} onClose={onClose} title={account ? t('deleteTitle', { name: account.name }) : t('delete')}>
      {account ? <DeleteAccountBody key={account.id} account={account} onClose={onClose} onDeleted={onDeleted} /> : null}
    </Dialog>
  );
}

function DeleteAccountBody({ account, onClose, onDeleted }: { account: CloudAccountRow; onClose: () => void; onDeleted: (name: string) => void }) {
  const t = useTranslations('clouds');
  const utils = trpc.useUtils();
  const remove = trpc.cloudAccount.delete.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.cloudAccount.list.invalidate(), utils.inventory.regions.invalidate(), utils.catalog.invalidate()]);
      onDeleted(account.name);
    },
  });
  return (
    <>
      <p className="text-sm text-slate-700">{t('deleteBody')}</p>
      {remove.error ? (
        <Alert tone="error" className="mt-3">
          {remove.error.message}
        </Alert>
      ) : null}
      <div className="mt-4 flex justify-end gap-2">
        <Button onClick={onClose}>{t('cancel')}</Button>
        <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: account.id })}>
          {t('deleteConfirm')}
        </Button>
      </div>
    </>
  );
}
