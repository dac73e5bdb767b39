import { redirect } from 'next/navigation';
import { Shell } from '@/components/layout/shell';
import { getRequestUser } from '@/server/api/session';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await getRequestUser();
  if (!user) redirect('/sign-in');
  const { name, email, role } = user.actor;
  return <Shell user={{ name, email, role, timeZoneSet: Boolean(user.timeZone) }}>{children}</Shell>;
}
