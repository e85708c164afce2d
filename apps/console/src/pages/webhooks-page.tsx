// Webhook endpoints: the webhooks settings (private addresses, log retention), the create form
// (the shared WebhookForm) whose signing secret is shown once in a dialog, and the list with
// delete behind a confirmation. One endpoint's secret and delivery log live on webhook-page.tsx.
import type { WebhookInfo } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import { admin } from "../api.js";
import { ConfirmDialog, useConfirmAction } from "../components/confirm-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { ListTable } from "../components/list-table.js";
import { SecretDialog } from "../components/secret-dialog.js";
import { CheckboxField, SavedNotice, SettingsLoad } from "../components/settings-form.js";
import { WebhookForm, type WebhookFormValues } from "../components/webhook-form.js";
import { shownError } from "../errors.js";

export const webhooksKey = ["webhooks"] as const;
const webhookSettingsKey = ["webhooks", "settings"] as const;

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
          <ListTable
            items={hooks.data}
            label="Webhooks"
            columns={["URL", "Events", "Status", "Last success"]}
            actions
            empty="No webhooks yet."
            emptyTestId="webhooks-empty"
          >
            {(items) =>
              items.map((hook) => (
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
                    {hook.lastSuccessAt ? new Date(hook.lastSuccessAt).toLocaleString() : "Never"}
                  </td>
                  <td>
                    <DeleteWebhookDialog hook={hook} />
                  </td>
                </tr>
              ))
            }
          </ListTable>
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
  const [created, setCreated] = useState<(WebhookInfo & { secret: string }) | null>(null);
  // A new key after each creation starts the form over, empty.
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: (input: WebhookFormValues) => admin.webhooks.create(input),
    onSuccess: async (answer) => {
      setCreated(answer);
      setFormKey((key) => key + 1);
      await queryClient.invalidateQueries({ queryKey: webhooksKey });
    },
  });
  return (
    <>
      <WebhookForm
        key={formKey}
        title="New webhook"
        label="New webhook"
        testIdPrefix="webhook"
        formTestId="webhook-form"
        submitLabel="Create webhook"
        pendingLabel="Creating…"
        submitTestId="webhook-create"
        pending={create.isPending}
        error={create.error}
        onSubmit={(values) => create.mutate(values)}
      />
      <SecretDialog
        title="Webhook created"
        description="Copy the signing secret now. It can be revealed again from the webhook's page."
        value={created?.secret ?? null}
        label="Signing secret"
        onClose={() => setCreated(null)}
        testId="webhook-secret"
      />
    </>
  );
}

function DeleteWebhookDialog({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => admin.webhooks.delete(hook.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
  const confirm = useConfirmAction(remove);

  return (
    <ConfirmDialog
      {...confirm.dialog}
      trigger={
        <button type="button" className="button danger" data-testid="webhook-delete">
          Delete
        </button>
      }
      title="Delete this webhook?"
      description={`${hook.url} stops receiving events, and its delivery log is deleted with it.`}
      confirmLabel="Delete"
      pendingLabel="Deleting…"
      testId="webhook-delete-dialog"
      confirmTestId="webhook-delete-confirm"
    />
  );
}
