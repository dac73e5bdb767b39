'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyButton } from '@/components/ui/copy-button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { describePasswordCheck, loadPasswordRule, passwordIssueParams, type PasswordIssueParams } from '@/server/api/schemas/password';
import { appErrorOf } from '@/server/api/schemas/errors';
import { ROLES, ZCreateUserRequest, type Role } from '@/server/api/schemas/users';
import { useOneTimePasswords, type OneTimePassword } from './one-time-passwords';

type Users = RouterOutputs['user']['list'];

export function UsersPanel({ initialUsers, currentUserId }: { initialUsers: Users; currentUserId: string }) {
  const t = useTranslations('users');
  const tRole = useTranslations('roles');
  const utils = trpc.useUtils();
  const { data: users } = trpc.user.list.useQuery(undefined, { initialData: initialUsers });
  const [creating, setCreating] = useState(false);
  const [selfDemotion, setSelfDemotion] = useState<Role | null>(null);
  const [confirmReset, setConfirmReset] = useState<{ id: string; email: string } | null>(null);
  const passwords = useOneTimePasswords(currentUserId);
  const update = trpc.user.update.useMutation({ onSuccess: () => utils.user.list.invalidate() });
  const reset = trpc.user.resetPassword.useMutation();

  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between">
        <p className="text-sm text-slate-600">{t('summary', { count: users.length })}</p>
        <Button
          variant="primary"
          onClick={() => {
            void loadPasswordRule();
            setCreating(true);
          }}
        >
          {t('add')}
        </Button>
      </div>
      <OneTimePasswordList entries={passwords.list} onDismiss={passwords.dismiss} />
      {update.error ? <Alert tone="error">{update.error.message}</Alert> : null}
      <Table aria-label={t('title')} className="min-w-[42rem]">
        <thead>
          <tr>
            <Th>{t('name')}</Th>
            <Th>{t('email')}</Th>
            <Th>{t('role')}</Th>
            <Th>{t('status')}</Th>
            <Th className="hidden md:table-cell">{t('created')}</Th>
            <Th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <Tr key={u.id}>
              <Td className="font-medium">
                {u.name}
                {u.id === currentUserId ? <span className="ml-1.5 text-xs font-normal text-slate-500">{t('you')}</span> : null}
              </Td>
              <Td className="text-slate-700">{u.email}</Td>
              <Td>
                <Select
                  aria-label={t('roleOf', { email: u.email })}
                  className="h-7 w-32! text-xs"
                  value={u.role}
                  disabled={update.isPending}
                  onChange={(e) => {
                    const role = e.target.value as Role;
                    // Giving up one's own admin role ends access to this page: ask first.
                    if (u.id === currentUserId && u.role === 'admin' && role !== 'admin') setSelfDemotion(role);
                    else update.mutate({ id: u.id, role });
                  }}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {tRole(r)}
                    </option>
                  ))}
                </Select>
              </Td>
              <Td>{u.disabled ? <Badge tone="red">{t('disabled')}</Badge> : <Badge tone="green">{t('active')}</Badge>}</Td>
              <Td className="hidden text-xs text-slate-600 md:table-cell"><DateTime date={u.createdAt} style="date" /></Td>
              <Td className="space-x-1 text-right whitespace-nowrap">
                <Button
                  size="sm"
                  disabled={reset.isPending}
                  onClick={() => setConfirmReset({ id: u.id, email: u.email })}
                >
                  {t('resetPassword')}
                </Button>
                {u.id !== currentUserId ? (
                  <Button size="sm" variant={u.disabled ? 'secondary' : 'danger'} onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>
                    {u.disabled ? t('enable') : t('disable')}
                  </Button>
                ) : null}
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
      <ConfirmDialog
        open={confirmReset !== null}
        title={t('resetPassword')}
        confirmLabel={t('resetPassword')}
        cancelLabel={t('cancel')}
        danger
        onCancel={() => setConfirmReset(null)}
        onConfirm={async () => {
          const target = confirmReset;
          setConfirmReset(null);
          if (!target) return;
          const { password } = await reset.mutateAsync({ id: target.id });
          passwords.add({ email: target.email, password, reason: 'reset' });
        }}
      >
        {confirmReset ? t('resetConfirm', { email: confirmReset.email }) : null}
      </ConfirmDialog>
      <CreateUserDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(email, password) => {
          setCreating(false);
          if (password) passwords.add({ email, password, reason: 'created' });
          void utils.user.list.invalidate();
        }}
      />
      <SelfDemotionDialog userId={currentUserId} role={selfDemotion} onClose={() => setSelfDemotion(null)} />
    </div>
  );
}

/** Passwords the admin still has to pass on; each stays until dismissed. */
function OneTimePasswordList({ entries, onDismiss }: { entries: OneTimePassword[]; onDismiss: (id: string) => void }) {
  const t = useTranslations('users.oneTime');
  if (entries.length === 0) return null;
  return (
    <section aria-label={t('title')} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <h2 className="font-semibold">{t('title')}</h2>
      <p className="text-xs text-amber-900">{t('hint')}</p>
      <ul className="mt-2 divide-y divide-amber-200/70">
        {entries.map((e) => (
          <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5" aria-label={e.email}>
            <span className="min-w-0 basis-full sm:flex-1 sm:basis-48">
              <span className="block truncate font-medium">{e.email}</span>
              <span className="block text-xs text-amber-800">{e.reason === 'created' ? t('created') : t('reset')}</span>
            </span>
            <span className="flex flex-wrap items-center gap-1">
              <code className="mr-1 rounded bg-white px-1.5 py-0.5 font-mono text-sm select-all" data-testid="one-time-password">
                {e.password}
              </code>
              <CopyButton size="sm" text={e.password} label={t('copy')} copiedLabel={t('copied')} aria-label={t('copyOf', { email: e.email })} />
              <Button size="sm" variant="ghost" onClick={() => onDismiss(e.id)} aria-label={t('dismissOf', { email: e.email })}>
                {t('dismiss')}
              </Button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Asks before an admin changes their own role away from admin. */
function SelfDemotionDialog({ userId, role, onClose }: { userId: string; role: Role | null; onClose: () => void }) {
  const t = useTranslations('users.selfDemotion');
  return (
    <Dialog open={role !== null} onClose={onClose} title={t('title')}>
      {role ? <SelfDemotionForm userId={userId} role={role} onClose={onClose} /> : null}
    </Dialog>
  );
}

function SelfDemotionForm({ userId, role, onClose }: { userId: string; role: Role; onClose: () => void }) {
  const t = useTranslations('users.selfDemotion');
  const tRole = useTranslations('roles');
  const router = useRouter();
  const update = trpc.user.update.useMutation({
    onSuccess: () => {
      onClose();
      // The settings pages are admin-only: show what this role may see now.
      router.refresh();
    },
  });
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <p>{t('body', { role: tRole(role) })}</p>
      <p>{t.rich('recovery', { cmd: (chunks) => <code className="font-mono text-xs whitespace-nowrap">{chunks}</code> })}</p>
      {update.error ? <Alert tone="error">{update.error.message}</Alert> : null}
      <div className="flex justify-end gap-2">
        <Button onClick={onClose} autoFocus>
          {t('cancel')}
        </Button>
        <Button variant="danger" disabled={update.isPending} onClick={() => update.mutate({ id: userId, role })}>
          {t('confirm', { role: tRole(role) })}
        </Button>
      </div>
    </div>
  );
}

function CreateUserDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (email: string, password: string | null) => void }) {
  const t = useTranslations('users');
  // The form mounts on each opening, so old field and server errors never reappear.
  return (
    <Dialog open={open} onClose={onClose} title={t('add')}>
      {open ? <CreateUserForm onClose={onClose} onCreated={onCreated} /> : null}
    </Dialog>
  );
}

function CreateUserForm({ onClose, onCreated }: { onClose: () => void; onCreated: (email: string, password: string | null) => void }) {
  const t = useTranslations('users');
  const tRole = useTranslations('roles');
  const tp = useTranslations('password');
  const [errors, setErrors] = useState<Record<string, boolean>>({});
  const [weak, setWeak] = useState<PasswordIssueParams | null>(null);
  const create = trpc.user.create.useMutation();
  // Why a typed password is refused, in the user's language (the form's check or the server's).
  const createError = appErrorOf(create.error?.data);
  const serverWeak = createError?.appCode === 'PASSWORD_WEAK' ? passwordIssueParams(createError.details) : null;
  const weakReason = weak ?? serverWeak;
  const passwordError = weakReason
    ? describePasswordCheck(
        { problem: weakReason.passwordProblem, score: 0, warning: weakReason.warning, suggestions: weakReason.suggestions },
        (key, values) => tp(key as never, values as never),
      )
    : errors.password
      ? t('errors.password')
      : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget));
    await loadPasswordRule(); // the strength dictionaries, fetched on first use
    const parsed = ZCreateUserRequest.safeParse(data);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), true])));
      setWeak(parsed.error.issues.map((i) => passwordIssueParams((i as { params?: unknown }).params)).find(Boolean) ?? null);
      return;
    }
    setErrors({});
    setWeak(null);
    const result = await create.mutateAsync(parsed.data).catch(() => null);
    if (!result) return;
    onCreated(parsed.data.email, result.generatedPassword);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <Field label={t('name')} error={errors.name ? t('errors.name') : null}>
        {(p) => <Input {...p} name="name" required />}
      </Field>
      <Field label={t('email')} error={errors.email ? t('errors.email') : null}>
        {(p) => <Input {...p} name="email" type="email" required />}
      </Field>
      <Field label={t('role')}>
        {(p) => (
          <Select {...p} name="role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tRole(r)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label={t('password')} hint={t('passwordHint')} error={passwordError}>
        {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" />}
      </Field>
      {create.error && !serverWeak ? <Alert tone="error">{create.error.message}</Alert> : null}
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>{t('cancel')}</Button>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {t('create')}
        </Button>
      </div>
    </form>
  );
}
