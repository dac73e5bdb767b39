import { getTranslations } from 'next-intl/server';
import { serverApi } from '@/app/_trpc/server';
import { AdminsOnly } from '@/components/settings/admins-only';
import { UsersPanel } from '@/components/settings/users-panel';

export async function generateMetadata() {
  return { title: (await getTranslations('settings'))('users') };
}

export default async function UsersPage() {
  const { api, actor, can } = await serverApi();
  if (!can('admin')) return <AdminsOnly />;
  const users = await api.user.list();
  return <UsersPanel initialUsers={users} currentUserId={actor.id} />;
}
