'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DateTime } from '@/components/ui/date-time';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { useAuthorText, useCommitMessageText } from './commit-message';
import { TemplateStatusBadge } from './template-badges';

type Versions = RouterOutputs['template']['versions'];

export function VersionHistory({
  templateId,
  latestVersion,
  versions,
  canRestore,
}: {
  templateId: string;
  latestVersion: number;
  versions: Versions;
  canRestore: boolean;
}) {
  const t = useTranslations('history');
  const commitMessage = useCommitMessageText();
  const authorText = useAuthorText();
  const router = useRouter();
  // Default comparison: the latest against the one before it.
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]?.version ?? 1);
  const [to, setTo] = useState(versions[0]?.version ?? 1);
  const [confirmRestore, setConfirmRestore] = useState<number | null>(null);
  const restore = trpc.template.restore.useMutation({
    onSuccess: () => {
      router.push(`/templates/${templateId}`);
      router.refresh();
    },
  });

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Link
          href={`/templates/${templateId}/diff?from=${Math.min(from, to)}&to=${Math.max(from, to)}`}
          aria-disabled={from === to}
          className={`inline-flex h-8 items-center rounded-md border px-3 text-sm font-medium ${from === to ? 'pointer-events-none border-slate-200 text-slate-400' : 'border-slate-300 bg-white hover:bg-slate-50'}`}
        >
          {t('compare', { from: Math.min(from, to), to: Math.max(from, to) })}
        </Link>
        <span className="text-xs text-slate-500">{t('compareHint')}</span>
      </div>
      {restore.error ? <Alert tone="error">{restore.error.message}</Alert> : null}
      <Table aria-label={t('title')} className="min-w-[40rem]">
        <thead>
          <tr>
            <Th className="w-10">{t('from')}</Th>
            <Th className="w-10">{t('to')}</Th>
            <Th>{t('version')}</Th>
            <Th>{t('message')}</Th>
            <Th className="hidden sm:table-cell">{t('author')}</Th>
            <Th className="hidden md:table-cell">{t('when')}</Th>
            <Th>{t('status')}</Th>
            <Th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <Tr key={v.version}>
              <Td>
                <input type="radio" name="from" aria-label={t('pickFrom', { version: v.version })} checked={from === v.version} onChange={() => setFrom(v.version)} />
              </Td>
              <Td>
                <input type="radio" name="to" aria-label={t('pickTo', { version: v.version })} checked={to === v.version} onChange={() => setTo(v.version)} />
              </Td>
              <Td className="font-medium tabular-nums">
                v{v.version}
                {v.version === latestVersion ? <span className="ml-1 text-xs font-normal text-slate-500">({t('latest')})</span> : null}
              </Td>
              <Td className="max-w-sm truncate">{commitMessage(v.message)}</Td>
              <Td className="hidden text-slate-600 sm:table-cell">{authorText(v.authorName)}</Td>
              <Td className="hidden text-xs whitespace-nowrap text-slate-600 md:table-cell">
                <DateTime date={v.createdAt} />
              </Td>
              <Td>
                <TemplateStatusBadge valid={v.valid} />
              </Td>
              <Td className="text-right">
                {canRestore && v.version !== latestVersion ? (
                  <Button
                    size="sm"
                    disabled={restore.isPending}
                    onClick={() => setConfirmRestore(v.version)}
                  >
                    {t('restore')}
                  </Button>
                ) : null}
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
      <ConfirmDialog
        open={confirmRestore !== null}
        title={t('restore')}
        confirmLabel={t('restore')}
        cancelLabel={t('cancel')}
        onCancel={() => setConfirmRestore(null)}
        onConfirm={() => {
          if (confirmRestore !== null) restore.mutate({ templateId, version: confirmRestore, baseVersion: latestVersion });
          setConfirmRestore(null);
        }}
      >
        {confirmRestore !== null ? t('restoreConfirm', { version: confirmRestore, next: latestVersion + 1 }) : null}
      </ConfirmDialog>
    </div>
  );
}
