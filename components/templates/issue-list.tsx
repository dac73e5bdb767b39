'use client';
import { useTranslations } from 'next-intl';
import type { RouterOutputs } from '@/app/_trpc/react';

export type Issue = RouterOutputs['template']['validate']['issues'][number];
export type Fix = NonNullable<Issue['fixes']>[number];

/**
 * Every validation problem with its place; a click moves the editor cursor there. Concrete fixes
 * are listed under their problem, translated; those the check can apply as they are get a button.
 */
export function IssueList({ issues, onReveal, onApplyFix }: { issues: Issue[]; onReveal?: (offset: number) => void; onApplyFix?: (fix: Fix) => void }) {
  const t = useTranslations('editor');
  const tv = useTranslations('validation');
  // Warnings (a region not synced yet) are listed, but they are not problems: the template is valid.
  const none = <p className="text-sm text-emerald-700">{t('noIssues')}</p>;
  if (issues.length === 0) return none;
  return (
    <>
      {issues.every((i) => i.severity === 'warning') ? none : null}
      <ul aria-label={t('issues')} className="space-y-2">
        {issues.map((issue, i) => (
          <li
            key={`${issue.code}-${issue.path}-${i}`}
            className={issue.severity === 'warning' ? 'rounded border border-amber-200 bg-amber-50/60 p-2 text-sm' : 'rounded border border-red-200 bg-red-50/60 p-2 text-sm'}
          >
            <button
              type="button"
              className="block w-full text-left"
              onClick={() => onReveal?.(issue.from)}
              title={t('jumpTo')}
            >
              <span className={`font-mono text-xs ${issue.severity === 'warning' ? 'text-amber-800' : 'text-red-800'}`}>
                {issue.path} · {t('lineColumn', { line: issue.line, column: issue.column })}
              </span>
              <span className={`mt-0.5 block ${issue.severity === 'warning' ? 'text-amber-900' : 'text-red-900'}`}>{translateIssue(tv, issue)}</span>
              {issue.hint && !issue.fixes?.length ? <span className="mt-0.5 block text-xs text-slate-700">{translateHint(tv, issue)}</span> : null}
            </button>
            {issue.fixes?.length ? (
              <ul aria-label={t('fixes')} className="mt-1 space-y-1 border-t border-slate-200/70 pt-1">
                {issue.fixes.map((fix, j) => (
                  <li key={`${fix.hintKey}-${j}`} className="flex items-start gap-2 text-xs text-slate-700">
                    <span className="min-w-0 flex-1 break-words">{translateFix(tv, fix)}</span>
                    {fix.edits?.length && onApplyFix ? (
                      <button
                        type="button"
                        className="shrink-0 rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                        title={t('applyFixLabel')}
                        aria-label={`${t('applyFix')}: ${translateFix(tv, fix)}`}
                        onClick={() => onApplyFix(fix)}
                      >
                        {t('applyFix')}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

type Tv = ReturnType<typeof useTranslations<'validation'>>;

export function translateIssue(tv: Tv, issue: Issue): string {
  if (issue.code === 'JSON_SYNTAX') {
    // The parser's own words come as a reason code, translated here, not as English text.
    const reason = syntaxKey(issue, 'reasons');
    if (reason === 'JSON_SYNTAX.reasons.TooDeep') return tv(reason);
    const detail = reason && tv.has(reason) ? tv(reason, issue.params) : String(issue.params.detail ?? '');
    return tv('JSON_SYNTAX.message', { ...issue.params, detail });
  }
  return tv.has(`${issue.code}.message`) ? tv(`${issue.code}.message`, issue.params) : issue.message;
}

function translateHint(tv: Tv, issue: Issue): string {
  const specific = issue.code === 'JSON_SYNTAX' ? syntaxKey(issue, 'hints') : undefined;
  if (specific && tv.has(specific)) return tv(specific);
  // Some codes have no translated hint (their English hint names concrete fixes); they show the engine's.
  const key = `${issue.code}.hint` as Parameters<Tv>[0];
  return tv.has(key) ? tv(key, issue.params) : (issue.hint ?? '');
}

/** validation.fixes.<hintKey> with the fix's params; the fix's key itself when a text is missing. */
export function translateFix(tv: Tv, fix: Fix): string {
  const key = `fixes.${fix.hintKey}` as Parameters<Tv>[0];
  return /^[A-Za-z]+$/.test(fix.hintKey) && tv.has(key) ? tv(key, fix.params) : fix.hintKey;
}

/** validation.JSON_SYNTAX.<group>.<reason> for a syntax issue's reason code. */
function syntaxKey(issue: Issue, group: 'reasons' | 'hints') {
  const reason = issue.params.reason;
  return typeof reason === 'string' && /^[A-Za-z]+$/.test(reason) ? (`JSON_SYNTAX.${group}.${reason}` as Parameters<Tv>[0]) : undefined;
}
