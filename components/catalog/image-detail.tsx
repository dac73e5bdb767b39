'use client';
import Link from 'next/link';
import { useFormatter, useTranslations } from 'next-intl';
import type { RouterOutputs } from '@/app/_trpc/react';
import { CloudBadge } from '@/components/clouds/cloud-badges';
import { RoleBadge } from '@/components/templates/template-badges';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DateTime } from '@/components/ui/date-time';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { CopyButton } from './copy-button';
import { BaseImageLink, ImageIdCell, ProducedStateBadge, type ProducedRow } from './produced-images-browser';
import { imageHref } from './produced-query';

type Detail = RouterOutputs['image']['get'];

/** One image: a produced image's lineage (links both ways), a base image's facts, what was built from it. */
export function ImageDetail({ detail }: { detail: Detail }) {
  const t = useTranslations('images.detail');
  const tc = useTranslations('catalog');
  const { produced, base } = detail;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <CloudBadge cloud={detail.cloud} />
        <span className="font-mono text-xs">{detail.region}</span>
        <code className="font-mono text-sm text-slate-900 select-all" data-testid="detail-image-id">
          {detail.imageId}
        </code>
        <CopyButton value={detail.imageId} label={tc('copyLabel', { id: detail.imageId })} />
      </div>
      {produced ? <Lineage produced={produced} copiedFrom={detail.copiedFrom} copies={detail.copies} /> : null}
      {base ? <BaseFacts base={base} /> : produced ? null : <p className="text-sm text-slate-600">{t('notBase')}</p>}
      {base || detail.builtFromThis.length > 0 ? (
        <Card title={t('builtFrom')}>
          {detail.builtFromThis.length === 0 ? <p className="text-sm text-slate-600">{t('noBuiltFrom')}</p> : <ImageList rows={detail.builtFromThis} />}
        </Card>
      ) : null}
    </div>
  );
}

function Facts({ items }: { items: [string, React.ReactNode][] }) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
      {items.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs font-medium text-slate-500">{label}</dt>
          <dd className="mt-0.5 min-w-0 break-words text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Lineage({ produced, copiedFrom, copies }: { produced: NonNullable<Detail['produced']>; copiedFrom: Detail['copiedFrom']; copies: Detail['copies'] }) {
  const t = useTranslations('images.detail');
  const tk = useTranslations('images.kinds');
  const ti = useTranslations('images');
  const dash = <span className="text-slate-400">—</span>;
  return (
    <>
      <Card title={t('producedTitle')}>
        <Facts
          items={[
            [t('kind'), <Badge key="k" tone={produced.kind === 'built' ? 'blue' : 'neutral'}>{tk(produced.kind)}</Badge>],
            [t('state'), <span key="s" className="flex flex-wrap items-center gap-2"><ProducedStateBadge state={produced.state} />{produced.error ? <span className="text-xs text-red-700">{produced.error}</span> : null}</span>],
            [t('name'), produced.name ?? dash],
            [t('template'), <span key="t" className="flex flex-wrap items-center gap-2"><Link href={`/templates/${produced.templateId}`} className="text-blue-700 hover:underline">{produced.templateName}</Link><RoleBadge role={produced.role} /></span>],
            [t('templateVersion'), <Link key="v" href={`/templates/${produced.templateId}/history`} className="text-blue-700 tabular-nums hover:underline">{ti('version', { version: produced.templateVersion })}</Link>],
            [t('bodySha'), <code key="h" className="font-mono text-xs break-all text-slate-700">{produced.bodySha256}</code>],
            [t('build'), <Link key="b" href={`/builds/${produced.buildId}`} className="font-mono text-xs text-blue-700 hover:underline">{produced.buildId}</Link>],
            [t('run'), <span key="r" className="font-mono text-xs"><Link href={`/builds/${produced.buildId}?run=${produced.runId}`} className="text-blue-700 hover:underline">{produced.builderName}</Link> <span className="text-slate-500">({produced.runStatus})</span></span>],
            [t('baseImage'), produced.baseImageId ? <span key="bi" className="font-mono text-xs"><BaseImageLink cloud={produced.cloud} region={produced.baseImageRegion} imageId={produced.baseImageId} known={produced.baseImageKnown} /> <span className="text-slate-500">{produced.baseImageRegion}</span></span> : dash],
            [t('copiedFrom'), copiedFrom?.imageId ? <span key="cf" className="font-mono text-xs"><Link href={imageHref(copiedFrom.cloud, copiedFrom.region, copiedFrom.imageId)} className="text-blue-700 hover:underline">{copiedFrom.imageId}</Link> <span className="text-slate-500">{copiedFrom.region}</span></span> : produced.sourceImageId && produced.sourceRegion ? <span key="cf2" className="font-mono text-xs">{produced.sourceImageId} <span className="text-slate-500">{produced.sourceRegion}</span></span> : dash],
            [t('startedBy'), produced.startedByName ?? dash],
            [t('produced'), <DateTime key="p" date={produced.producedAt} />],
          ]}
        />
      </Card>
      {produced.kind === 'built' ? (
        <Card title={t('copies')}>{copies.length === 0 ? <p className="text-sm text-slate-600">{t('noCopies')}</p> : <ImageList rows={copies} />}</Card>
      ) : null}
    </>
  );
}

function BaseFacts({ base }: { base: NonNullable<Detail['base']> }) {
  const t = useTranslations('images.detail');
  const tc = useTranslations('catalog');
  const format = useFormatter();
  const dash = <span className="text-slate-400">—</span>;
  return (
    <Card title={t('baseTitle')}>
      <Facts
        items={[
          [t('name'), base.name],
          [t('os'), base.osFamily ? `${base.osFamily} ${base.osVersion}`.trim() : dash],
          [t('osName'), base.osName || dash],
          [t('architecture'), base.architecture ? <code key="a" className="font-mono text-xs">{base.architecture}</code> : dash],
          [t('size'), base.sizeGb === null ? dash : format.number(base.sizeGb, { style: 'unit', unit: 'gigabyte', unitDisplay: 'short' })],
          [t('cpuPlatforms'), base.cpuPlatforms.length ? base.cpuPlatforms.join(', ') : t('anyPlatform')],
          [t('ena'), base.enaSupport === null ? t('notReported') : base.enaSupport ? t('yes') : t('no')],
          [t('vendorState'), base.vendorState || dash],
          [t('status'), base.status === 'removed' ? <Badge key="st" tone="red">{tc('removed')}</Badge> : <Badge key="st" tone="green">{tc('available')}</Badge>],
          [t('imageCreated'), base.imageCreatedAt ? <DateTime key="ic" date={base.imageCreatedAt} /> : dash],
          [t('lastSeen'), <DateTime key="ls" date={base.lastSeenAt} />],
        ]}
      />
    </Card>
  );
}

function ImageList({ rows }: { rows: ProducedRow[] }) {
  const t = useTranslations('images');
  const tc = useTranslations('catalog');
  return (
    <Table className="min-w-[44rem]">
      <thead>
        <tr>
          <Th>{t('imageId')}</Th>
          <Th>{tc('region')}</Th>
          <Th>{t('template')}</Th>
          <Th>{t('build')}</Th>
          <Th>{t('state')}</Th>
          <Th>{t('created')}</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <Tr key={r.id}>
            <Td className="whitespace-nowrap">
              <ImageIdCell cloud={r.cloud} region={r.region} imageId={r.imageId} />
            </Td>
            <Td className="font-mono text-xs whitespace-nowrap">{r.region}</Td>
            <Td className="whitespace-nowrap">
              {r.templateName} <span className="text-slate-600">{t('version', { version: r.templateVersion })}</span>
            </Td>
            <Td>
              <Link href={`/builds/${r.buildId}`} className="font-mono text-xs text-blue-700 hover:underline">
                {r.buildId.slice(0, 8)}
              </Link>
            </Td>
            <Td title={r.error ?? undefined}>
              <ProducedStateBadge state={r.state} />
            </Td>
            <Td className="text-xs whitespace-nowrap text-slate-700">
              <DateTime date={r.producedAt} />
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
