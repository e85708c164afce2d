// One webhook endpoint: its delivery log (components/webhook-deliveries.tsx), its signing secret
// (revealed on demand, rotated behind a confirmation, the previous one shown while it co-signs)
// and its settings in the shared WebhookForm, whose stored header values stay masked.
import type { WebhookInfo } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { admin } from "../api.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { SecretDialog } from "../components/secret-dialog.js";
import { SettingsLoad } from "../components/settings-form.js";
import { WebhookDeliveries, when } from "../components/webhook-deliveries.js";
import { WebhookForm, type WebhookFormValues } from "../components/webhook-form.js";
import { shownError } from "../errors.js";
import { webhookState, webhooksKey } from "./webhooks-page.js";

/** A signing secret as reveal and rotate answer it. */
interface ShownSecret {
  secret: string;
  /** The secret before the last rotation while it still signs next to the new one. */
  previousSecret?: string | null;
  previousSecretExpires?: string | null;
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
            <WebhookDeliveries
              hook={hook.data}
              queryKey={[...webhooksKey, hook.data.id, "deliveries"]}
            />
            <SecretSection hook={hook.data} />
            <EditWebhookForm key={hook.data.id} hook={hook.data} />
          </>
        )}
      </SettingsLoad>
    </>
  );
}

function EditWebhookForm({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (values: WebhookFormValues) => admin.webhooks.update(hook.id, values),
    onSuccess: async (answer) => {
      queryClient.setQueryData([...webhooksKey, hook.id], answer);
      await queryClient.invalidateQueries({ queryKey: webhooksKey, exact: true });
    },
  });
  // Keyed by `updated`: after a save the form starts over from the stored values (headers
  // masked again), while the mutation, up here, keeps its "Saved" state.
  return (
    <WebhookForm
      key={hook.updated}
      initial={hook}
      title="Endpoint"
      label="Edit webhook"
      testIdPrefix="webhook-edit"
      submitLabel="Save"
      pendingLabel="Saving…"
      submitTestId="webhook-save"
      pending={save.isPending}
      error={save.error}
      saved={save.isSuccess}
      onSubmit={(values) => save.mutate(values)}
    />
  );
}

function SecretSection({ hook }: { hook: WebhookInfo }) {
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<{ title: string; secret: ShownSecret } | null>(null);
  const previous = shown?.secret.previousSecret;
  const [confirm, setConfirm] = useState(false);
  const reveal = useMutation({
    mutationFn: () => admin.webhooks.revealSecret(hook.id),
    onSuccess: (answer) => setShown({ title: "Signing secret", secret: answer }),
  });
  const rotate = useMutation({
    mutationFn: async () => {
      await admin.webhooks.rotateSecret(hook.id);
      // The reveal answers the new secret with the one it replaced, which co-signs for 24 h.
      return admin.webhooks.revealSecret(hook.id);
    },
    onSuccess: async (answer) => {
      setConfirm(false);
      setShown({ title: "Secret rotated", secret: answer });
      await queryClient.invalidateQueries({ queryKey: [...webhooksKey, hook.id], exact: true });
    },
  });
  return (
    <section className="card settings-section" aria-label="Signing secret">
      <h2>Signing secret</h2>
      <ErrorBanner error={shownError(reveal.error)} />
      {hook.previousSecretExpires && (
        <p className="hint" data-testid="webhook-co-signing">
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
        <ConfirmDialog
          open={confirm}
          onOpenChange={(open) => {
            setConfirm(open);
            if (!open) rotate.reset();
          }}
          trigger={
            <button type="button" className="button secondary" data-testid="webhook-rotate">
              Rotate secret
            </button>
          }
          title="Rotate the signing secret?"
          description="A new secret signs from now on. For 24 hours every delivery carries both signatures, so receivers can switch to the new secret without dropping events; after that, only the new secret signs."
          error={rotate.error}
          pending={rotate.isPending}
          confirmLabel="Rotate"
          pendingLabel="Rotating…"
          onConfirm={() => rotate.mutate()}
          tone="primary"
          testId="webhook-rotate-dialog"
          confirmTestId="webhook-rotate-confirm"
        />
      </div>
      <SecretDialog
        title={shown?.title ?? "Signing secret"}
        description="Receivers verify the webhook-signature header with this secret."
        value={shown?.secret.secret ?? null}
        label="Signing secret"
        onClose={() => setShown(null)}
        testId="webhook-secret"
      >
        {previous && (
          <div className="webhooks-previous-secret" data-testid="webhook-previous-secret-block">
            <p className="hint">
              <strong>Previous secret</strong>, co-signing until{" "}
              {shown?.secret.previousSecretExpires
                ? new Date(shown.secret.previousSecretExpires).toLocaleString()
                : "it expires"}
              : every delivery also carries a signature by the previous secret, so receivers can
              switch without dropping events.
            </p>
            <input
              className="secret-value"
              readOnly
              value={previous}
              aria-label="Previous secret (co-signing)"
              onFocus={(event) => event.target.select()}
              data-testid="webhook-previous-secret"
            />
          </div>
        )}
      </SecretDialog>
    </section>
  );
}
