'use client';
import { useEffect, useMemo, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { keepPreviousData } from '@tanstack/react-query';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { BUILD_PLAN_REFUSALS, MAX_BUILD_RUNS, type TStartBuildRequest } from '@/server/api/schemas/builds';
import { inputPatternMatches, MAX_ATTACHMENT_BYTES, type TUploadedBlob } from '@/server/api/schemas/template-files';

type Cloud = 'ucloud' | 'aws';
type Form = RouterOutputs['build']['form'];
type Plan = RouterOutputs['build']['plan'];
type Uploaded = { path: string; sha256: string; size: number };

const key = (cloud: string, region: string) => `${cloud}:${region}`;
const CLOUD_LABEL: Record<Cloud, string> = { ucloud: 'UCloud', aws: 'AWS' };

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The value after `ms` without changes: the plan is asked for once typing pauses, not per key. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** A "Build" button that opens the build dialog for a template version. */
export function BuildButton({ templateId, version, templateName, size = 'md', variant = 'primary' }: { templateId: string; version: number; templateName: string; size?: 'sm' | 'md'; variant?: 'primary' | 'secondary' }) {
  const t = useTranslations('buildDialog');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={variant} size={size} onClick={() => setOpen(true)} aria-label={t('openFor', { name: templateName, version })}>
        {t('open')}
      </Button>
      {open ? <BuildDialog open={open} onClose={() => setOpen(false)} templateId={templateId} version={version} templateName={templateName} /> : null}
    </>
  );
}

export function BuildDialog({ open, onClose, templateId, version, templateName }: { open: boolean; onClose: () => void; templateId: string; version: number; templateName: string }) {
  const t = useTranslations('buildDialog');
  const form = trpc.build.form.useQuery({ templateId, version }, { enabled: open, staleTime: 30_000 });
  return (
    <Dialog open={open} onClose={onClose} title={t('title', { name: templateName, version })} wide>
      {form.error ? <Alert tone="error">{form.error.message}</Alert> : null}
      {!form.data ? <p className="h-96 text-sm text-slate-500">{form.isLoading ? t('loading') : null}</p> : <BuildForm form={form.data} templateId={templateId} version={version} onCancel={onClose} />}
    </Dialog>
  );
}

function BuildForm({ form, templateId, version, onCancel }: { form: Form; templateId: string; version: number; onCancel: () => void }) {
  const t = useTranslations('buildDialog');
  const router = useRouter();
  const clouds = form.clouds as Cloud[];
  const [accounts, setAccounts] = useState<Partial<Record<Cloud, string>>>(() =>
    Object.fromEntries(clouds.map((c) => [c, form.accounts.find((a) => a.cloud === c)?.id]).filter(([, id]) => id)),
  );
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [allOf, setAllOf] = useState<Cloud[]>([]);
  const [regions, setRegions] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(form.variables.map((v) => [v.name, v.defaultValue])));
  const [uploads, setUploads] = useState<Record<string, Uploaded>>({});
  const [uploadError, setUploadError] = useState<Record<string, string>>({});
  const [parallelism, setParallelism] = useState(0);
  const [failFast, setFailFast] = useState(false);
  const [overrides, setOverrides] = useState<Record<string, string>>({});

  const accountIds = clouds.map((c) => accounts[c]).filter((x): x is string => Boolean(x));
  const chosenAccount = new Set(accountIds);
  const regionChoices = form.regions.filter((r) => chosenAccount.has(r.accountId));
  const strategyOf = (cloud: string, region: string) => form.strategies.find((s) => s.cloud === cloud && s.region === region && s.mode === 'copy');
  const needle = search.trim().toLowerCase();
  const shown = regionChoices.filter((r) => !needle || `${r.cloud} ${r.region} ${r.name}`.toLowerCase().includes(needle));

  const request: TStartBuildRequest = useMemo(
    () => ({
      templateId,
      version,
      accountIds,
      targets: {
        groupIds,
        clouds: allOf.filter((c) => accounts[c]),
        regions: regions.map((k) => ({ cloud: k.split(':')[0] as Cloud, region: k.split(':')[1]! })),
      },
      // Defaults are the template's own: only what was changed, and every sensitive value given, is sent.
      variables: form.variables
        .filter((v) => (v.sensitive ? values[v.name] !== '' : values[v.name] !== v.defaultValue))
        .map((v) => ({ name: v.name, value: values[v.name] ?? '' })),
      inputs: Object.values(uploads).map((u) => ({ path: u.path, sha256: u.sha256 })),
      baseImageOverrides: Object.entries(overrides).map(([k, imageId]) => ({ cloud: k.split(':')[0] as Cloud, region: k.split(':')[1]!, imageId })),
      parallelism,
      failFast,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [templateId, version, accountIds.join(','), groupIds, allOf, regions, values, uploads, overrides, parallelism, failFast, form.variables],
  );
  const settled = useSettled(request, 300);
  const hasTargets = groupIds.length + allOf.length + regions.length > 0;
  // Asked with the settled request only: the current one may have targets the settled one lacks yet.
  const settledTargets = (settled.targets.groupIds?.length ?? 0) + (settled.targets.clouds?.length ?? 0) + (settled.targets.regions?.length ?? 0) > 0;
  const plan = trpc.build.plan.useQuery(settled, { enabled: settledTargets && settled.accountIds.length > 0, placeholderData: keepPreviousData, retry: false });
  const start = trpc.build.start.useMutation({ onSuccess: (started) => router.push(`/builds/${started.buildId}`) });
  const current = hasTargets ? plan.data : undefined;
  const stale = plan.isFetching || settled !== request;
  const missingInputs = form.inputs.filter((i) => !uploads[i.name]);
  const canStart = !!current && !stale && current.refused.length === 0 && current.runs.length > 0 && missingInputs.length === 0 && !start.isPending;

  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));

  /** Drops the refused targets: the targets become the regions the plan builds or copies to. */
  const dropRefused = () => {
    if (!current) return;
    const kept = [...current.runs.filter((r) => !r.onlyForCopies).map((r) => key(r.cloud, r.region)), ...current.copies.map((c) => key(c.cloud, c.region))];
    setGroupIds([]);
    setAllOf([]);
    setRegions([...new Set(kept)]);
  };

  const upload = async (name: string, pattern: string, maxBytes: number | undefined, file: File | null) => {
    setUploadError((e) => ({ ...e, [name]: '' }));
    if (!file) return;
    const folder = pattern.includes('/') ? pattern.slice(0, pattern.lastIndexOf('/') + 1) : '';
    const path = `${folder}${file.name}`;
    if (!inputPatternMatches(pattern, path)) return setUploadError((e) => ({ ...e, [name]: t('inputs.noMatch', { file: file.name, pattern }) }));
    const max = Math.min(MAX_ATTACHMENT_BYTES, maxBytes ?? MAX_ATTACHMENT_BYTES);
    if (file.size > max) return setUploadError((e) => ({ ...e, [name]: t('inputs.tooLarge', { size: formatBytes(file.size), max: formatBytes(max) }) }));
    try {
      const content = toBase64(new Uint8Array(await file.arrayBuffer()));
      const res = await fetch('/api/templates/attachments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content }) });
      const answer = (await res.json()) as TUploadedBlob | { error: { message: string } };
      if (!res.ok || 'error' in answer) return setUploadError((e) => ({ ...e, [name]: 'error' in answer ? answer.error.message : t('inputs.failed', { status: res.status }) }));
      setUploads((u) => ({ ...u, [name]: { path, sha256: answer.sha256, size: answer.size } }));
    } catch (err) {
      setUploadError((e) => ({ ...e, [name]: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <form
      className="grid gap-4 lg:grid-cols-[19rem_minmax(0,1fr)]"
      onSubmit={(e) => {
        e.preventDefault();
        // Enter in a text field must not start a build: only the Start button does.
        if ((e.nativeEvent as SubmitEvent).submitter?.dataset['action'] !== 'start') return;
        if (canStart) start.mutate(request);
      }}
    >
      <div className="space-y-4">
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">{t('accounts.title')}</legend>
          {clouds.map((cloud) => {
            const options = form.accounts.filter((a) => a.cloud === cloud);
            return (
              <Field key={cloud} label={t('accounts.for', { cloud: CLOUD_LABEL[cloud] })} hint={options.length === 0 ? t('accounts.none', { cloud: CLOUD_LABEL[cloud] }) : undefined}>
                {(p) => (
                  <Select {...p} value={accounts[cloud] ?? ''} onChange={(e) => setAccounts((a) => ({ ...a, [cloud]: e.target.value || undefined }))}>
                    <option value="">{t('accounts.skip', { cloud: CLOUD_LABEL[cloud] })}</option>
                    {options.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name} · {a.environment}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            );
          })}
        </fieldset>

        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">{t('targets.title')}</legend>
          {form.groups.length ? (
            <div className="space-y-1">
              <p className="text-xs font-medium text-slate-700">{t('targets.groups')}</p>
              {form.groups.map((g) => (
                <label key={g.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={groupIds.includes(g.id)} onChange={(e) => setGroupIds((l) => toggle(l, g.id, e.target.checked))} />
                  <span>{g.name}</span>
                  <span className="text-xs text-slate-500">{t('targets.members', { count: g.members.length })}</span>
                </label>
              ))}
            </div>
          ) : null}
          <div className="space-y-1">
            <p className="text-xs font-medium text-slate-700">{t('targets.clouds')}</p>
            {clouds.map((cloud) => (
              <label key={cloud} className={cn('flex items-center gap-2 text-sm', !accounts[cloud] && 'text-slate-400')}>
                <input type="checkbox" disabled={!accounts[cloud]} checked={allOf.includes(cloud)} onChange={(e) => setAllOf((l) => toggle(l, cloud, e.target.checked))} />
                {t('targets.allOf', { cloud: CLOUD_LABEL[cloud], count: regionChoices.filter((r) => r.cloud === cloud).length })}
              </label>
            ))}
          </div>
          <Field label={t('targets.regions')} hint={t('targets.picked', { count: regions.length })}>
            {(p) => <Input {...p} type="search" placeholder={t('targets.search')} value={search} onChange={(e) => setSearch(e.target.value)} />}
          </Field>
          <ul className="h-44 overflow-y-auto rounded-md border border-slate-200 bg-white py-1" aria-label={t('targets.regions')}>
            {shown.map((r) => {
              const k = key(r.cloud, r.region);
              const copy = strategyOf(r.cloud, r.region);
              return (
                <li key={`${r.accountId}:${r.region}`}>
                  <label className="flex items-center gap-2 px-2 py-0.5 text-sm hover:bg-slate-50">
                    <input type="checkbox" checked={regions.includes(k)} onChange={(e) => setRegions((l) => toggle(l, k, e.target.checked))} aria-label={`${CLOUD_LABEL[r.cloud as Cloud]} ${r.region}`} />
                    <span className="w-12 shrink-0 text-xs text-slate-500">{CLOUD_LABEL[r.cloud as Cloud]}</span>
                    <span className="font-mono text-xs">{r.region}</span>
                    <span className="truncate text-xs text-slate-500">{r.name}</span>
                    {copy ? <Badge tone="violet" className="ml-auto">{t('strategy.copiesFrom', { region: copy.sourceRegion ?? '' })}</Badge> : null}
                  </label>
                </li>
              );
            })}
            {shown.length === 0 ? <li className="px-2 py-1 text-sm text-slate-500">{t('targets.noRegions')}</li> : null}
          </ul>
        </fieldset>

        {form.variables.length ? (
          <fieldset className="space-y-2">
            <legend className="text-sm font-semibold">{t('variables.title')}</legend>
            {form.variables.map((v) => (
              <Field key={v.name} label={v.name} hint={v.sensitive ? t('variables.sensitive') : undefined}>
                {(p) => (
                  <Input
                    {...p}
                    className="font-mono text-xs"
                    type={v.sensitive ? 'password' : 'text'}
                    autoComplete={v.sensitive ? 'new-password' : 'off'}
                    value={values[v.name] ?? ''}
                    onChange={(e) => setValues((x) => ({ ...x, [v.name]: e.target.value }))}
                  />
                )}
              </Field>
            ))}
          </fieldset>
        ) : null}

        {form.inputs.length ? (
          <fieldset className="space-y-2">
            <legend className="text-sm font-semibold">{t('inputs.title')}</legend>
            {form.inputs.map((i) => (
              <Field key={i.name} label={i.name} error={uploadError[i.name] || null} hint={uploads[i.name] ? t('inputs.uploaded', { path: uploads[i.name]!.path, size: formatBytes(uploads[i.name]!.size) }) : `${i.pattern}${i.description ? ` — ${i.description}` : ''}`}>
                {(p) => <Input {...p} type="file" className="py-1 text-xs" onChange={(e) => void upload(i.name, i.pattern, i.maxBytes, e.target.files?.[0] ?? null)} />}
              </Field>
            ))}
          </fieldset>
        ) : null}

        <fieldset className="grid grid-cols-2 items-end gap-3">
          <legend className="mb-2 text-sm font-semibold">{t('options.title')}</legend>
          <Field label={t('options.parallelism')} hint={t('options.parallelismHint')}>
            {(p) => <Input {...p} type="number" min={0} max={MAX_BUILD_RUNS} value={parallelism} onChange={(e) => setParallelism(Math.max(0, Math.min(MAX_BUILD_RUNS, Math.floor(Number(e.target.value) || 0))))} />}
          </Field>
          <label className="flex h-8 items-center gap-2 self-start pt-5 text-sm">
            <input type="checkbox" checked={failFast} onChange={(e) => setFailFast(e.target.checked)} />
            {t('options.failFast')}
          </label>
        </fieldset>
      </div>

      <section aria-labelledby="build-plan-title" className="min-w-0 space-y-3">
        <div className="flex min-h-8 flex-wrap items-center gap-2">
          <h3 id="build-plan-title" className="text-sm font-semibold">
            {t('plan.title')}
          </h3>
          {current ? (
            <p className="text-sm text-slate-700" data-testid="plan-summary">
              {t('plan.summary', { runs: current.runs.length, copies: current.copies.length, refused: current.refused.length })}
            </p>
          ) : null}
          <span className={cn('ml-auto text-xs text-slate-500', !stale && 'invisible')} aria-live="polite">
            {t('plan.updating')}
          </span>
        </div>
        {!hasTargets ? <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">{t('plan.empty')}</p> : null}
        {hasTargets && plan.error ? <Alert tone="error">{plan.error.message}</Alert> : null}
        {current ? <PlanView plan={current} overrides={overrides} setOverrides={setOverrides} onDropRefused={dropRefused} /> : null}
        {start.error ? <Alert tone="error">{start.error.message}</Alert> : null}
        {missingInputs.length ? <p className="text-xs text-amber-800">{t('inputs.missing', { names: missingInputs.map((i) => i.name).join(', ') })}</p> : null}
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-3">
          <Button onClick={onCancel}>{t('cancel')}</Button>
          <Button type="submit" variant="primary" disabled={!canStart} data-action="start">
            {start.isPending ? t('starting') : t('start', { count: current?.runs.length ?? 0 })}
          </Button>
        </div>
      </section>
    </form>
  );
}

function PlanView({ plan, overrides, setOverrides, onDropRefused }: { plan: Plan; overrides: Record<string, string>; setOverrides: (f: (o: Record<string, string>) => Record<string, string>) => void; onDropRefused: () => void }) {
  const t = useTranslations('buildDialog');
  const refusalText = (r: Plan['refused'][number]) => ((BUILD_PLAN_REFUSALS as readonly string[]).includes(r.code) ? t(`refusal.${r.code}` as never, { ...r.params, region: r.region } as never) : r.reason);
  return (
    <div className="space-y-3">
      {plan.refused.length ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm">
          <div className="mb-1 flex items-center gap-2">
            <p className="font-medium text-red-800">{t('plan.refusedTitle', { count: plan.refused.length })}</p>
            <Button size="sm" variant="danger" className="ml-auto" onClick={onDropRefused}>
              {t('plan.dropRefused')}
            </Button>
          </div>
          <ul className="space-y-1">
            {plan.refused.map((r) => (
              <li key={`${r.cloud}:${r.region}:${r.code}`} className="text-red-800">
                <span className="font-mono text-xs">
                  {CLOUD_LABEL[r.cloud]} {r.region === '*' ? t('plan.allRegions') : r.region}
                </span>{' '}
                <Badge tone="red">{r.code}</Badge> <span title={r.reason}>{refusalText(r)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="overflow-x-auto">
        <Table aria-label={t('plan.title')} className="min-w-full">
          <thead>
            <tr>
              <Th className="px-2">{t('plan.region')}</Th>
              <Th className="hidden px-2 sm:table-cell">{t('plan.zoneDisk')}</Th>
              <Th className="px-2">{t('plan.baseImage')}</Th>
              <Th className="hidden px-2 sm:table-cell">{t('plan.strategy')}</Th>
            </tr>
          </thead>
          <tbody>
            {plan.runs.map((r) => {
              const k = key(r.cloud, r.region);
              const strategy = (
                <>
                  {r.onlyForCopies ? <Badge tone="violet">{t('plan.onlyForCopies')}</Badge> : <span className="text-slate-600">{t('plan.buildHere')}</span>}
                  {r.copyTo.length ? <span className="block text-slate-700">{t('plan.copiesTo', { regions: r.copyTo.join(', ') })}</span> : null}
                </>
              );
              return (
                <Tr key={r.builderName}>
                  <Td className="px-2 align-top">
                    <span className="block text-xs text-slate-500">{CLOUD_LABEL[r.cloud]}</span>
                    <span className="font-mono text-xs font-medium">{r.region}</span>
                    <span className="block font-mono text-[11px] whitespace-nowrap text-slate-500" title={t('plan.builderName')}>
                      {r.builderName}
                    </span>
                    {/* Phones: zone, disk and strategy under the region (their columns are hidden there). */}
                    <span className="block text-[11px] text-slate-500 sm:hidden">
                      {r.zone ?? t('plan.anyZone')} · {r.diskType ?? t('plan.amiDisk')}
                    </span>
                    <span className="block text-[11px] sm:hidden">{strategy}</span>
                  </Td>
                  <Td className="hidden px-2 align-top font-mono text-xs whitespace-nowrap sm:table-cell">
                    {r.zone ?? t('plan.anyZone')}
                    <span className="block text-slate-500">{r.diskType ?? t('plan.amiDisk')}</span>
                  </Td>
                  <Td className="px-2 align-top">
                    <div className="w-40 sm:w-56">
                      <div className="flex flex-wrap items-center gap-1">
                        <Badge tone={r.baseImage.how === 'template' ? 'neutral' : r.baseImage.how === 'inventory' ? 'blue' : 'amber'}>{t(`how.${r.baseImage.how}`)}</Badge>
                        <span className="font-mono text-xs break-all">{r.baseImage.imageId}</span>
                      </div>
                      <p className="truncate text-[11px] text-slate-600" title={r.baseImage.name}>
                        {r.baseImage.name}
                      </p>
                      {r.baseImage.templateImageId ? <p className="text-[11px] break-all text-slate-500">{t('plan.insteadOf', { imageId: r.baseImage.templateImageId })}</p> : null}
                      <Select
                        aria-label={t('plan.override', { region: r.region })}
                        className="mt-1 h-7 w-full text-xs"
                        value={overrides[k] ?? ''}
                        onChange={(e) => {
                          const v = e.target.value;
                          setOverrides((o) => {
                            const next = { ...o };
                            if (v) next[k] = v;
                            else delete next[k];
                            return next;
                          });
                        }}
                      >
                        <option value="">{t('plan.resolved')}</option>
                        {r.candidates.map((c) => (
                          <option key={c.imageId} value={c.imageId}>
                            {c.name} · {c.imageId}
                            {c.createdAt ? ` · ${c.createdAt.slice(0, 10)}` : ''}
                          </option>
                        ))}
                      </Select>
                    </div>
                  </Td>
                  <Td className="hidden px-2 align-top text-xs sm:table-cell">{strategy}</Td>
                </Tr>
              );
            })}
            {plan.copies.map((c) => (
              <Tr key={`copy:${c.cloud}:${c.region}:${c.builderName}`} className="bg-violet-50/40">
                <Td className="px-2 align-top">
                  <span className="block text-xs text-slate-500">{CLOUD_LABEL[c.cloud]}</span>
                  <span className="font-mono text-xs font-medium">{c.region}</span>
                  <span className="block sm:hidden">
                    <Badge tone="violet">{t('strategy.copiesFrom', { region: c.from })}</Badge>
                  </span>
                </Td>
                <Td className="hidden sm:table-cell" />
                <Td className="px-2 text-xs text-slate-600">{t('plan.noOwnRun')}</Td>
                <Td className="hidden px-2 text-xs sm:table-cell">
                  <Badge tone="violet">{t('strategy.copiesFrom', { region: c.from })}</Badge>
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </div>
    </div>
  );
}
