// A secret shown once (an API key, a webhook's signing secret, an impersonation token) in a
// dialog, with a copy button that falls back to selecting it by hand, and room for more below it.
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { type ReactNode, useState } from "react";

export function SecretDialog({
  title,
  description,
  value,
  label,
  onClose,
  children,
  testId,
}: {
  title: ReactNode;
  description: ReactNode;
  /** The secret; null when the dialog is closed. */
  value: string | null;
  /** What the secret is, for the input's accessible name ("API key", "Signing secret"). */
  label: string;
  onClose: () => void;
  /** Anything shown under the secret. */
  children?: ReactNode;
  /** The input's test id; the dialog and its buttons add -dialog, -copy and -done. */
  testId: string;
}) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      // No clipboard permission (or an insecure origin): the secret stays selectable.
      setCopied("failed");
    }
  };
  return (
    <AlertDialog.Root
      open={value !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(null);
          onClose();
        }
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog card" data-testid={`${testId}-dialog`}>
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description>{description}</AlertDialog.Description>
          <input
            className="secret-value"
            readOnly
            value={value ?? ""}
            aria-label={label}
            onFocus={(event) => event.target.select()}
            data-testid={testId}
          />
          {children}
          {copied === "yes" && (
            <p className="notice" role="status">
              Copied.
            </p>
          )}
          {copied === "failed" && (
            <p className="hint" role="status">
              Could not copy: select it and copy it by hand.
            </p>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              className="button secondary"
              onClick={() => value && void copy(value)}
              data-testid={`${testId}-copy`}
            >
              Copy
            </button>
            <AlertDialog.Action asChild>
              <button type="button" className="button" data-testid={`${testId}-done`}>
                Done
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
