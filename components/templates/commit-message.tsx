'use client';
import { useTranslations } from 'next-intl';
import { systemCommitMessage } from '@/server/api/schemas/templates';

/** A commit message as text: the ones the console wrote itself in the user's language, people's as typed. */
export function useCommitMessageText() {
  const t = useTranslations('history.systemMessages');
  return (message: string | null) => {
    if (message === null) return '';
    const system = systemCommitMessage(message);
    return system ? t(system.key, system.key === 'restore' ? { version: system.version } : {}) : message;
  };
}

export function CommitMessage({ message }: { message: string | null }) {
  return <>{useCommitMessageText()(message)}</>;
}

/**
 * A version's author; a version without one was written by the console itself (the example
 * templates it seeds on first start), since users are disabled, never deleted.
 */
export function useAuthorText() {
  const t = useTranslations('history');
  return (name: string | null) => name ?? t('systemAuthor');
}

export function AuthorName({ name }: { name: string | null }) {
  return <>{useAuthorText()(name)}</>;
}
