'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { trpc, type RouterOutputs } from '@/app/_trpc/react';
import { BuildButton } from '@/components/builds/build-dialog';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useDateTimeFormatter } from '@/components/ui/date-time';
import { Field, Input } from '@/components/ui/field';
import { appErrorOf, refusedFields, type TTemplateVersionConflictDetails } from '@/server/api/schemas/errors';
import { ZTemplateBody } from '@/server/api/schemas/templates';
import { useBaseImageTools } from './base-image-tools';
import { useAuthorText, useCommitMessageText } from './commit-message';
import { applyFixEdits } from './apply-fix';
import { IssueList, translateIssue, type Fix } from './issue-list';
import { JsonEditor, type JsonEditorHandle } from './json-editor';
import { EditorStatusBadge, RoleBadge, TemplateStatusBadge } from './template-badges';
import { MergePanel } from './merge-panel';
import { TemplateFilesPanel, inputsValid, sameTemplateFiles, type TemplateFilesDraft } from './template-files-panel';
import { TextDiff } from './text-diff';
import { useTemplateValidation } from './use-template-validation';
import { UnsavedChangesDialog } from './unsaved-changes-dialog';
import { useUnsavedChangesGuard } from './use-unsaved-changes-guard';

type Template = RouterOutputs['template']['byId'];
type Conflict = TTemplateVersionConflictDetails;

export function TemplateEditor({ initial, canEdit, canBuild = false }: { initial: Template; canEdit: boolean; canBuild?: boolean }) {
  const t = useTranslations('editor');
  const tt = useTranslations('templates');
  const tv = useTranslations('validation');
  const formatDate = useDateTimeFormatter();
  const commitMessage = useCommitMessageText();
  const authorText = useAuthorText();
  const utils = trpc.useUtils();
  const editor = useRef<JsonEditorHandle>(null);
  const { data: current } = trpc.template.byId.useQuery({ templateId: initial.id }, { initialData: initial });

  const [base, setBase] = useState({ version: initial.latestVersion, body: initial.latest.body, valid: initial.latest.valid });
  const [body, setBody] = useState(initial.latest.body);
  const [message, setMessage] = useState('');
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  // The text the shared schema refused (NUL, lone surrogates, size): shown until it changes.
  const [refusedBody, setRefusedBody] = useState<string | null>(null);
  // The version's attachments and build inputs: part of what a save stores, so part of "unsaved".
  const initialFiles: TemplateFilesDraft = { attachments: initial.latest.attachments, inputs: initial.latest.inputs };
  const [files, setFiles] = useState<TemplateFilesDraft>(initialFiles);
  const [baseFiles, setBaseFiles] = useState<TemplateFilesDraft>(initialFiles);
  const filesRef = useRef(files);
  const editFiles = useCallback((next: TemplateFilesDraft) => {
    filesRef.current = next;
    setFiles(next);
  }, []);
  const filesDirty = !sameTemplateFiles(files, baseFiles);
  const dirty = body !== base.body || filesDirty;
  const leaveGuard = useUnsavedChangesGuard(dirty);
  // The latest text and message, written on every change: a Ctrl+S pressed right after a
  // keystroke must save what is on screen even before React has re-rendered with it.
  const bodyRef = useRef(body);
  const messageRef = useRef(message);
  const messageInput = useRef<HTMLInputElement>(null);
  const edit = useCallback((value: string) => {
    bodyRef.current = value;
    setBody(value);
  }, []);
  const load = (value: string) => {
    bodyRef.current = value;
    setBody(value);
  };

  const { issues, pending: validating } = useTemplateValidation(body, files);
  const imageTools = useBaseImageTools({ body, canEdit });
  const marks = useMemo(() => issues.map((i) => ({ from: i.from, to: i.to, message: translateIssue(tv, i) })), [issues, tv]);
  // Warnings (a region not synced yet) keep a template valid; only errors make a draft.
  const invalid = issues.some((i) => i.severity !== 'warning');

  const save = trpc.template.save.useMutation({
    onSuccess: async (result) => {
      setBase({ version: result.version, body, valid: result.valid });
      setBaseFiles(filesRef.current);
      setMessage('');
      setConflict(null);
      setSaved(result.version);
      await utils.template.invalidate();
    },
    onError: (error) => {
      const appError = appErrorOf(error.data);
      if (appError?.appCode === 'TEMPLATE_VERSION_CONFLICT') {
        setConflict(appError.details);
        // The side panel's "Latest: version N" must show their newer version at once.
        void utils.template.byId.invalidate({ templateId: initial.id });
      }
    },
  });

  useEffect(() => {
    if (dirty) setSaved(null);
  }, [dirty]);

  const canSave = canEdit && dirty && message.trim().length > 0 && !save.isPending && !validating && inputsValid(files.inputs);

  // A save request (button, Enter, Ctrl+S / ⌘S anywhere) waits until React holds the latest
  // text and its check has answered, then saves exactly that text: never swallowed, never stale.
  const [saveRequested, setSaveRequested] = useState(false);
  const requestSave = useCallback(() => setSaveRequested(true), []);
  useEffect(() => {
    if (!saveRequested) return;
    if (bodyRef.current !== body || messageRef.current !== message || validating) return;
    setSaveRequested(false);
    if (!canEdit || !dirty || save.isPending || !inputsValid(files.inputs)) return;
    if (message.trim().length === 0) {
      messageInput.current?.focus();
      return;
    }
    if (!ZTemplateBody.safeParse(body).success) {
      setRefusedBody(body);
      return;
    }
    save.mutate({
      templateId: initial.id,
      baseVersion: base.version,
      body,
      message,
      asDraft: invalid,
      attachments: files.attachments.map((a) => ({ path: a.path, sha256: a.sha256 })),
      inputs: files.inputs,
    });
  }, [saveRequested, body, message, validating, canEdit, dirty, save, initial.id, base.version, invalid, files]);

  // After a conflict the base is their version: its files become the base files too, and a
  // discard loads them.
  const adoptTheirFiles = async (version: number, replaceMine: boolean) => {
    const theirs = await utils.template.files.fetch({ templateId: initial.id, version });
    setBaseFiles(theirs);
    if (replaceMine) editFiles(theirs);
  };

  useEffect(() => {
    if (!canEdit) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 's') return;
      e.preventDefault();
      requestSave();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [canEdit, requestSave]);

  const bodyError = refusedBody === body || refusedFields(save.error?.data).has('body') ? tt('fieldErrors.body') : null;
  const saveError = bodyError ?? (save.error && appErrorOf(save.error.data)?.appCode !== 'TEMPLATE_VERSION_CONFLICT' ? save.error.message : null);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <RoleBadge role={initial.role} />
        <span className="text-slate-600">{t('editingVersion', { version: base.version })}</span>
        {dirty ? <EditorStatusBadge checking={validating} problems={issues.length} /> : <TemplateStatusBadge valid={base.valid} />}
        <span className="flex-1" />
        <Link className="text-sm text-blue-700 hover:underline" href={`/templates/${initial.id}/history`}>
          {t('history')}
        </Link>
        {/* Builds the saved version the editor is on (never unsaved edits); invalid versions cannot be built. */}
        {canBuild && base.valid ? <BuildButton templateId={initial.id} version={base.version} templateName={initial.name} size="sm" /> : null}
      </div>

      {conflict ? (
        <div className="space-y-2">
          <Alert tone="error" title={t('conflictTitle')}>
            {t('conflictBody', {
              author: authorText(conflict.latestAuthor),
              version: conflict.latestVersion,
              message: commitMessage(conflict.latestMessage),
              base: base.version,
            })}
          </Alert>
          <MergePanel
            baseVersion={base.version}
            baseBody={base.body}
            theirVersion={conflict.latestVersion}
            theirBody={conflict.latestBody}
            mine={body}
            onMerge={(merged) => {
              // The merge sits on top of their version: the next save is an ordinary one.
              setBase({ version: conflict.latestVersion, body: conflict.latestBody, valid: conflict.latestValid });
              load(merged);
              void adoptTheirFiles(conflict.latestVersion, false);
              setConflict(null);
              save.reset();
            }}
            onDiscard={() => {
              setBase({ version: conflict.latestVersion, body: conflict.latestBody, valid: conflict.latestValid });
              load(conflict.latestBody);
              void adoptTheirFiles(conflict.latestVersion, true);
              setConflict(null);
              save.reset();
            }}
            onKeepMine={() => {
              // The user has seen what this reverts; their edits now knowingly replace version N.
              setBase({ version: conflict.latestVersion, body: conflict.latestBody, valid: conflict.latestValid });
              void adoptTheirFiles(conflict.latestVersion, false);
              setConflict(null);
              save.reset();
            }}
          />
          <TextDiff
            left={conflict.latestBody}
            right={body}
            leftLabel={t('theirVersion', { version: conflict.latestVersion, author: authorText(conflict.latestAuthor) })}
            rightLabel={t('yourEdits')}
          />
        </div>
      ) : null}

      <div className="grid gap-3 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-1.5">
          {imageTools.toolbar}
          <JsonEditor
            ref={editor}
            value={body}
            onChange={canEdit ? edit : undefined}
            marks={marks}
            readOnly={!canEdit}
            label={t('editorLabel', { name: initial.name })}
            height={imageTools.toolbar ? 'calc(100vh - 15.75rem)' : 'calc(100vh - 14rem)'}
            extensions={imageTools.extensions}
          />
        </div>
        <aside className="space-y-3">
          {canEdit ? (
            <form
              className="space-y-2 rounded-md border border-slate-200 bg-white p-3"
              onSubmit={(e) => {
                e.preventDefault();
                requestSave();
              }}
            >
              <Field label={t('commitMessage')} hint={t('commitHint')}>
                {(p) => (
                  <Input
                    {...p}
                    ref={messageInput}
                    value={message}
                    onChange={(e) => {
                      messageRef.current = e.target.value;
                      setMessage(e.target.value);
                    }}
                    maxLength={500}
                  />
                )}
              </Field>
              {invalid ? <p className="text-xs text-amber-800">{t('draftWarning')}</p> : null}
              <Button type="submit" variant="primary" className="w-full" disabled={!canSave}>
                {save.isPending ? t('saving') : invalid ? t('saveDraft', { version: base.version + 1 }) : t('save', { version: base.version + 1 })}
              </Button>
              {saveError ? <Alert tone="error">{saveError}</Alert> : null}
              {saved ? <Alert tone="success">{t('saved', { version: saved })}</Alert> : null}
            </form>
          ) : (
            <Alert tone="info">{t('readOnly')}</Alert>
          )}
          <section className="rounded-md border border-slate-200 bg-white p-3">
            <h2 className="mb-2 flex items-center justify-between text-sm font-semibold">
              {t('issues')}
              <span className="text-xs font-normal text-slate-500">
                {validating ? t('checking') : t('issueCount', { count: issues.filter((i) => i.severity !== 'warning').length })}
              </span>
            </h2>
            <IssueList
              issues={issues}
              onReveal={(offset) => editor.current?.reveal(offset)}
              {...(canEdit ? { onApplyFix: (fix: Fix) => edit(applyFixEdits(bodyRef.current, fix.edits ?? [])) } : {})}
            />
          </section>
          <TemplateFilesPanel templateId={initial.id} saved={{ version: base.version, files: baseFiles }} value={files} onChange={editFiles} canEdit={canEdit} />
          <p className="text-xs text-slate-500">
            {t('lastSaved', {
              version: current.latestVersion,
              author: authorText(current.latest.authorName),
              when: formatDate(current.latest.createdAt),
            })}{' '}
            {current.inventorySyncedAt
              ? t('checkedAgainst', { checked: formatDate(current.latest.checkedAt), synced: formatDate(current.inventorySyncedAt) })
              : t('checkedNoSync', { checked: formatDate(current.latest.checkedAt) })}
          </p>
        </aside>
      </div>
      <UnsavedChangesDialog guard={leaveGuard} />
      {imageTools.dialog}
    </div>
  );
}
