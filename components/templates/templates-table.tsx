import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { RouterOutputs } from '@/app/_trpc/react';
import { BuildButton } from '@/components/builds/build-dialog';
import { DateTime } from '@/components/ui/date-time';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { AuthorName, CommitMessage } from './commit-message';
import { NewerBaseImageBadge } from './newer-base-image-badge';
import { TemplatePlaces } from './template-places';
import { RoleBadge, TemplateStatusBadge } from './template-badges';

export async function TemplatesTable({ templates, canBuild = false }: { templates: RouterOutputs['template']['list']; canBuild?: boolean }) {
  const [t, tp] = await Promise.all([getTranslations('templates'), getTranslations('imagePicker.list')]);
  if (templates.length === 0) {
    return <p className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">{t('empty')}</p>;
  }
  return (
    <Table aria-label={t('title')}>
      <thead>
        <tr>
          <Th>{t('name')}</Th>
          <Th>{t('role')}</Th>
          <Th className="text-right">{t('version')}</Th>
          <Th>{t('status')}</Th>
          <Th className="hidden md:table-cell">{tp('places')}</Th>
          <Th className="hidden md:table-cell">{t('lastChange')}</Th>
          <Th className="hidden sm:table-cell">{t('updated')}</Th>
          {canBuild ? <Th className="w-px" /> : null}
        </tr>
      </thead>
      <tbody>
        {templates.map((x) => (
          <Tr key={x.id}>
            <Td>
              <Link href={`/templates/${x.id}`} className="font-medium text-blue-700 hover:underline">
                {x.name}
              </Link>
              {x.description ? <p className="max-w-[60vw] truncate text-xs text-slate-500 md:max-w-md">{x.description}</p> : null}
              {/* Phones: where it builds, under the name (the column is off-screen there). */}
              <div className="mt-1 md:hidden">
                <TemplatePlaces places={x.places} />
                <NewerBaseImageBadge templateId={`${x.id}-narrow`} newer={x.newerImages} />
              </div>
            </Td>
            <Td>
              <RoleBadge role={x.role} />
            </Td>
            <Td className="text-right tabular-nums">v{x.latestVersion}</Td>
            <Td>
              <TemplateStatusBadge valid={x.valid ?? false} />
            </Td>
            <Td className="hidden md:table-cell">
              <TemplatePlaces places={x.places} />
              <NewerBaseImageBadge templateId={x.id} newer={x.newerImages} />
            </Td>
            <Td className="hidden max-w-xs truncate text-slate-600 md:table-cell">
              <CommitMessage message={x.message} />
            </Td>
            <Td className="hidden text-xs whitespace-nowrap text-slate-600 sm:table-cell">
              <DateTime date={x.updatedAt} style="relative" />
              <span className="block text-slate-500">
                <AuthorName name={x.authorName} />
              </span>
            </Td>
            {canBuild ? (
              <Td className="w-px text-right">
                {x.valid ? <BuildButton templateId={x.id} version={x.latestVersion} templateName={x.name} size="sm" variant="secondary" /> : null}
              </Td>
            ) : null}
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
