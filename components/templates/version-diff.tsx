'use client';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { Select } from '@/components/ui/field';
import { TextDiff } from './text-diff';

interface Side {
  version: number;
  body: string;
  message: string;
  author: string | null;
}

export function VersionDiff({ templateId, latestVersion, from, to }: { templateId: string; latestVersion: number; from: Side; to: Side }) {
  const t = useTranslations('history');
  const router = useRouter();
  const versions = Array.from({ length: latestVersion }, (_, i) => latestVersion - i);
  const go = (a: number, b: number) => router.push(`/templates/${templateId}/diff?from=${a}&to=${b}`);
  const label = (s: Side) => t('sideLabel', { version: s.version, message: s.message, author: s.author ?? '—' });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-1.5">
          {t('from')}
          <Select className="w-24" value={from.version} onChange={(e) => go(Number(e.target.value), to.version)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </Select>
        </label>
        <label className="flex items-center gap-1.5">
          {t('to')}
          <Select className="w-24" value={to.version} onChange={(e) => go(from.version, Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </Select>
        </label>
        {from.body === to.body ? <span className="text-slate-500">{t('identical')}</span> : null}
      </div>
      <TextDiff left={from.body} right={to.body} leftLabel={label(from)} rightLabel={label(to)} />
    </div>
  );
}
