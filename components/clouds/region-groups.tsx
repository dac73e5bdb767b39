'use client';
import { useMemo, useState } from 'react';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/field';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { appErrorOf } from '@/server/api/schemas/errors';
import { CloudBadge } from './cloud-badges';
import type { RegionStrategyRow } from './region-strategy';

type Group = RouterOutputs['regionGroup']['list'][number];
type Cloud = 'ucloud' | 'aws';
const CLOUD_NAMES: Record<Cloud, string> = { ucloud: 'UCloud', aws: 'AWS' };
const key = (cloud: string, region: string) => `${cloud}:${region}`;

/** Settings → Regions' "Region groups": named sets of regions that builds and rollouts select. */
export function RegionGroupsSection({ initialGroups, regions, canEdit }: { initialGroups: Group[]; regions: RegionStrategyRow[]; canEdit: boolean }) {
  const t = useTranslations('regionStrategy');
  const utils = trpc.useUtils();
  const groups = trpc.regionGroup.list.useQuery(undefined, { initialData: initialGroups }).data;
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const del = trpc.regionGroup.delete.useMutation({ onSuccess: () => utils.regionGroup.list.invalidate() });
  return (
    <section aria-labelledby="region-groups-title" className="space-y-2">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h2 id="region-groups-title" className="text-sm font-semibold text-slate-900">
            {t('groups')}
          </h2>
          <p className="text-xs text-slate-600">{t('groupsHint')}</p>
        </div>
        {canEdit ? (
          <Button size="sm" variant="primary" onClick={() => setEditing('new')}>
            {t('newGroup')}
          </Button>
        ) : null}
      </div>
      {groups.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white p-4 text-center text-sm text-slate-600">{t('noGroups')}</p>
      ) : (
        <Table aria-label={t('groups')}>
          <thead>
            <tr>
              <Th>{t('groupName')}</Th>
              <Th>{t('members')}</Th>
              {canEdit ? (
                <Th>
                  <span className="sr-only">{t('edit')}</span>
                </Th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <Tr key={g.id}>
                <Td className="align-top!">
                  <span className="font-medium text-slate-900">{g.name}</span>
                  {g.description ? <span className="block text-xs text-slate-500">{g.description}</span> : null}
                </Td>
                <Td className="align-top! text-xs">
                  <span className="font-medium text-slate-700" data-testid="member-count">
                    {t('memberCount', { count: g.members.length })}
                  </span>
                  <span className="block max-w-[40rem] break-words text-slate-500">{g.members.map((m) => m.region).join(', ')}</span>
                </Td>
                {canEdit ? (
                  <Td className="text-right align-top! whitespace-nowrap">
                    <Button size="sm" variant="ghost" onClick={() => setEditing(g)} aria-label={`${t('edit')} ${g.name}`}>
                      {t('edit')}
                    </Button>
                    <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(g)} aria-label={`${t('delete')} ${g.name}`}>
                      {t('delete')}
                    </Button>
                  </Td>
                ) : null}
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
      {editing ? <GroupDialog group={editing === 'new' ? null : editing} regions={regions} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t('deleteTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('delete')}
        cancelLabel={t('cancel')}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) del.mutate({ id: deleting.id });
          setDeleting(null);
        }}
      >
        {t('deleteBody')}
      </ConfirmDialog>
    </section>
  );
}

function GroupDialog({ group, regions, onClose }: { group: Group | null; regions: RegionStrategyRow[]; onClose: () => void }) {
  const t = useTranslations('regionStrategy');
  const utils = trpc.useUtils();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<Set<string>>(() => new Set((group?.members ?? []).map((m) => key(m.cloud, m.region))));
  const done = async () => {
    await utils.regionGroup.list.invalidate();
    onClose();
  };
  const create = trpc.regionGroup.create.useMutation({ onSuccess: done });
  const update = trpc.regionGroup.update.useMutation({ onSuccess: done });
  const mutation = group ? update : create;
  const nameTaken = appErrorOf(mutation.error?.data)?.appCode === 'NAME_TAKEN';

  // The inventory's regions, plus members that left it (so they can be seen and removed).
  const options = useMemo(() => {
    const list = regions.filter((r) => r.inInventory).map((r) => ({ cloud: r.cloud as Cloud, region: r.region, name: r.name }));
    for (const m of group?.members ?? []) if (!list.some((r) => r.cloud === m.cloud && r.region === m.region)) list.push({ cloud: m.cloud, region: m.region, name: t('notInInventory') });
    return list;
  }, [regions, group, t]);
  const needle = filter.trim().toLowerCase();
  const visible = options.filter((r) => !needle || `${r.cloud} ${r.region} ${r.name}`.toLowerCase().includes(needle));
  const byCloud = (['ucloud', 'aws'] as const).map((cloud) => ({ cloud, rows: visible.filter((r) => r.cloud === cloud) })).filter((c) => c.rows.length > 0);
  const toggle = (k: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(k);
      else next.delete(k);
      return next;
    });
  const submit = () => {
    const members = [...selected].map((k) => {
      const [cloud, region] = k.split(':') as [Cloud, string];
      return { cloud, region };
    });
    if (group) update.mutate({ id: group.id, name, description, members });
    else create.mutate({ name, description, members });
  };
  return (
    <Dialog open wide onClose={onClose} title={group ? t('editGroupTitle', { name: group.name }) : t('createTitle')}>
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label={t('groupName')} error={nameTaken ? t('nameTaken') : null}>
            {(props) => <Input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />}
          </Field>
          <Field label={t('groupDescription')}>{(props) => <Input {...props} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />}</Field>
        </div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Input
            type="search"
            aria-label={t('filterRegions')}
            placeholder={t('filterRegions')}
            className="w-full! sm:w-64!"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.preventDefault();
            }}
          />
          <span className="text-xs text-slate-600" role="status">
            {t('selected', { count: selected.size })}
          </span>
        </div>
        <div className="max-h-[50vh] space-y-3 overflow-y-auto rounded-md border border-slate-200 p-2">
          {byCloud.length === 0 ? <p className="text-xs text-slate-500">{t('noMatches')}</p> : null}
          {byCloud.map(({ cloud, rows }) => {
            const all = rows.every((r) => selected.has(key(r.cloud, r.region)));
            return (
              <fieldset key={cloud}>
                <legend className="mb-1 flex items-center gap-2">
                  <CloudBadge cloud={cloud} />
                  <label className="flex items-center gap-1.5 text-xs font-medium text-slate-700">
                    <input type="checkbox" checked={all} onChange={(e) => rows.forEach((r) => toggle(key(r.cloud, r.region), e.target.checked))} />
                    {t('selectCloud', { cloud: CLOUD_NAMES[cloud] })}
                  </label>
                </legend>
                <div className="grid grid-cols-1 gap-x-3 gap-y-0.5 sm:grid-cols-2 lg:grid-cols-3">
                  {rows.map((r) => {
                    const k = key(r.cloud, r.region);
                    return (
                      <label key={k} className="flex min-w-0 items-center gap-1.5 rounded px-1 py-0.5 text-xs hover:bg-slate-50">
                        <input type="checkbox" checked={selected.has(k)} onChange={(e) => toggle(k, e.target.checked)} />
                        <span className="font-mono text-slate-900">{r.region}</span>
                        <span className="truncate text-slate-500">{r.name}</span>
                      </label>
                    );
                  })}
                </div>
              </fieldset>
            );
          })}
        </div>
        {mutation.error && !nameTaken ? (
          <p role="alert" className="text-xs text-red-700">
            {mutation.error.message}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending || !name.trim()}>
            {t('save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
