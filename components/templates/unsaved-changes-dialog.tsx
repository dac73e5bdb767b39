'use client';
import { useTranslations } from 'next-intl';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { useUnsavedChangesGuard } from './use-unsaved-changes-guard';

/** The console's dialog for an in-app link clicked while edits are unsaved. */
export function UnsavedChangesDialog({ guard }: { guard: ReturnType<typeof useUnsavedChangesGuard> }) {
  const t = useTranslations('editor.leave');
  return (
    <ConfirmDialog
      open={guard.pendingHref !== null}
      title={t('title')}
      confirmLabel={t('leave')}
      cancelLabel={t('stay')}
      danger
      onConfirm={guard.leave}
      onCancel={guard.stay}
    >
      {t('body')}
    </ConfirmDialog>
  );
}
