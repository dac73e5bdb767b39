'use client';
import { useEffect, useMemo, useState } from 'react';
import { useTranslations } from 'next-intl';
import { trpc, type TrpcError } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/field';
import {
  checkPassword,
  describePasswordCheck,
  PASSWORD_MIN_LENGTH,
  passwordIssueParams,
  type PasswordCheck,
} from '@/server/api/schemas/password';
import { appErrorOf } from '@/server/api/schemas/errors';
// This dialog is itself loaded on demand, so it may take the dictionaries along.
import '@/server/api/schemas/password-dictionaries';

const METER = ['bg-red-500', 'bg-red-500', 'bg-amber-500', 'bg-emerald-500', 'bg-emerald-600'];

/** Current password, a new one checked as it is typed (the server's own rule), and a repeat. */
export function ChangePasswordDialog({ open, onClose, user }: { open: boolean; onClose: () => void; user: { email: string; name: string } }) {
  const t = useTranslations('changePassword');
  const tp = useTranslations('password');
  const translate = (key: string, values?: Record<string, string | number>) => tp(key as never, values as never);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const change = trpc.me.changePassword.useMutation();
  const { reset } = change;

  // A re-opened dialog starts clean: no old passwords, errors or success.
  useEffect(() => {
    if (!open) return;
    setCurrent('');
    setNext('');
    setRepeat('');
    setSubmitted(false);
    reset();
  }, [open, reset]);

  const check = useMemo<PasswordCheck | null>(() => (next ? checkPassword(next, [user.email, user.name]) : null), [next, user.email, user.name]);
  const serverError = change.error ? explain(change.error) : null;
  const errors = {
    current: submitted && !current ? t('currentRequired') : serverError?.field === 'current' ? serverError.text : null,
    next: submitted && !next ? describePasswordCheck(checkPassword(''), translate) : null,
    repeat: submitted && repeat !== next ? tp('mismatch') : null,
  };

  function explain(error: TrpcError): { field: 'current' | 'next' | null; text: string } {
    const app = appErrorOf(error.data);
    switch (app?.appCode) {
      case 'WRONG_PASSWORD':
        return { field: 'current', text: t('wrongCurrent') };
      case 'TOO_MANY_ATTEMPTS':
        return { field: null, text: t('tooManyAttempts', { minutes: Math.ceil(app.details.retryAfter / 60) }) };
      case 'PASSWORD_WEAK': {
        const params = passwordIssueParams(app.details);
        if (params) return { field: 'next', text: describePasswordCheck({ problem: params.passwordProblem, score: 0, warning: params.warning, suggestions: params.suggestions }, translate) };
        break;
      }
    }
    return { field: null, text: t('failed', { message: error.message }) };
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSubmitted(true);
    change.reset();
    if (!current || !check || check.problem || repeat !== next || next === current) return;
    await change.mutateAsync({ currentPassword: current, newPassword: next, confirmPassword: repeat }).catch(() => null);
  }

  const sameAsCurrent = !!next && next === current;
  const feedback = check ? describePasswordCheck(check, translate) : '';

  return (
    <Dialog open={open} onClose={onClose} title={t('title')}>
      {change.isSuccess ? (
        <div className="space-y-3">
          <Alert tone="success">{t('done')}</Alert>
          <div className="flex justify-end">
            <Button variant="primary" onClick={onClose} autoFocus>
              {t('close')}
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-3" noValidate>
          {/* Lets password managers tie the new password to this account. */}
          <input type="email" name="username" autoComplete="username" value={user.email} readOnly hidden />
          <Field label={t('current')} error={errors.current}>
            {(p) => <Input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus />}
          </Field>
          <Field label={t('new')} hint={t('hint', { min: PASSWORD_MIN_LENGTH })} error={errors.next ?? (serverError?.field === 'next' ? serverError.text : null)}>
            {(p) => (
              <Input
                {...p}
                type="password"
                autoComplete="new-password"
                value={next}
                aria-invalid={p['aria-invalid'] ?? (submitted && !!check?.problem ? true : undefined)}
                onChange={(e) => setNext(e.target.value)}
              />
            )}
          </Field>
          <StrengthMeter check={check} />
          {/* Always rendered, so typing does not push the form around. */}
          <p aria-live="polite" className={cn('min-h-8 text-xs', check?.problem ? 'text-red-700' : 'text-emerald-700')} data-testid="password-feedback">
            {sameAsCurrent ? tp('sameAsCurrent') : check?.problem ? feedback : check ? tp('strength', { level: tp(`levels.${check.score}` as never) }) : ''}
          </p>
          <Field label={t('confirm')} error={errors.repeat}>
            {(p) => <Input {...p} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />}
          </Field>
          {serverError && !serverError.field ? <Alert tone="error">{serverError.text}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button onClick={onClose}>{t('cancel')}</Button>
            <Button type="submit" variant="primary" disabled={change.isPending}>
              {change.isPending ? t('saving') : t('submit')}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function StrengthMeter({ check }: { check: PasswordCheck | null }) {
  const tp = useTranslations('password');
  const score = check ? (check.problem && check.problem !== 'tooWeak' ? 0 : check.score) : -1;
  return (
    <div
      role="meter"
      aria-label={tp('strength', { level: score >= 0 ? tp(`levels.${score}` as never) : '—' })}
      aria-valuemin={0}
      aria-valuemax={4}
      aria-valuenow={Math.max(score, 0)}
      className="-mt-1 flex gap-1"
    >
      {[0, 1, 2, 3, 4].map((i) => (
        <span
          key={i}
          className={cn(
            'h-1 flex-1 rounded-full',
            score >= 0 && i <= score ? METER[score] : 'bg-slate-200',
          )}
        />
      ))}
    </div>
  );
}
