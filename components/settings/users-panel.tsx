'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { ROLES, ZCreateUserRequest, type Role } from '@/server/api/schemas/users';

type Users = RouterOutputs['user']['list'];

export function UsersPanel({ initialUsers, currentUserId }: { initialUsers: Users; currentUserId: string }) {
  const t = useTranslations('users');
  const tRole = useTranslations('roles');
  const utils = trpc.useUtils();
  const { data: users } = trpc.user.list.useQuery(undefined, { initialData: initialUsers });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ email: string; password: string } | null>(null);
  const update = trpc.user.update.useMutation({ onSuccess: () => utils.user.list.invalidate() });
  const reset = trpc.user.resetPassword.useMutation();

  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between">
        <p className="text-sm text-slate-600">{t('summary', { count: users.length })}</p>
        <Button variant="primary" onClick={() => setCreating(true)}>
          {t('add')}
        </Button>
      </div>
      {secret ? (
        <Alert tone="warning" title={t('passwordOnce', { email: secret.email })}>
          <code className="rounded bg-white px-1.5 py-0.5 font-mono text-sm select-all" data-testid="one-time-password">
            {secret.password}
          </code>
          <button type="button" className="ml-3 text-xs underline" onClick={() => setSecret(null)}>
            {t('dismiss')}
          </button>
        </Alert>
      ) : null}
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
              <Td className="font-medium">{u.name}</Td>
              <Td className="text-slate-700">{u.email}</Td>
              <Td>
                <Select
                  aria-label={t('roleOf', { email: u.email })}
                  className="h-7 w-32 text-xs"
                  value={u.role}
                  disabled={update.isPending}
                  onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
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
                  onClick={async () => {
                    if (!window.confirm(t('resetConfirm', { email: u.email }))) return;
                    const { password } = await reset.mutateAsync({ id: u.id });
                    setSecret({ email: u.email, password });
                  }}
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
      <CreateUserDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(email, password) => {
          setCreating(false);
          if (password) setSecret({ email, password });
          void utils.user.list.invalidate();
        }}
      />
    </div>
  );
}

function CreateUserDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (email: string, password: string | null) => void }) {
  const t = useTranslations('users');
  const tRole = useTranslations('roles');
  const [errors, setErrors] = useState<Record<string, boolean>>({});
  const create = trpc.user.create.useMutation();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = Object.fromEntries(new FormData(form));
    const parsed = ZCreateUserRequest.safeParse(data);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), true])));
      return;
    }
    setErrors({});
    const result = await create.mutateAsync(parsed.data).catch(() => null);
    if (!result) return;
    form.reset();
    onCreated(parsed.data.email, result.generatedPassword);
  }

  return (
    <Dialog open={open} onClose={onClose} title={t('add')}>
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
        <Field label={t('password')} hint={t('passwordHint')} error={errors.password ? t('errors.password') : null}>
          {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" />}
        </Field>
        {create.error ? <Alert tone="error">{create.error.message}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {t('create')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
