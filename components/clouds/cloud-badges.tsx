import { useTranslations } from 'next-intl';
import { Badge, type Tone } from '@/components/ui/badge';
import type { TCloudKind } from '@/server/api/schemas/clouds';
import type { SyncState } from './sync-state';

const CLOUD_TONES: Record<TCloudKind, Tone> = { ucloud: 'blue', aws: 'violet' };

export function CloudBadge({ cloud }: { cloud: TCloudKind }) {
  const t = useTranslations('clouds.kinds');
  return <Badge tone={CLOUD_TONES[cloud]}>{t(cloud)}</Badge>;
}

/** prod stands out a little, so nobody edits the production account thinking it is staging. */
export function EnvironmentBadge({ environment }: { environment: string }) {
  return (
    <Badge tone={environment === 'prod' || environment === 'production' ? 'amber' : 'neutral'} className="font-mono">
      {environment}
    </Badge>
  );
}

const SYNC_TONES: Record<SyncState, Tone> = {
  fresh: 'green',
  stale: 'amber',
  failed: 'red',
  syncing: 'blue',
  never: 'neutral',
};

export function SyncStateBadge({ state }: { state: SyncState }) {
  const t = useTranslations('inventory.state');
  return <Badge tone={SYNC_TONES[state]}>{t(state)}</Badge>;
}
