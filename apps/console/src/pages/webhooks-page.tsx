// Webhook endpoints: the webhooks settings (private addresses, log retention), a create form
// whose signing secret is shown once in a dialog, and the list with test and delete. One
// endpoint's secret and delivery log live on webhook-page.tsx.
import type { WebhookInfo, WebhookInput } from "@cairn/client/admin";
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { CheckboxField, SavedNotice, SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";

export const webhooksKey = ["webhooks"] as const;
const webhookSettingsKey = ["webhooks", "settings"] as const;

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

export function webhookState(hook: WebhookInfo): string {
  if (!hook.enabled) return hook.disabledReason ? `Disabled: ${hook.disabledReason}` : "Disabled";
  if (hook.failingSince) return `Failing since ${new Date(hook.failingSince).toLocaleString()}`;
  return "Enabled";
}

export function WebhooksPage() {
  const hooks = useQuery({
    queryKey: webhooksKey,
    queryFn: ({ signal }) => admin.webhooks.list({ signal }),
  });
  return (
    <>
      <div className="page-header">
        <h1>Webhooks</h1>
      </div>
      <WebhookSettingsForm />
      <CreateWebhookForm />
      <section className="card settings-section" aria-label="Webhook endpoints">
        <h2>Endpoints</h2>
        <SettingsLoad query={hooks}>
          {hooks.data && hooks.data.length === 0 && (
            <p className="empty" data-testid="webhooks-empty">
              No webhooks yet.
            </p>
          )}
          {hooks.data && hooks.data.length > 0 && (
            <div className="table-wrap">
              <table aria-label="Webhooks">
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last success</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.data.map((hook) => (
                    <tr key={hook.id} data-testid={`webhook-row-${hook.id}`}>
                      <th scope="row">
                        <Link to={`/webhooks/${hook.id}`} data-testid="webhook-link">
                          {hook.url}
                        </Link>
                        {hook.description && <p className="hint">{hook.description}</p>}
                      </th>
                      <td>
                        {hook.events.map((event) => (
                          <code key={event} className="scope">
                            {event}
                          </code>
                        ))}
                      </td>
                      <td data-testid="webhook-status">{webhookState(hook)}</td>
                      <td>
                        {hook.lastSuccessAt
                          ? new Date(hook.lastSuccessAt).toLocaleString()
                          : "Never"}
                      </td>
                      <td>
                        <DeleteWebhookDialog hook={hook} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </SettingsLoad>
      </section>
    </>
  );
}

function WebhookSettingsForm() {
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: webhookSettingsKey,
    queryFn: ({ signal }) => admin.webhooks.settings({ signal }),
  });
  const [allowPrivate, setAllowPrivate] = useState(false);
  const [retention, setRetention] = useState("");
  useEffect(() => {
    if (!settings.data) return;
    setAllowPrivate(settings.data.allowPrivateAddresses);
    setRetention(String(settings.data.deliveryRetentionDays));
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      admin.webhooks.updateSettings({
        allowPrivateAddresses: allowPrivate,
        deliveryRetentionDays: Number(retention),
      }),
    onSuccess: (answer) => queryClient.setQueryData(webhookSettingsKey, answer),
  });
  const error = shownError(save.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label="Webhook settings"
      noValidate
    >
      <h2>Settings</h2>
      <SettingsLoad query={settings}>
        <ErrorBanner
          error={error}
          shownFields={["allowPrivateAddresses", "deliveryRetentionDays"]}
          testId="webhook-settings-error"
        />
        <CheckboxField
          label="Allow private addresses"
          checked={allowPrivate}
          onChange={(event) => setAllowPrivate(event.target.checked)}
          error={error?.fields.allowPrivateAddresses}
          data-testid="webhook-allow-private"
        />
        {allowPrivate && (
          <p className="webhooks-warning" role="note">
            Deliveries may then reach loopback, private and link-local addresses, such as this
            server's own network or a cloud metadata service. Turn this on only for local
            development or a trusted network.
          </p>
        )}
        <TextField
          label="Delivery log retention (days)"
          type="number"
          min={1}
          value={retention}
          onChange={(event) => setRetention(event.target.value)}
          error={error?.fields.deliveryRetentionDays}
          data-testid="webhook-retention"
        />
        <div className="form-actions">
          <button
            type="submit"
            className="button"
            disabled={save.isPending}
            data-testid="webhook-settings-save"
          >
            {save.isPending ? "Saving…" : "Save"}
          </button>
          <SavedNotice show={save.isSuccess} testId="webhook-settings-saved" />
        </div>
      </SettingsLoad>
    </form>
  );
}

function CreateWebhookForm() {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("*");
  const [filter, setFilter] = useState("");
  const [description, setDescription] = useState("");
  const [enabled, setEnabled] = useState(true);
  const [created, setCreated] = useState<(WebhookInfo & { secret: string }) | null>(null);
  const create = useMutation({
    mutationFn: (input: WebhookInput) => admin.webhooks.create(input),
    onSuccess: async (answer) => {
      setCreated(answer);
      setUrl("");
      setEvents("*");
      setFilter("");
      setDescription("");
      setEnabled(true);
      await queryClient.invalidateQueries({ queryKey: webhooksKey });
    },
  });
  const error = shownError(create.error);
  const eventsError =
    error?.fields.events ??
    Object.entries(error?.fields ?? {}).find(([key]) => key.startsWith("events."))?.[1];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({
      url: url.trim(),
      events: splitEvents(events),
      filter: filter.trim() || null,
      description: description.trim(),
      enabled,
    });
  };
  return (
    <>
      <form
        className="card form settings-section"
        onSubmit={submit}
        aria-label="New webhook"
        data-testid="webhook-form"
        noValidate
      >
        <h2>New webhook</h2>
        <ErrorBanner
          error={error}
          shownFields={[
            "url",
            "events",
            "filter",
            "description",
            ...Object.keys(error?.fields ?? {}).filter((key) => key.startsWith("events.")),
          ]}
          testId="webhook-error"
        />
        <TextField
          label="URL"
          type="url"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          autoComplete="off"
          placeholder="https://example.com/hooks/cairn"
          error={error?.fields.url}
          data-testid="webhook-url"
        />
        <TextField
          label="Events"
          value={events}
          onChange={(event) => setEvents(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          list="webhook-event-suggestions"
          hint="Separated by spaces or commas, e.g. *, posts.*, posts.created, auth.user.created."
          error={eventsError}
          data-testid="webhook-events"
        />
        <datalist id="webhook-event-suggestions">
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
          placeholder='status = "published"'
          hint="A rule-language expression run against the event's record."
          error={error?.fields.filter}
          data-testid="webhook-filter"
        />
        <TextField
          label="Description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          autoComplete="off"
          error={error?.fields.description}
          data-testid="webhook-description"
        />
        <CheckboxField
          label="Enabled"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
          data-testid="webhook-enabled"
        />
        <div className="form-actions">
          <button
            type="submit"
            className="button"
            disabled={create.isPending}
            data-testid="webhook-create"
          >
            {create.isPending ? "Creating…" : "Create webhook"}
          </button>
        </div>
      </form>
      <SecretDialog
        title="Webhook created"
        description="Copy the signing secret now. It can be revealed again from the webhook's page."
        secret={created?.secret ?? null}
        onClose={() => setCreated(null)}
      />
    </>
  );
}

/** A secret in a dialog, with a copy button that falls back to selecting it by hand. */
export function SecretDialog({
  title,
  description,
  secret,
  onClose,
}: {
  title: string;
  description: string;
  secret: string | null;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async (value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      // No clipboard permission (or an insecure origin): the secret stays selectable.
      setCopied("failed");
    }
  };
  return (
    <AlertDialog.Root
      open={secret !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(null);
          onClose();
        }
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog card" data-testid="webhook-secret-dialog">
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description>{description}</AlertDialog.Description>
          <input
            className="secret-value"
            readOnly
            value={secret ?? ""}
            aria-label="Signing secret"
            onFocus={(event) => event.target.select()}
            data-testid="webhook-secret"
          />
          {copied === "yes" && (
            <p className="notice" role="status">
              Copied.
            </p>
          )}
          {copied === "failed" && (
            <p className="hint" role="status">
              Could not copy: select the secret and copy it by hand.
            </p>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              className="button secondary"
              onClick={() => secret && void copy(secret)}
              data-testid="webhook-secret-copy"
            >
              Copy
            </button>
            <AlertDialog.Action asChild>
              <button type="button" className="button" data-testid="webhook-secret-done">
                Done
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

function DeleteWebhookDialog({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: () => admin.webhooks.delete(hook.id),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: webhooksKey });
    },
  });
  return (
    <AlertDialog.Root open={open} onOpenChange={setOpen}>
      <AlertDialog.Trigger asChild>
        <button type="button" className="button danger" data-testid="webhook-delete">
          Delete
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog card">
          <AlertDialog.Title>Delete this webhook?</AlertDialog.Title>
          <AlertDialog.Description>
            {hook.url} stops receiving events, and its delivery log is deleted with it.
          </AlertDialog.Description>
          <ErrorBanner error={shownError(remove.error)} />
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" className="button secondary">
                Cancel
              </button>
            </AlertDialog.Cancel>
            <button
              type="button"
              className="button danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
              data-testid="webhook-delete-confirm"
            >
              {remove.isPending ? "Deleting…" : "Delete"}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
