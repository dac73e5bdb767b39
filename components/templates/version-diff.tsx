'use client';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { Select } from '@/components/ui/field';
import { useAuthorText, useCommitMessageText } from './commit-message';
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
  const commitMessage = useCommitMessageText();
  const authorText = useAuthorText();
  const versions = Array.from({ length: latestVersion }, (_, i) => latestVersion - i);
  const go = (a: number, b: number) => router.push(`/templates/${templateId}/diff?from=${a}&to=${b}`);
  const label = (s: Side) => t('sideLabel', { version: s.version, message: commitMessage(s.message), author: authorText(s.author) });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <VersionSelect label={t('from')} value={from.version} versions={versions} onChange={(v) => go(v, to.version)} />
        <VersionSelect label={t('to')} value={to.version} versions={versions} onChange={(v) => go(from.version, v)} />
        {from.body === to.body ? <span className="text-slate-500">{t('identical')}</span> : null}
      </div>
      <TextDiff left={from.body} right={to.body} leftLabel={label(from)} rightLabel={label(to)} />
    </div>
  );
}

function VersionSelect({ label, value, versions, onChange }: { label: string; value: number; versions: number[]; onChange: (v: number) => void }) {
  return (
    <label className="flex items-center gap-1.5">
      {label}
      <Select className="w-24" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </Select>
    </label>
  );
}
