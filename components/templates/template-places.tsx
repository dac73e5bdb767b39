import { useTranslations } from 'next-intl';
import type { RouterOutputs } from '@/app/_trpc/react';
import { Badge } from '@/components/ui/badge';

type Row = RouterOutputs['template']['list'][number];

/** Where a template builds: one chip per cloud and region of its latest version's builders. */
export function TemplatePlaces({ places }: { places: Row['places'] }) {
  const t = useTranslations('imagePicker.list');
  const kinds = useTranslations('clouds.kinds');
  const unique = places.filter((p, i) => places.findIndex((q) => q.cloud === p.cloud && q.region === p.region) === i);
  if (unique.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label={t('places')}>
      {unique.map((p) => (
        <li key={`${p.cloud}|${p.region ?? ''}`}>
          <Badge tone={p.cloud === 'aws' ? 'violet' : 'blue'} className="gap-1 font-normal">
            <span className="font-medium">{kinds(p.cloud)}</span>
            {p.region ? <span className="font-mono">{p.region}</span> : <span className="italic">{t('regionUnresolved')}</span>}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
