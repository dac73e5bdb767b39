import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { SignInForm } from '@/components/auth/sign-in-form';
import { getRequestUser } from '@/server/api/session';

export async function generateMetadata() {
  const t = await getTranslations('auth');
  return { title: t('signIn') };
}

export default async function SignInPage() {
  if (await getRequestUser()) redirect('/');
  return (
    <main className="grid min-h-screen place-items-center bg-slate-100 p-4">
      <SignInForm />
    </main>
  );
}
