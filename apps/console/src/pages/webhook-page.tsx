// One webhook endpoint: its settings (with custom headers whose stored values stay masked), its
// signing secret (revealed on demand, rotated behind a confirmation), a test event, and its
// delivery log with each delivery's payload and attempts, and redelivery.
import type {
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookInfo,
  WebhookInput,
} from "@cairn/client/admin";
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { CheckboxField, SavedNotice, SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";
import {
  EVENT_SUGGESTIONS,
  SecretDialog,
  splitEvents,
  webhookState,
  webhooksKey,
} from "./webhooks-page.js";

function when(value: string | null): string {
  return value ? new Date(value).toLocaleString() : "—";
}

export function WebhookPage() {
  const { id = "" } = useParams();
  const hook = useQuery({
    queryKey: [...webhooksKey, id],
    queryFn: ({ signal }) => admin.webhooks.get(id, { signal }),
  });
  return (
    <>
      <div className="page-header">
        <h1 className="webhooks-title">{hook.data?.url ?? "Webhook"}</h1>
        <Link to="/webhooks" className="button secondary">
          All webhooks
        </Link>
      </div>
      <SettingsLoad query={hook}>
        {hook.data && (
          <>
            <p data-testid="webhook-page-status">{webhookState(hook.data)}</p>
            <Deliveries hook={hook.data} />
            <SecretSection hook={hook.data} />
            <EditWebhookForm key={hook.data.updated} hook={hook.data} />
          </>
        )}
      </SettingsLoad>
    </>
  );
}

interface HeaderRow {
  key: string;
  name: string;
  value: string;
}

let rowSeq = 0;
function headerRows(headers: Record<string, string>): HeaderRow[] {
  return Object.entries(headers).map(([name, value]) => ({ key: `h${rowSeq++}`, name, value }));
}

function EditWebhookForm({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(hook.url);
  const [events, setEvents] = useState(hook.events.join(", "));
  const [filter, setFilter] = useState(hook.filter ?? "");
  const [description, setDescription] = useState(hook.description);
  const [enabled, setEnabled] = useState(hook.enabled);
  const [headers, setHeaders] = useState(() => headerRows(hook.headers));
  const save = useMutation({
    mutationFn: (patch: Partial<Omit<WebhookInput, "secret">>) =>
      admin.webhooks.update(hook.id, patch),
    onSuccess: async (answer) => {
      queryClient.setQueryData([...webhooksKey, hook.id], answer);
      await queryClient.invalidateQueries({ queryKey: webhooksKey, exact: true });
    },
  });
  const error = shownError(save.error);
  const setRow = (key: string, change: Partial<HeaderRow>) =>
    setHeaders((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // A masked value sent back keeps the stored one.
    const sent: Record<string, string> = {};
    for (const row of headers) if (row.name.trim()) sent[row.name.trim()] = row.value;
    save.mutate({
      url: url.trim(),
      events: splitEvents(events),
      filter: filter.trim() || null,
      description: description.trim(),
      enabled,
      headers: sent,
    });
  };
  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label="Edit webhook"
      noValidate
    >
      <h2>Endpoint</h2>
      <ErrorBanner
        error={error}
        shownFields={["url", "events", "filter", "description"]}
        testId="webhook-edit-error"
      />
      <TextField
        label="URL"
        type="url"
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        autoComplete="off"
        error={error?.fields.url}
        data-testid="webhook-edit-url"
      />
      <TextField
        label="Events"
        value={events}
        onChange={(event) => setEvents(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        list="webhook-edit-event-suggestions"
        hint="Separated by spaces or commas, e.g. *, posts.*, auth.user.created."
        error={error?.fields.events}
        data-testid="webhook-edit-events"
      />
      <datalist id="webhook-edit-event-suggestions">
        {EVENT_SUGGESTIONS.map((suggestion) => (
          <option key={suggestion} value={suggestion} />
        ))}
      </datalist>
      <TextField
        label="Filter (optional)"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        error={error?.fields.filter}
        data-testid="webhook-edit-filter"
      />
      <TextField
        label="Description"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        autoComplete="off"
        error={error?.fields.description}
        data-testid="webhook-edit-description"
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
            />
            <input
              aria-label={`Header ${index + 1} value`}
              value={row.value}
              onChange={(event) => setRow(row.key, { value: event.target.value })}
              onFocus={(event) => event.target.select()}
              autoComplete="off"
            />
            <button
              type="button"
              className="button secondary small"
              onClick={() => setHeaders((rows) => rows.filter((other) => other.key !== row.key))}
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
        <p className="hint">Stored values read as ••••••••; leave them so to keep them.</p>
        {Object.entries(error?.fields ?? {})
          .filter(([key]) => key.startsWith("headers"))
          .map(([key, field]) => (
            <p key={key} className="field-error">
              {key}: {field.message}
            </p>
          ))}
      </fieldset>
      <CheckboxField
        label="Enabled"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
        data-testid="webhook-edit-enabled"
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="webhook-save"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <SavedNotice show={save.isSuccess} testId="webhook-saved" />
      </div>
    </form>
  );
}

function SecretSection({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const reveal = useMutation({
    mutationFn: () => admin.webhooks.revealSecret(hook.id),
    onSuccess: (answer) => setShown(answer.secret),
  });
  const rotate = useMutation({
    mutationFn: () => admin.webhooks.rotateSecret(hook.id),
    onSuccess: async (answer) => {
      setConfirm(false);
      setShown(answer.secret);
      await queryClient.invalidateQueries({ queryKey: [...webhooksKey, hook.id] });
    },
  });
  return (
    <section className="card settings-section" aria-label="Signing secret">
      <h2>Signing secret</h2>
      <ErrorBanner error={shownError(reveal.error)} />
      {hook.previousSecretExpires && (
        <p className="hint">
          The previous secret also signs until {when(hook.previousSecretExpires)}.
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button secondary"
          disabled={reveal.isPending}
          onClick={() => reveal.mutate()}
          data-testid="webhook-secret-reveal"
        >
          Reveal secret
        </button>
        <AlertDialog.Root open={confirm} onOpenChange={setConfirm}>
          <AlertDialog.Trigger asChild>
            <button type="button" className="button secondary" data-testid="webhook-rotate">
              Rotate secret
            </button>
          </AlertDialog.Trigger>
          <AlertDialog.Portal>
            <AlertDialog.Overlay className="dialog-overlay" />
            <AlertDialog.Content className="dialog card">
              <AlertDialog.Title>Rotate the signing secret?</AlertDialog.Title>
              <AlertDialog.Description>
                A new secret signs from now on. For 24 hours every delivery carries both signatures,
                so receivers can switch to the new secret without dropping events; after that, only
                the new secret signs.
              </AlertDialog.Description>
              <ErrorBanner error={shownError(rotate.error)} />
              <div className="dialog-actions">
                <AlertDialog.Cancel asChild>
                  <button type="button" className="button secondary">
                    Cancel
                  </button>
                </AlertDialog.Cancel>
                <button
                  type="button"
                  className="button"
                  disabled={rotate.isPending}
                  onClick={() => rotate.mutate()}
                  data-testid="webhook-rotate-confirm"
                >
                  Rotate
                </button>
              </div>
            </AlertDialog.Content>
          </AlertDialog.Portal>
        </AlertDialog.Root>
      </div>
      <SecretDialog
        title="Signing secret"
        description="Receivers verify the webhook-signature header with this secret."
        secret={shown}
        onClose={() => setShown(null)}
      />
    </section>
  );
}

const STATUS_LABEL: Record<WebhookDeliveryStatus, string> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
};

function Deliveries({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<WebhookDeliveryStatus | "">("");
  const [openId, setOpenId] = useState<string | null>(null);
  const deliveriesKey = [...webhooksKey, hook.id, "deliveries", status] as const;
  const deliveries = useQuery({
    queryKey: deliveriesKey,
    queryFn: ({ signal }) =>
      admin.webhooks.deliveries(
        { webhookId: hook.id, ...(status ? { status } : {}), limit: 50 },
        { signal },
      ),
    // The worker delivers in the background: follow pending deliveries until they settle.
    refetchInterval: (query) =>
      query.state.data?.items.some((delivery) => delivery.status === "pending") ? 1000 : false,
  });
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: [...webhooksKey, hook.id, "deliveries"] });
  const test = useMutation({
    mutationFn: () => admin.webhooks.test(hook.id),
    onSuccess: refresh,
  });
  const redeliverAll = useMutation({
    mutationFn: () => admin.webhooks.redeliverFailed(hook.id),
    onSuccess: refresh,
  });
  return (
    <section className="card settings-section" aria-label="Deliveries">
      <div className="settings-section-header">
        <h2>Deliveries</h2>
        <div className="form-actions">
          <label className="webhooks-status-filter">
            Status{" "}
            <select
              value={status}
              onChange={(event) => setStatus(event.target.value as WebhookDeliveryStatus | "")}
              data-testid="webhook-deliveries-status"
            >
              <option value="">All</option>
              <option value="pending">Pending</option>
              <option value="succeeded">Succeeded</option>
              <option value="failed">Failed</option>
            </select>
          </label>
          <button
            type="button"
            className="button secondary"
            onClick={() => void refresh()}
            data-testid="webhook-deliveries-refresh"
          >
            Refresh
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={redeliverAll.isPending}
            onClick={() => redeliverAll.mutate()}
            data-testid="webhook-redeliver-failed"
          >
            Redeliver failed
          </button>
          <button
            type="button"
            className="button"
            disabled={test.isPending}
            onClick={() => test.mutate()}
            data-testid="webhook-test"
          >
            {test.isPending ? "Sending…" : "Send test event"}
          </button>
        </div>
      </div>
      <ErrorBanner error={shownError(test.error ?? redeliverAll.error)} />
      {redeliverAll.data && (
        <p className="notice" role="status" data-testid="webhook-redelivered">
          {redeliverAll.data.count === 1
            ? "1 delivery queued again."
            : `${redeliverAll.data.count} deliveries queued again.`}
        </p>
      )}
      <SettingsLoad query={deliveries}>
        {deliveries.data && deliveries.data.items.length === 0 && (
          <p className="empty" data-testid="webhook-deliveries-empty">
            No deliveries yet.
          </p>
        )}
        {deliveries.data && deliveries.data.items.length > 0 && (
          <div className="table-wrap">
            <table aria-label="Delivery log">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Response</th>
                  <th scope="col">Last attempt</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.items.map((delivery) => (
                  <DeliveryRow
                    key={delivery.id}
                    delivery={delivery}
                    onOpen={() => setOpenId(delivery.id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </SettingsLoad>
      <DeliveryDialog id={openId} onClose={() => setOpenId(null)} onRedelivered={refresh} />
    </section>
  );
}

function DeliveryRow({ delivery, onOpen }: { delivery: WebhookDelivery; onOpen: () => void }) {
  return (
    <tr data-testid={`webhook-delivery-${delivery.id}`} data-status={delivery.status}>
      <th scope="row">
        <code>{delivery.eventType}</code>
      </th>
      <td data-testid="webhook-delivery-status">
        {STATUS_LABEL[delivery.status]}
        {delivery.lastError && <p className="hint">{delivery.lastError}</p>}
      </td>
      <td>{delivery.attempts}</td>
      <td data-testid="webhook-delivery-response">{delivery.lastStatus ?? "—"}</td>
      <td>{when(delivery.lastAttemptAt)}</td>
      <td>{when(delivery.created)}</td>
      <td>
        <button
          type="button"
          className="button secondary small"
          onClick={onOpen}
          data-testid="webhook-delivery-open"
        >
          Details
        </button>
      </td>
    </tr>
  );
}

function DeliveryDialog({
  id,
  onClose,
  onRedelivered,
}: {
  id: string | null;
  onClose: () => void;
  onRedelivered: () => unknown;
}) {
  const detail = useQuery({
    queryKey: ["webhook-delivery", id],
    queryFn: ({ signal }) => admin.webhooks.delivery(id ?? "", { signal }),
    enabled: id !== null,
  });
  const redeliver = useMutation({
    mutationFn: () => admin.webhooks.redeliver(id ?? ""),
    onSuccess: async () => {
      await detail.refetch();
      await onRedelivered();
    },
  });
  return (
    <Dialog.Root
      open={id !== null}
      onOpenChange={(open) => {
        if (!open) {
          redeliver.reset();
          onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog card webhooks-delivery"
          data-testid="webhook-delivery-dialog"
        >
          <Dialog.Title>Delivery {id}</Dialog.Title>
          <Dialog.Description className="hint">
            The webhook-id the receiver saw, the body sent, and every attempt.
          </Dialog.Description>
          <SettingsLoad query={detail}>
            {detail.data && (
              <>
                <p>
                  <strong>{STATUS_LABEL[detail.data.status]}</strong> after {detail.data.attempts}{" "}
                  attempt{detail.data.attempts === 1 ? "" : "s"}
                  {detail.data.nextAttemptAt && `; next at ${when(detail.data.nextAttemptAt)}`}
                </p>
                <h3>Payload</h3>
                <pre className="webhooks-pre" data-testid="webhook-delivery-payload">
                  {JSON.stringify(detail.data.payload, null, 2)}
                </pre>
                <h3>Attempts</h3>
                {detail.data.attemptLog.length === 0 && <p className="hint">None yet.</p>}
                <ol className="webhooks-attempts">
                  {detail.data.attemptLog.map((attempt) => (
                    <li key={attempt.attempt} data-testid="webhook-attempt">
                      <p>
                        #{attempt.attempt} at {when(attempt.at)}:{" "}
                        <strong>{attempt.status ?? "no answer"}</strong> in {attempt.latencyMs} ms
                        {attempt.error && ` (${attempt.error})`}
                      </p>
                      {attempt.response && <pre className="webhooks-pre">{attempt.response}</pre>}
                    </li>
                  ))}
                </ol>
              </>
            )}
          </SettingsLoad>
          <ErrorBanner error={shownError(redeliver.error)} />
          {redeliver.isSuccess && (
            <p className="notice" role="status">
              Queued again.
            </p>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              className="button secondary"
              disabled={redeliver.isPending}
              onClick={() => redeliver.mutate()}
              data-testid="webhook-redeliver"
            >
              Redeliver
            </button>
            <Dialog.Close asChild>
              <button type="button" className="button">
                Close
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
