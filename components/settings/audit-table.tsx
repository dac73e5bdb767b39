import { getFormatter, getTranslations } from 'next-intl/server';
import type { RouterOutputs } from '@/app/_trpc/react';
import { Table, Td, Th, Tr } from '@/components/ui/table';

export async function AuditTable({ entries }: { entries: RouterOutputs['audit']['list'] }) {
  const t = await getTranslations('audit');
  const format = await getFormatter();
  if (entries.length === 0) return <p className="text-sm text-slate-500">{t('empty')}</p>;
  return (
    <Table aria-label={t('title')}>
      <thead>
        <tr>
          <Th>{t('when')}</Th>
          <Th>{t('who')}</Th>
          <Th>{t('action')}</Th>
          <Th>{t('target')}</Th>
          <Th className="hidden lg:table-cell">{t('details')}</Th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <Tr key={e.id}>
            <Td className="text-xs whitespace-nowrap text-slate-600">
              <time dateTime={e.createdAt.toISOString()}>{format.dateTime(e.createdAt, { dateStyle: 'short', timeStyle: 'medium' })}</time>
            </Td>
            <Td className="whitespace-nowrap">{e.actorEmail}</Td>
            <Td className="font-mono text-xs">{e.action}</Td>
            <Td className="font-mono text-xs text-slate-600">
              {e.targetType}:{e.targetId.slice(0, 8)}
            </Td>
            <Td className="hidden max-w-md truncate font-mono text-xs text-slate-500 lg:table-cell">{JSON.stringify(e.details)}</Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
