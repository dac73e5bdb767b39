'use client';
import { useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { trpc } from '@/app/_trpc/react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/field';
import { refusedFields } from '@/server/api/schemas/errors';
import { TEMPLATE_ROLES, ZCreateTemplateRequest } from '@/server/api/schemas/templates';
import { IssueList, translateIssue } from './issue-list';
import { JsonEditor, type JsonEditorHandle } from './json-editor';
import { TemplateFilesPanel, inputsValid, type TemplateFilesDraft } from './template-files-panel';
import { useTemplateValidation } from './use-template-validation';
import { UnsavedChangesDialog } from './unsaved-changes-dialog';
import { useUnsavedChangesGuard } from './use-unsaved-changes-guard';

// A starting point that passes validation: one builder per cloud, uniquely named.
const STARTER = `{
  "variables": {
    "service_version": "1.0.0"
  },
  "builders": [
    {
      "type": "ucloud-uhost",
      "name": "ucloud-cn-bj2",
      "region": "cn-bj2",
      "availability_zone": "cn-bj2-02",
      "instance_type": "n-basic-2",
      "source_image_id": "uimage-xxxxxx",
      "ssh_username": "root",
      "image_name": "rome-{{timestamp}}"
    }
  ],
  "provisioners": [
    {
      "type": "shell",
      "inline": ["echo building {{user \`service_version\`}}"]
    }
  ]
}
`;

export function NewTemplateForm() {
  const t = useTranslations('templates');
  const te = useTranslations('editor');
  const tv = useTranslations('validation');
  const tr = useTranslations('templateRoles');
  const router = useRouter();
  const editor = useRef<JsonEditorHandle>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<(typeof TEMPLATE_ROLES)[number]>('access');
  const [description, setDescription] = useState('');
  const [body, setBody] = useState(STARTER);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string | undefined>>({});
  // Attachments and build inputs go with version 1, like the body.
  const [files, setFiles] = useState<TemplateFilesDraft>({ attachments: [], inputs: [] });
  const leaveGuard = useUnsavedChangesGuard(body !== STARTER || name !== '' || files.attachments.length > 0 || files.inputs.length > 0);

  const { issues, pending } = useTemplateValidation(body, files);
  // Warnings (a region not synced yet) keep a template valid; only errors make a draft.
  const hasErrors = issues.some((i) => i.severity !== 'warning');
  const marks = useMemo(() => issues.map((i) => ({ from: i.from, to: i.to, message: translateIssue(tv, i) })), [issues, tv]);
  const create = trpc.template.create.useMutation({
    onSuccess: (result) => {
      router.push(`/templates/${result.id}`);
      router.refresh();
    },
  });

  function submit() {
    // The same schema the server applies, so the form shows field errors before a round trip.
    if (!inputsValid(files.inputs)) return;
    const parsed = ZCreateTemplateRequest.safeParse({
      name,
      role,
      description,
      body,
      asDraft: hasErrors,
      attachments: files.attachments.map((a) => ({ path: a.path, sha256: a.sha256 })),
      inputs: files.inputs,
    });
    if (!parsed.success) {
      setFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setFieldErrors({});
    create.mutate(parsed.data);
  }

  const serverFields = refusedFields(create.error?.data);
  // Field errors are shown in the user's language; the schema's English text is for API clients.
  const errorFor = (key: 'name' | 'description') => (fieldErrors[key] || serverFields.has(key) ? t(`fieldErrors.${key}`) : null);

  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-3 md:grid-cols-[16rem_10rem_minmax(0,1fr)]">
        <Field label={t('name')} hint={t('nameHint')} error={errorFor('name')}>
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
        </Field>
        <Field label={t('role')}>
          {(p) => (
            <Select {...p} value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
              {TEMPLATE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {tr(r)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={t('descriptionLabel')} error={errorFor('description')}>
          {(p) => <Input {...p} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />}
        </Field>
      </div>
      <div className="grid gap-3 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <JsonEditor ref={editor} value={body} onChange={setBody} onSave={submit} marks={marks} label={te('editorLabel', { name: name || t('new') })} />
        <aside className="space-y-3">
          <div className="space-y-2 rounded-md border border-slate-200 bg-white p-3">
            {hasErrors ? <p className="text-xs text-amber-800">{te('draftWarning')}</p> : null}
            <Button type="submit" variant="primary" className="w-full" disabled={create.isPending || pending}>
              {hasErrors ? t('createDraft') : t('create')}
            </Button>
            {fieldErrors.body || serverFields.has('body') ? <Alert tone="error">{t('fieldErrors.body')}</Alert> : null}
            {create.error && !['name', 'description', 'body'].some((f) => serverFields.has(f)) ? <Alert tone="error">{create.error.message}</Alert> : null}
          </div>
          <section className="rounded-md border border-slate-200 bg-white p-3">
            <h2 className="mb-2 text-sm font-semibold">{te('issues')}</h2>
            <IssueList issues={issues} onReveal={(offset) => editor.current?.reveal(offset)} />
          </section>
          <TemplateFilesPanel value={files} onChange={setFiles} canEdit />
        </aside>
      </div>
      <UnsavedChangesDialog guard={leaveGuard} />
    </form>
  );
}
