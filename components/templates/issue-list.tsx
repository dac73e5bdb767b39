'use client';
import { useTranslations } from 'next-intl';
import type { RouterOutputs } from '@/app/_trpc/react';

export type Issue = RouterOutputs['template']['validate']['issues'][number];

/** Every validation problem with its place; a click moves the editor cursor there. */
export function IssueList({ issues, onReveal }: { issues: Issue[]; onReveal?: (offset: number) => void }) {
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
              {issue.hint ? <span className="mt-0.5 block text-xs text-slate-700">{translateHint(tv, issue)}</span> : null}
            </button>
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

/** validation.JSON_SYNTAX.<group>.<reason> for a syntax issue's reason code. */
function syntaxKey(issue: Issue, group: 'reasons' | 'hints') {
  const reason = issue.params.reason;
  return typeof reason === 'string' && /^[A-Za-z]+$/.test(reason) ? (`JSON_SYNTAX.${group}.${reason}` as Parameters<Tv>[0]) : undefined;
}
