'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { cn } from '@/components/ui/cn';
import type { TCloudKind } from '@/server/api/schemas/clouds';
import type { RegionRow } from './sync-state';

type Zone = RegionRow['zones'][number];

export function Chip({ tone = 'neutral', title, children }: { tone?: 'neutral' | 'amber' | 'mono'; title?: string; children: React.ReactNode }) {
  return (
    <span
      title={title}
      className={cn(
        'inline-flex h-5 items-center rounded border px-1 font-mono text-[11px] leading-none whitespace-nowrap',
        tone === 'amber' ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-slate-200 bg-slate-50 text-slate-700',
      )}
    >
      {children}
    </span>
  );
}

/** Field problem #3: UCloud's default boot disk is cloud_ssd, and some zones do not offer it. */
export function lacksCloudSsd(cloud: TCloudKind, zone: Zone): boolean {
  return cloud === 'ucloud' && !zone.bootDiskTypes.some((d) => d.toLowerCase() === 'cloud_ssd');
}

/** Field problem #2: a UCloud machine type that only runs on AMD hosts refuses Intel-only images. */
function amdOnly(platforms: string[] | undefined): boolean {
  return Boolean(platforms?.length) && platforms!.every((p) => p.toLowerCase().startsWith('amd'));
}

const VISIBLE_HOST_TYPES = 6;

/**
 * A region's zones, grouped by identical capabilities so a region whose zones are all alike
 * takes one line and a zone that differs stands out.
 */
export function ZoneCapabilities({ cloud, zones }: { cloud: TCloudKind; zones: Zone[] }) {
  const t = useTranslations('regions');
  const groups = new Map<string, Zone[]>();
  for (const z of zones) {
    const key = JSON.stringify([[...z.bootDiskTypes].sort(), [...z.hostTypes].sort(), z.cpuPlatforms ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), z]);
  }
  if (zones.length === 0) return <span className="text-xs text-slate-500">{t('noZones')}</span>;
  return (
    <ul className="space-y-1.5">
      {[...groups.values()].map((group) => {
        const z = group[0]!;
        return (
          <li key={group.map((g) => g.zone).join()} className="space-y-0.5">
            <div className="flex flex-wrap items-center gap-1">
              <span className="mr-1 font-mono text-xs text-slate-800">{group.map((g) => g.zone).join(', ')}</span>
              {lacksCloudSsd(cloud, z) ? (
                <Chip tone="amber" title={t('noCloudSsdHint')}>
                  {t('noCloudSsd')}
                </Chip>
              ) : null}
            </div>
            <div className="flex items-start gap-1">
              <span className="w-12 shrink-0 text-[11px] leading-5 text-slate-500" title={t('bootDisks')}>
                {t('bootDisksShort')}
              </span>
              <span className="flex flex-wrap gap-1">
                {z.bootDiskTypes.map((d) => (
                  <Chip key={d}>{d.toLowerCase()}</Chip>
                ))}
              </span>
            </div>
            <div className="flex items-start gap-1">
              <span className="w-12 shrink-0 text-[11px] leading-5 text-slate-500" title={t('hostTypes')}>
                {t('hostTypesShort')}
              </span>
              <span className="flex flex-wrap gap-1">
                <HostTypes types={z.hostTypes} platforms={z.cpuPlatforms} />
              </span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function HostTypes({ types, platforms }: { types: string[]; platforms?: Record<string, string[]> }) {
  const t = useTranslations('regions');
  const [all, setAll] = useState(false);
  const shown = all || types.length <= VISIBLE_HOST_TYPES + 1 ? types : types.slice(0, VISIBLE_HOST_TYPES);
  return (
    <>
      {shown.map((type) => {
        const p = platforms?.[type];
        return amdOnly(p) ? (
          <Chip key={type} tone="amber" title={t('amdOnlyHint', { platforms: p!.join(', ') })}>
            {type} · {t('amdOnly')}
          </Chip>
        ) : (
          <Chip key={type} title={p?.length ? t('platforms', { platforms: p.join(', ') }) : undefined}>
            {type}
          </Chip>
        );
      })}
      {types.length > shown.length || all ? (
        <button type="button" onClick={() => setAll((v) => !v)} aria-expanded={all} className="h-5 rounded px-1 text-[11px] text-blue-700 hover:bg-blue-50">
          {all ? t('fewer') : t('more', { count: types.length - shown.length })}
        </button>
      ) : null}
    </>
  );
}
