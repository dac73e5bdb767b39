import { useTranslations } from 'next-intl';
import { Badge, type Tone } from '@/components/ui/badge';
import type { TEMPLATE_ROLES } from '@/server/api/schemas/templates';

type TemplateRole = (typeof TEMPLATE_ROLES)[number];

export function TemplateStatusBadge({ valid }: { valid: boolean }) {
  const t = useTranslations('templates');
  return valid ? <Badge tone="green">{t('valid')}</Badge> : <Badge tone="amber">{t('invalidDraft')}</Badge>;
}

const ROLE_TONES: Record<TemplateRole, Tone> = { access: 'blue', forwarding: 'violet', other: 'neutral' };

export function RoleBadge({ role }: { role: TemplateRole }) {
  const t = useTranslations('templateRoles');
  return <Badge tone={ROLE_TONES[role]}>{t(role)}</Badge>;
}
