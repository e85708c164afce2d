// Pieces every settings page shares: the settings query, a checkbox field tied to its error, a
// textarea field, loading and load-error states, and the "saved" notice.
import type { FieldError } from "@cairn/client";
import { useQuery } from "@tanstack/react-query";
import {
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import { admin } from "../api.js";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";

/** What a stored secret reads as; sending it back keeps the secret. */
export const SECRET_MASK = "••••••••";

export const settingsKey = ["settings"] as const;

export function useSettings() {
  return useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => admin.settings.get({ signal }),
  });
}

/** Loading and load-error states for a settings query; renders children once there is data. */
export function SettingsLoad({
  query,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  children: ReactNode;
}) {
  if (query.isPending) {
    return (
      <p className="page-loading" role="status">
        Loading…
      </p>
    );
  }
  if (query.isError) {
    return (
      <div className="card">
        <ErrorBanner error={shownError(query.error)} />
        <button type="button" className="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return <>{children}</>;
}

export function CheckboxField({
  label,
  error,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: FieldError | undefined }) {
  const id = useId();
  return (
    <div className="field">
      <label className="checkbox" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          {...input}
        />
        {label}
      </label>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error.message}
        </p>
      )}
    </div>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  ...input
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  hint?: string;
  error?: FieldError | undefined;
}) {
  const id = useId();
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error.message}
        </p>
      )}
    </div>
  );
}

/** "Saved." after a successful save, announced politely. */
export function SavedNotice({ show, testId }: { show: boolean; testId?: string }) {
  if (!show) return null;
  return (
    <p className="notice" role="status" data-testid={testId}>
      Saved.
    </p>
  );
}
