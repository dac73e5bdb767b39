import { useTranslations } from 'next-intl';
import { Badge, type Tone } from '@/components/ui/badge';
import type { TEMPLATE_ROLES } from '@/server/api/schemas/templates';

type TemplateRole = (typeof TEMPLATE_ROLES)[number];

export function TemplateStatusBadge({ valid }: { valid: boolean }) {
  const t = useTranslations('templates');
  return valid ? <Badge tone="green">{t('valid')}</Badge> : <Badge tone="amber">{t('invalidDraft')}</Badge>;
}

/** What the editor shows: unsaved text and how many problems the live check found in it. */
export function EditorStatusBadge({ checking, problems }: { checking: boolean; problems: number }) {
  const t = useTranslations('editor.status');
  if (checking) return <Badge tone="neutral">{t('checking')}</Badge>;
  return <Badge tone={problems > 0 ? 'amber' : 'blue'}>{t('unsaved', { count: problems })}</Badge>;
}

const ROLE_TONES: Record<TemplateRole, Tone> = { access: 'blue', forwarding: 'violet', other: 'neutral' };

export function RoleBadge({ role }: { role: TemplateRole }) {
  const t = useTranslations('templateRoles');
  return <Badge tone={ROLE_TONES[role]}>{t(role)}</Badge>;
}
