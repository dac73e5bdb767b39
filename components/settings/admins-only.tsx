import { getTranslations } from 'next-intl/server';
import { Alert } from '@/components/ui/alert';

export async function AdminsOnly() {
  const t = await getTranslations('settings');
  return <Alert tone="info">{t('adminsOnly')}</Alert>;
}
