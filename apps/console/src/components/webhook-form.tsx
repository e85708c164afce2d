// The one form for a webhook endpoint, used to create one and to edit one: URL, description,
// event patterns (with their help), the filter (the server checks it; its message shows under
// the field), custom headers whose stored values stay masked unless replaced, and enabled.
import type { WebhookInfo, WebhookInput } from "@cairn/client/admin";
import { type FormEvent, useId, useState } from "react";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";
import { TextField } from "./form-field.js";
import { CheckboxField, SavedNotice, SECRET_MASK } from "./settings-form.js";

/** Offered in the events input; any collection name works in place of `posts`. */
export const EVENT_SUGGESTIONS = [
  "*",
  "posts.*",
  "posts.created",
  "posts.updated",
  "posts.deleted",
  "auth.*",
  "auth.user.created",
];

export function splitEvents(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

export type WebhookFormValues = Required<
  Pick<WebhookInput, "url" | "events" | "filter" | "description" | "enabled" | "headers">
>;

interface HeaderRow {
  key: string;
  name: string;
  value: string;
}

let rowSeq = 0;
function headerRows(headers: Record<string, string>): HeaderRow[] {
  return Object.entries(headers).map(([name, value]) => ({ key: `h${rowSeq++}`, name, value }));
}

export function WebhookForm({
  initial,
  title,
  label,
  testIdPrefix,
  submitLabel,
  pendingLabel,
  submitTestId,
  formTestId,
  pending,
  error: failure,
  saved = false,
  onSubmit,
}: {
  /** The endpoint being edited; none for a new one. Remount (a `key`) to start over. */
  initial?: WebhookInfo;
  title: string;
  /** The form's accessible name. */
  label: string;
  /** "webhook" on the create form, "webhook-edit" on the edit form: the fields' data-testids. */
  testIdPrefix: string;
  submitLabel: string;
  pendingLabel: string;
  submitTestId: string;
  formTestId?: string;
  pending: boolean;
  /** The save's error: field errors show under their fields, the rest in the banner. */
  error: unknown;
  saved?: boolean;
  onSubmit: (values: WebhookFormValues) => void;
}) {
  const [url, setUrl] = useState(initial?.url ?? "");
  const [events, setEvents] = useState(initial ? initial.events.join(", ") : "*");
  const [filter, setFilter] = useState(initial?.filter ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [headers, setHeaders] = useState(() => headerRows(initial?.headers ?? {}));
  const suggestionsId = useId();
  const error = shownError(failure);
  const fieldErrors = Object.entries(error?.fields ?? {});
  // The server names a bad pattern by its place ("events.1"); show the first under the field.
  const eventsKey = error?.fields.events
    ? "events"
    : fieldErrors.find(([key]) => key.startsWith("events."))?.[0];
  const eventsError = eventsKey ? error?.fields[eventsKey] : undefined;
  const headerErrors = fieldErrors.filter(([key]) => key.startsWith("headers"));
  const setRow = (key: string, change: Partial<HeaderRow>) =>
    setHeaders((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // A masked value sent back keeps the stored one.
    const sent: Record<string, string> = {};
    for (const row of headers) if (row.name.trim()) sent[row.name.trim()] = row.value;
    onSubmit({
      url: url.trim(),
      events: splitEvents(events),
      filter: filter.trim() || null,
      description: description.trim(),
      enabled,
      headers: sent,
    });
  };
  const id = (name: string) => `${testIdPrefix}-${name}`;
  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label={label}
      data-testid={formTestId}
      noValidate
    >
      <h2>{title}</h2>
      <ErrorBanner
        error={error}
        shownFields={[
          "url",
          "filter",
          "description",
          ...(eventsKey ? [eventsKey] : []),
          ...headerErrors.map(([key]) => key),
        ]}
        testId={id("error")}
      />
      <TextField
        label="URL"
        type="url"
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        autoComplete="off"
        placeholder="https://example.com/hooks/cairn"
        error={error?.fields.url}
        data-testid={id("url")}
      />
      <TextField
        label="Description"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        autoComplete="off"
        error={error?.fields.description}
        data-testid={id("description")}
      />
      <TextField
        label="Events"
        value={events}
        onChange={(event) => setEvents(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        list={suggestionsId}
        hint="Patterns separated by spaces or commas, e.g. *, posts.*, posts.created, auth.user.created."
        error={eventsError}
        data-testid={id("events")}
      />
      <datalist id={suggestionsId}>
        {EVENT_SUGGESTIONS.map((suggestion) => (
          <option key={suggestion} value={suggestion} />
        ))}
      </datalist>
      <details className="webhooks-help" data-testid="webhook-events-help">
        <summary>Event patterns</summary>
        <dl>
          <dt>
            <code>*</code>
          </dt>
          <dd>Every event, including auth events.</dd>
          <dt>
            <code>posts.*</code>
          </dt>
          <dd>Every record event of the posts collection (any collection name works).</dd>
          <dt>
            <code>posts.created</code>, <code>posts.updated</code>, <code>posts.deleted</code>
          </dt>
          <dd>One kind of record event; the collection must exist.</dd>
          <dt>
            <code>auth.*</code>, <code>auth.user.created</code>
          </dt>
          <dd>Auth events.</dd>
        </dl>
      </details>
      <TextField
        label="Filter (optional)"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        placeholder='status = "published"'
        hint="A rule-language expression run against the event's record; only events it matches are sent. The server checks it against the collections the events name."
        error={error?.fields.filter}
        data-testid={id("filter")}
      />
      <fieldset className="settings-fieldset">
        <legend>Custom headers</legend>
        {headers.length === 0 && <p className="hint">No custom headers.</p>}
        {headers.map((row, index) => (
          <div className="webhooks-header-row" key={row.key} data-testid="webhook-header-row">
            <input
              aria-label={`Header ${index + 1} name`}
              value={row.name}
              onChange={(event) => setRow(row.key, { name: event.target.value })}
              placeholder="Authorization"
              autoComplete="off"
              spellCheck={false}
              data-testid="webhook-header-name"
            />
            <input
              aria-label={`Header ${index + 1} value`}
              value={row.value}
              onChange={(event) => setRow(row.key, { value: event.target.value })}
              onFocus={(event) => event.target.select()}
              autoComplete="off"
              spellCheck={false}
              data-testid="webhook-header-value"
              data-masked={row.value === SECRET_MASK ? "true" : undefined}
            />
            <button
              type="button"
              className="button secondary small"
              onClick={() => setHeaders((rows) => rows.filter((other) => other.key !== row.key))}
              data-testid="webhook-header-remove"
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button secondary small"
          onClick={() =>
            setHeaders((rows) => [...rows, { key: `h${rowSeq++}`, name: "", value: "" }])
          }
          data-testid="webhook-header-add"
        >
          Add header
        </button>
        <p className="hint">
          Sent with every delivery, e.g. an Authorization header. Stored values read as{" "}
          {SECRET_MASK}; leave them so to keep them, or type a new value to replace one.
        </p>
        {headerErrors.map(([key, field]) => (
          <p key={key} className="field-error">
            {key}: {field.message}
          </p>
        ))}
      </fieldset>
      <CheckboxField
        label="Enabled"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
        data-testid={id("enabled")}
      />
      <div className="form-actions">
        <button type="submit" className="button" disabled={pending} data-testid={submitTestId}>
          {pending ? pendingLabel : submitLabel}
        </button>
        <SavedNotice show={saved} testId="webhook-saved" />
      </div>
    </form>
  );
}
