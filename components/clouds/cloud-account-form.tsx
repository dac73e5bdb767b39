'use client';
import { useId, useState } from 'react';
import { useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/field';
import {
  CLOUD_ACCOUNT_DEFAULTS,
  CLOUD_KINDS,
  MAX_CONCURRENT_RUNS,
  PAGE_SIZE_LIMITS,
  ZCreateCloudAccountRequest,
  ZUpdateCloudAccountRequest,
  type TCloudKind,
  type TCloudTestResult,
  type TCreateCloudAccountRequest,
  type TUpdateCloudAccountRequest,
} from '@/server/api/schemas/clouds';
import { appErrorOf, refusedFields } from '@/server/api/schemas/errors';
import { SyncJobError } from './sync-job-summary';
import type { CloudAccountRow } from './sync-state';

type FieldName =
  | 'name'
  | 'environment'
  | 'keyId'
  | 'secret'
  | 'projectId'
  | 'endpoint'
  | 'imagePageSize'
  | 'syncConcurrency'
  | 'syncIntervalMinutes'
  | 'maxConcurrentRuns';
const FIELDS: readonly FieldName[] = ['name', 'environment', 'keyId', 'secret', 'projectId', 'endpoint', 'imagePageSize', 'syncConcurrency', 'syncIntervalMinutes', 'maxConcurrentRuns'];

interface Values {
  cloud: TCloudKind;
  name: string;
  environment: string;
  keyId: string;
  secret: string;
  projectId: string;
  endpoint: string;
  imagePageSize: string;
  syncConcurrency: string;
  syncIntervalMinutes: string;
  maxConcurrentRuns: string;
  enabled: boolean;
}

const EMPTY: Values = {
  cloud: 'ucloud',
  name: '',
  environment: 'prod',
  keyId: '',
  secret: '',
  projectId: '',
  endpoint: '',
  imagePageSize: '20',
  syncConcurrency: '4',
  syncIntervalMinutes: '360',
  maxConcurrentRuns: String(CLOUD_ACCOUNT_DEFAULTS.maxConcurrentRuns),
  enabled: true,
};

function valuesOf(account: CloudAccountRow): Values {
  return {
    cloud: account.cloud,
    name: account.name,
    environment: account.environment,
    keyId: '',
    secret: '',
    projectId: account.projectId ?? '',
    endpoint: account.endpoint ?? '',
    imagePageSize: String(account.imagePageSize),
    syncConcurrency: String(account.syncConcurrency),
    syncIntervalMinutes: String(account.syncIntervalMinutes),
    maxConcurrentRuns: String(account.maxConcurrentRuns),
    enabled: account.enabled,
  };
}

// An empty number box is a mistake to point at, not "use the default": NaN fails the schema.
const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

type Pending = { kind: 'create'; request: TCreateCloudAccountRequest } | { kind: 'update'; request: TUpdateCloudAccountRequest };

/**
 * Add or edit a cloud account. The request is checked with the same zod schema the server
 * applies; its issues are shown per field in the user's language. "Save" then tests the
 * connection with what is typed (keys, endpoint, project) and asks before saving an account
 * whose test fails. Secrets live only in this component's state: it is unmounted when the
 * dialog closes, so nothing lingers after a save.
 */
export function CloudAccountForm({ account, onDone, onCancel }: { account?: CloudAccountRow; onDone: (name: string, enabled: boolean) => void; onCancel: () => void }) {
  const t = useTranslations('clouds');
  const tf = useTranslations('clouds.form');
  const te = useTranslations('clouds.errors');
  const tk = useTranslations('clouds.kinds');
  const envListId = useId();
  const editing = Boolean(account);
  const [v, setV] = useState<Values>(() => (account ? valuesOf(account) : EMPTY));
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const utils = trpc.useUtils();
  const onSuccess = async (_result: unknown, sent: { name?: string; enabled?: boolean }) => {
    setV(EMPTY);
    await Promise.all([utils.cloudAccount.list.invalidate(), utils.inventory.regions.invalidate()]);
    onDone(sent.name ?? account?.name ?? '', sent.enabled ?? true);
  };
  const create = trpc.cloudAccount.create.useMutation({ onSuccess });
  const update = trpc.cloudAccount.update.useMutation({ onSuccess });
  const mutation = editing ? update : create;
  const tj = useTranslations('syncJobs');
  const probe = trpc.cloudAccount.testDraft.useMutation();
  // A request that passed validation, waiting for "Save anyway" after a failed connection test.
  const [failedTest, setFailedTest] = useState<{ pending: Pending; result: Extract<TCloudTestResult, { ok: false }> } | null>(null);

  const limits = PAGE_SIZE_LIMITS[v.cloud];
  const keyIdLabel = tf(`keyId.${v.cloud}`);
  const secretLabel = tf(`secret.${v.cloud}`);
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => {
    setFailedTest(null);
    setV((prev) => ({ ...prev, [key]: value }));
  };

  function messageFor(field: FieldName, values: Values): string {
    switch (field) {
      case 'name':
        return te('name');
      case 'environment':
        return te('environment');
      case 'endpoint':
        return te('endpoint');
      case 'projectId':
        return values.projectId.trim() ? te('projectIdFormat') : te('projectIdRequired');
      case 'imagePageSize':
        return te('pageSize', { cloud: tk(values.cloud), min: limits.min, max: limits.max });
      case 'syncConcurrency':
        return te('concurrency');
      case 'syncIntervalMinutes':
        return te('interval');
      case 'maxConcurrentRuns':
        return te('maxRuns', { max: MAX_CONCURRENT_RUNS });
      case 'keyId':
        return te('required', { label: keyIdLabel });
      case 'secret':
        // Editing: the schema refuses half a key pair (on the secret's path).
        return editing && Boolean(values.keyId.trim()) !== Boolean(values.secret.trim())
          ? te('keyPair', { keyId: keyIdLabel, secret: secretLabel })
          : te('required', { label: secretLabel });
    }
  }

  function translate(paths: PropertyKey[]): Partial<Record<FieldName, string>> {
    const out: Partial<Record<FieldName, string>> = {};
    for (const p of paths) {
      const field = FIELDS.find((f) => f === p);
      if (field && !out[field]) out[field] = messageFor(field, v);
    }
    return out;
  }

  function save(pending: Pending) {
    setFailedTest(null);
    if (pending.kind === 'create') create.mutate(pending.request);
    else update.mutate(pending.request);
  }

  /** Tests the connection first when what it depends on is new or changed; asks before saving a failing one. */
  function testThenSave(pending: Pending) {
    const r = pending.request;
    // An update may leave the cloud out (it never changes): test against the account's own.
    const cloud = r.cloud ?? account?.cloud ?? v.cloud;
    const changed =
      pending.kind === 'create' ||
      Boolean(r.keyId) ||
      (r.endpoint ?? '') !== (account?.endpoint ?? '') ||
      (cloud === 'ucloud' && (r.projectId ?? '') !== (account?.projectId ?? ''));
    if (!changed) return save(pending);
    probe.mutate(
      { id: account?.id, cloud, keyId: r.keyId, secret: r.secret, projectId: r.projectId, endpoint: r.endpoint ?? '' },
      { onSuccess: (result) => (result.ok ? save(pending) : setFailedTest({ pending, result })) },
    );
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const common = {
      cloud: v.cloud,
      name: v.name,
      environment: v.environment,
      endpoint: v.endpoint,
      projectId: v.cloud === 'ucloud' ? v.projectId.trim() || undefined : undefined,
      imagePageSize: num(v.imagePageSize),
      syncConcurrency: num(v.syncConcurrency),
      syncIntervalMinutes: num(v.syncIntervalMinutes),
      maxConcurrentRuns: num(v.maxConcurrentRuns),
      enabled: v.enabled,
    };
    if (account) {
      const parsed = ZUpdateCloudAccountRequest.safeParse({ ...common, id: account.id, keyId: v.keyId.trim() || undefined, secret: v.secret.trim() || undefined });
      if (!parsed.success) return setErrors(translate(parsed.error.issues.map((i) => i.path[0]!)));
      setErrors({});
      testThenSave({ kind: 'update', request: parsed.data });
    } else {
      const parsed = ZCreateCloudAccountRequest.safeParse({ ...common, keyId: v.keyId, secret: v.secret });
      if (!parsed.success) return setErrors(translate(parsed.error.issues.map((i) => i.path[0]!)));
      setErrors({});
      testThenSave({ kind: 'create', request: parsed.data });
    }
  }

  // The server checks the same schema; a duplicate name is the one thing only it can know.
  const serverShown = translate([...refusedFields(mutation.error?.data)]);
  const nameTaken = appErrorOf(mutation.error?.data)?.appCode === 'NAME_TAKEN';
  const shown: Partial<Record<FieldName, string>> = {
    ...serverShown,
    ...(nameTaken ? { name: te('nameTaken') } : {}),
    ...errors,
  };
  // A refused input the form has no field for (or any other error) is shown as the server said it.
  const otherError = mutation.error && Object.keys(serverShown).length === 0 && !nameTaken ? mutation.error.message : (probe.error?.message ?? null);

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate autoComplete="off">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={tf('cloud')} hint={editing ? tf('cloudFixed') : undefined}>
          {(p) => (
            <Select {...p} value={v.cloud} disabled={editing} onChange={(e) => set('cloud')(e.target.value as TCloudKind)}>
              {CLOUD_KINDS.map((c) => (
                <option key={c} value={c}>
                  {tk(c)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={tf('name')} hint={tf('nameHint')} error={shown.name}>
          {(p) => <Input {...p} value={v.name} onChange={(e) => set('name')(e.target.value)} maxLength={60} spellCheck={false} />}
        </Field>
        <Field label={tf('environment')} hint={tf('environmentHint')} error={shown.environment}>
          {(p) => (
            <>
              <Input {...p} list={envListId} value={v.environment} onChange={(e) => set('environment')(e.target.value)} spellCheck={false} />
              <datalist id={envListId}>
                <option value="prod" />
                <option value="staging" />
              </datalist>
            </>
          )}
        </Field>
        {v.cloud === 'ucloud' ? (
          <Field label={tf('projectId')} hint={tf('projectIdHint')} error={shown.projectId}>
            {(p) => <Input {...p} value={v.projectId} onChange={(e) => set('projectId')(e.target.value)} placeholder="org-…" spellCheck={false} className="font-mono" />}
          </Field>
        ) : (
          <div className="hidden sm:block" />
        )}
      </div>

      <fieldset className="space-y-2 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold text-slate-700">{tf('keys')}</legend>
        <p className="text-xs text-slate-500">{account ? tf('keysKeep', { hint: account.keyHint }) : tf('keysStored')}</p>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={keyIdLabel} error={shown.keyId}>
            {(p) => <Input {...p} value={v.keyId} onChange={(e) => set('keyId')(e.target.value)} autoComplete="off" spellCheck={false} className="font-mono" />}
          </Field>
          <Field label={secretLabel} error={shown.secret}>
            {(p) => <Input {...p} type="password" value={v.secret} onChange={(e) => set('secret')(e.target.value)} autoComplete="off" className="font-mono" />}
          </Field>
        </div>
      </fieldset>

      <Field label={tf('endpoint')} hint={tf('endpointHint')} error={shown.endpoint}>
        {(p) => <Input {...p} type="url" value={v.endpoint} onChange={(e) => set('endpoint')(e.target.value)} placeholder="https://…" spellCheck={false} className="font-mono" />}
      </Field>

      <div className="grid gap-3 sm:grid-cols-3">
        <Field label={tf('pageSize')} hint={tf('pageSizeHint', { cloud: tk(v.cloud), min: limits.min, max: limits.max })} error={shown.imagePageSize}>
          {(p) => <Input {...p} type="number" inputMode="numeric" min={limits.min} max={limits.max} value={v.imagePageSize} onChange={(e) => set('imagePageSize')(e.target.value)} />}
        </Field>
        <Field label={tf('concurrency')} hint={tf('concurrencyHint')} error={shown.syncConcurrency}>
          {(p) => <Input {...p} type="number" inputMode="numeric" min={1} max={16} value={v.syncConcurrency} onChange={(e) => set('syncConcurrency')(e.target.value)} />}
        </Field>
        <Field label={tf('interval')} hint={tf('intervalHint')} error={shown.syncIntervalMinutes}>
          {(p) => <Input {...p} type="number" inputMode="numeric" min={0} max={10080} value={v.syncIntervalMinutes} onChange={(e) => set('syncIntervalMinutes')(e.target.value)} />}
        </Field>
      </div>

      <div className="grid gap-3 sm:grid-cols-3">
        <Field label={tf('maxRuns')} hint={tf('maxRunsHint', { max: MAX_CONCURRENT_RUNS })} error={shown.maxConcurrentRuns}>
          {(p) => <Input {...p} type="number" inputMode="numeric" min={1} max={MAX_CONCURRENT_RUNS} value={v.maxConcurrentRuns} onChange={(e) => set('maxConcurrentRuns')(e.target.value)} />}
        </Field>
      </div>

      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={v.enabled} onChange={(e) => set('enabled')(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
        {tf('enabled')}
      </label>

      {otherError ? <Alert tone="error">{otherError}</Alert> : null}
      {failedTest ? (
        <Alert tone="warning" title={tj('form.failedTitle')}>
          <SyncJobError job={{ errorCode: failedTest.result.errorCode, error: failedTest.result.error }} className="mt-1 space-y-0.5" />
          <p className="mt-2">{tj('form.failedBody')}</p>
          <div className="mt-2 flex justify-end gap-2">
            <Button size="sm" onClick={() => setFailedTest(null)}>
              {tj('form.keepEditing')}
            </Button>
            <Button size="sm" variant="danger" disabled={mutation.isPending} onClick={() => save(failedTest.pending)}>
              {tj('form.saveAnyway')}
            </Button>
          </div>
        </Alert>
      ) : (
        <div className="flex justify-end gap-2">
          <Button onClick={onCancel}>{t('cancel')}</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending || probe.isPending}>
            {probe.isPending ? tj('form.testing') : mutation.isPending ? t('saving') : editing ? t('save') : t('create')}
          </Button>
        </div>
      )}
    </form>
  );
}
