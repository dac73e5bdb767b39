'use client';
import { useId, useRef, useState } from 'react';
import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/field';
import {
  MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_BUILD_INPUTS, ZBuildInput, ZBuildInputName, filePathReason,
  type FilePathReason, type TAttachment, type TBuildInput, type TUploadedBlob,
} from '@/server/api/schemas/template-files';

/** The files of the version being edited: its attachments and declared build inputs. */
export interface TemplateFilesDraft {
  attachments: TAttachment[];
  inputs: TBuildInput[];
}

/** Whether two drafts hold the same files (paths and contents) and the same inputs. */
export function sameTemplateFiles(a: TemplateFilesDraft, b: TemplateFilesDraft): boolean {
  const key = (x: TAttachment[]) => JSON.stringify([...x].map((r) => [r.path, r.sha256]).sort());
  const inputs = (x: TBuildInput[]) => JSON.stringify(x.map((i) => [i.name, i.pattern, i.description, i.maxBytes ?? null]));
  return key(a.attachments) === key(b.attachments) && inputs(a.inputs) === inputs(b.inputs);
}

/** Whether every declared input is complete and valid (a save sends them as they are). */
export function inputsValid(inputs: TBuildInput[]): boolean {
  return inputs.every((i) => ZBuildInput.safeParse(i).success) && new Set(inputs.map((i) => i.name)).size === inputs.length;
}

type PanelT = ReturnType<typeof useTranslations<'templateFiles'>>;

/** A path's problem in the reader's language (the schema gives the reason as a key). */
function reasonText(t: PanelT, r: FilePathReason): string {
  switch (r.reason) {
    case 'tooLong':
    case 'tooDeep':
      return t(`pathReasons.${r.reason}`, { max: r.max });
    case 'characters':
      return t(r.glob ? 'pathReasons.charactersGlob' : 'pathReasons.characters', { segment: r.segment });
    default:
      return t(`pathReasons.${r.reason}`);
  }
}

/** What is wrong with a declared input, first problem first, in the reader's language. */
function inputProblem(t: PanelT, input: TBuildInput): string {
  if (!ZBuildInputName.safeParse(input.name).success) return input.name.trim() === '' ? t('inputNameMissing') : t('inputNameInvalid');
  const reason = filePathReason(input.pattern.trim(), true);
  if (reason) return t('patternProblem', { problem: reasonText(t, reason) });
  return t('inputInvalid');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Where a picked file goes by default: config/ for config-like files, scripts/ for scripts, else its name. */
function defaultPath(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._@+=-]/g, '_');
  if (/\.(toml|conf|cfg|ini|ya?ml|json|env|properties)$/i.test(clean)) return `config/${clean}`;
  if (/\.(sh|bash|ps1|py)$/i.test(clean)) return `scripts/${clean}`;
  return clean;
}

/**
 * The Attachments panel and the Build inputs list of the template editor. Attachments upload at
 * once (content-addressed) but only become part of the template with the next save; until then
 * they count as unsaved edits. `saved` is the version the download links read from.
 */
export function TemplateFilesPanel({
  templateId,
  saved,
  value,
  onChange,
  canEdit,
}: {
  /** The template, once it exists (a new template has nothing to download yet). */
  templateId?: string;
  /** The stored version on screen and its files (downloads come from it); none for a new template. */
  saved?: { version: number; files: TemplateFilesDraft };
  value: TemplateFilesDraft;
  onChange: (next: TemplateFilesDraft) => void;
  canEdit: boolean;
}) {
  const t = useTranslations('templateFiles');
  const fileInput = useRef<HTMLInputElement>(null);
  const pathId = useId();
  const [picked, setPicked] = useState<File | null>(null);
  const [path, setPath] = useState('');
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const savedSha = new Map((saved?.files.attachments ?? []).map((a) => [a.path, a.sha256]));
  const pathReason = path ? filePathReason(path) : undefined;
  const pathProblem = pathReason ? t('pathProblem', { problem: reasonText(t, pathReason) }) : undefined;
  const total = value.attachments.reduce((n, a) => n + a.size, 0);

  const pick = (file: File | null) => {
    setError(null);
    setPicked(file);
    if (file) setPath(defaultPath(file.name));
  };

  const attach = async () => {
    if (!picked || !path || pathProblem) return;
    if (picked.size > MAX_ATTACHMENT_BYTES) {
      setError(t('tooLarge', { size: formatBytes(picked.size), max: formatBytes(MAX_ATTACHMENT_BYTES) }));
      return;
    }
    if (!value.attachments.some((a) => a.path === path) && value.attachments.length >= MAX_ATTACHMENTS) {
      setError(t('tooMany', { max: MAX_ATTACHMENTS }));
      return;
    }
    setUploading(true);
    setError(null);
    try {
      const content = toBase64(new Uint8Array(await picked.arrayBuffer()));
      const res = await fetch('/api/templates/attachments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content }) });
      const answer = (await res.json()) as TUploadedBlob | { error: { message: string } };
      if (!res.ok || 'error' in answer) {
        setError('error' in answer ? answer.error.message : t('uploadFailed', { status: res.status }));
        return;
      }
      const others = value.attachments.filter((a) => a.path !== path);
      onChange({ ...value, attachments: [...others, { path, sha256: answer.sha256, size: answer.size }].sort((a, b) => a.path.localeCompare(b.path)) });
      setPicked(null);
      setPath('');
      if (fileInput.current) fileInput.current.value = '';
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setUploading(false);
    }
  };

  const setInput = (index: number, patch: Partial<TBuildInput>) =>
    onChange({ ...value, inputs: value.inputs.map((i, j) => (j === index ? { ...i, ...patch } : i)) });

  return (
    <>
      <section className="rounded-md border border-slate-200 bg-white p-3" aria-labelledby={`${pathId}-att`}>
        <h2 id={`${pathId}-att`} className="mb-2 flex items-center justify-between text-sm font-semibold">
          {t('attachments')}
          <span className="text-xs font-normal text-slate-500">{t('summary', { count: value.attachments.length, size: formatBytes(total) })}</span>
        </h2>
        {value.attachments.length === 0 ? (
          <p className="text-xs text-slate-500">{t('none')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-xs" aria-label={t('attachments')}>
            {value.attachments.map((a) => {
              const stored = templateId !== undefined && saved !== undefined && savedSha.get(a.path) === a.sha256;
              const href = stored ? `/api/templates/attachments?templateId=${encodeURIComponent(templateId)}&version=${saved.version}&path=${encodeURIComponent(a.path)}` : undefined;
              return (
                <li key={a.path} className="flex items-center gap-2 py-1" data-testid="attachment-row">
                  <span className="min-w-0 flex-1">
                    {stored ? (
                      <a className="break-all font-mono text-blue-700 hover:underline" href={href} download title={t('download', { path: a.path })}>
                        {a.path}
                      </a>
                    ) : (
                      <span className="break-all font-mono text-slate-900">{a.path}</span>
                    )}
                    <span className="block text-slate-500">
                      {formatBytes(a.size)} · <span className="font-mono" title={a.sha256}>{a.sha256.slice(0, 10)}</span>
                      {stored ? null : <span className="ml-1 rounded bg-amber-50 px-1 text-amber-800">{t('unsaved')}</span>}
                    </span>
                  </span>
                  {canEdit ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={t('remove', { path: a.path })}
                      title={t('remove', { path: a.path })}
                      onClick={() => onChange({ ...value, attachments: value.attachments.filter((x) => x.path !== a.path) })}
                    >
                      ✕
                    </Button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {canEdit ? (
          <div className="mt-2 space-y-1.5 border-t border-slate-100 pt-2">
            <input
              ref={fileInput}
              type="file"
              aria-label={t('chooseFile')}
              className="block w-full text-xs text-slate-700 file:mr-2 file:h-7 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2 file:text-xs file:font-medium hover:file:bg-slate-50"
              onChange={(e) => pick(e.target.files?.[0] ?? null)}
            />
            <div className="flex items-start gap-1.5">
              <div className="min-w-0 flex-1">
                <label htmlFor={pathId} className="sr-only">
                  {t('path')}
                </label>
                <Input
                  id={pathId}
                  value={path}
                  placeholder={t('pathPlaceholder')}
                  onChange={(e) => setPath(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      void attach();
                    }
                  }}
                  aria-invalid={pathProblem ? true : undefined}
                  aria-describedby={pathProblem ? `${pathId}-problem` : undefined}
                  className="h-7 font-mono text-xs"
                />
              </div>
              <Button size="sm" onClick={() => void attach()} disabled={!picked || !path || !!pathProblem || uploading}>
                {uploading ? t('uploading') : t('attach')}
              </Button>
            </div>
            {pathProblem ? (
              <p id={`${pathId}-problem`} className="text-xs text-red-700">
                {pathProblem}
              </p>
            ) : null}
            {error ? (
              <p role="alert" className="text-xs text-red-700">
                {error}
              </p>
            ) : null}
            <p className="text-xs text-slate-500">{t('hint', { max: formatBytes(MAX_ATTACHMENT_BYTES) })}</p>
          </div>
        ) : null}
      </section>

      <section className="rounded-md border border-slate-200 bg-white p-3" aria-labelledby={`${pathId}-inputs`}>
        <h2 id={`${pathId}-inputs`} className="mb-1 flex items-center justify-between text-sm font-semibold">
          {t('inputs')}
          {canEdit && value.inputs.length < MAX_BUILD_INPUTS ? (
            <Button size="sm" variant="ghost" onClick={() => onChange({ ...value, inputs: [...value.inputs, { name: '', pattern: '', description: '' }] })}>
              {t('addInput')}
            </Button>
          ) : null}
        </h2>
        <p className="mb-2 text-xs text-slate-500">{t('inputsHint')}</p>
        {value.inputs.length === 0 ? <p className="text-xs text-slate-500">{t('noInputs')}</p> : null}
        <ul className="space-y-2" aria-label={t('inputs')}>
          {value.inputs.map((input, index) => {
            const parsed = ZBuildInput.safeParse(input);
            const duplicate = value.inputs.findIndex((x) => x.name === input.name) !== index;
            const problem = duplicate ? t('duplicateInput', { name: input.name }) : parsed.success ? null : inputProblem(t, input);
            return (
              <li key={index} className="space-y-1 rounded border border-slate-100 p-1.5" data-testid="input-row">
                {canEdit ? (
                  <>
                    <div className="flex items-center gap-1.5">
                      <div className="min-w-0 flex-1">
                        <Input aria-label={t('inputName', { n: index + 1 })} placeholder={t('namePlaceholder')} value={input.name} onChange={(e) => setInput(index, { name: e.target.value })} className="h-7 text-xs" />
                      </div>
                      <Button size="sm" variant="ghost" aria-label={t('removeInput', { n: index + 1 })} title={t('removeInput', { n: index + 1 })} onClick={() => onChange({ ...value, inputs: value.inputs.filter((_, j) => j !== index) })}>
                        ✕
                      </Button>
                    </div>
                    <Input aria-label={t('inputPattern', { n: index + 1 })} placeholder={t('patternPlaceholder')} value={input.pattern} onChange={(e) => setInput(index, { pattern: e.target.value })} className="h-7 font-mono text-xs" aria-invalid={problem ? true : undefined} />
                    <Input aria-label={t('inputDescription', { n: index + 1 })} placeholder={t('descriptionPlaceholder')} value={input.description} onChange={(e) => setInput(index, { description: e.target.value })} className="h-7 text-xs" />
                    {problem ? <p className="text-xs text-red-700">{problem}</p> : null}
                  </>
                ) : (
                  <p className="text-xs">
                    <span className="font-medium">{input.name}</span> <span className="font-mono text-slate-700">{input.pattern}</span>
                    {input.description ? <span className="block text-slate-500">{input.description}</span> : null}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}
