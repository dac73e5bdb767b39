'use client';
import { Button } from './button';
import { Dialog } from './dialog';

/**
 * The console's own "are you sure?": a modal with a message and two buttons, instead of the
 * browser's window.confirm (which looks foreign, cannot be translated or styled, and blocks).
 * Escape, the backdrop and the cancel button all cancel.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel,
  danger = false,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog open={open} onClose={onCancel} title={title}>
      <div className="space-y-4 text-sm text-slate-700">
        <div>{children}</div>
        <div className="flex flex-wrap justify-end gap-2">
          <Button autoFocus onClick={onCancel}>
            {cancelLabel}
          </Button>
          <Button variant={danger ? 'danger' : 'primary'} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
