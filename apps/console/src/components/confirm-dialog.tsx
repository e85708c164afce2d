// A confirmation before an action that cannot be undone: what will happen, the server's error
// when it fails, Cancel, and one button that shows its pending label while the action runs.
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import type { UseMutationResult } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";

export function ConfirmDialog({
  open,
  onOpenChange,
  trigger,
  title,
  description,
  children,
  error,
  pending,
  confirmLabel,
  pendingLabel,
  onConfirm,
  confirmDisabled = false,
  tone = "danger",
  testId,
  confirmTestId,
}: {
  /** Controlled dialogs pass open and onOpenChange; with a trigger, the trigger opens it. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  trigger?: ReactNode;
  title: ReactNode;
  description: ReactNode;
  /** Anything between the description and the buttons (an input, a list of what is lost). */
  children?: ReactNode;
  /** The action's error (a mutation's), shown with the server's message and request id. */
  error: unknown;
  pending: boolean;
  confirmLabel: ReactNode;
  pendingLabel: ReactNode;
  onConfirm: () => void;
  confirmDisabled?: boolean;
  tone?: "danger" | "primary";
  testId?: string;
  confirmTestId?: string;
}) {
  return (
    <AlertDialog.Root {...(open !== undefined && { open })} {...(onOpenChange && { onOpenChange })}>
      {trigger && <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog card" data-testid={testId}>
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description>{description}</AlertDialog.Description>
          {children}
          <ErrorBanner error={shownError(error)} />
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" className="button secondary">
                Cancel
              </button>
            </AlertDialog.Cancel>
            <button
              type="button"
              className={tone === "danger" ? "button danger" : "button"}
              disabled={pending || confirmDisabled}
              onClick={onConfirm}
              data-testid={confirmTestId}
            >
              {pending ? pendingLabel : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/**
 * The open state of a ConfirmDialog that runs `action`, and the props that wire it: confirming
 * runs the action, its success closes the dialog, and closing forgets a failure so the next
 * opening starts clean. Spread `dialog` into the ConfirmDialog.
 */
export function useConfirmAction<TData, TError, TContext>(
  action: UseMutationResult<TData, TError, void, TContext>,
) {
  const [open, setOpen] = useState(false);
  const dialog = {
    open,
    onOpenChange: (next: boolean) => {
      setOpen(next);
      if (!next) action.reset();
    },
    error: action.error,
    pending: action.isPending,
    onConfirm: () => action.mutate(undefined, { onSuccess: () => setOpen(false) }),
  };
  return { open, setOpen, dialog };
}
