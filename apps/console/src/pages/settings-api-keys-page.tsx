// API keys for servers: the list, a create form (name, scopes, expiry), the key itself shown
// once in a dialog right after creation (the server never answers it again), and revoking
// behind a confirmation.
import type { ApiKeyInfo } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { admin } from "../api.js";
import { ConfirmDialog, useConfirmAction } from "../components/confirm-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { ListTable } from "../components/list-table.js";
import { SecretDialog } from "../components/secret-dialog.js";
import { SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";

const apiKeysKey = ["api-keys"] as const;

function keyStatus(key: ApiKeyInfo): string {
  if (key.revokedAt) return "Revoked";
  if (key.expiresAt && new Date(key.expiresAt) <= new Date()) return "Expired";
  return "Active";
}

function when(value: string | null, none: string): string {
  return value ? new Date(value).toLocaleString() : none;
}

export function SettingsApiKeysPage() {
  const keys = useQuery({
    queryKey: apiKeysKey,
    queryFn: ({ signal }) => admin.apiKeys.list({ signal }),
  });
  return (
    <>
      <CreateKeyForm />
      <section className="card settings-section" aria-label="API keys list">
        <h2>Keys</h2>
        <SettingsLoad query={keys}>
          <ListTable
            items={keys.data}
            label="API keys"
            columns={["Name", "Scopes", "Expires", "Last used", "Status"]}
            actions
            empty="No API keys yet."
            emptyTestId="api-keys-empty"
          >
            {(items) =>
              items.map((key) => (
                <tr key={key.id} data-testid={`api-key-row-${key.id}`}>
                  <th scope="row">{key.name}</th>
                  <td>
                    {key.scopes.map((scope) => (
                      <code key={scope} className="scope">
                        {scope}
                      </code>
                    ))}
                  </td>
                  <td>{when(key.expiresAt, "Never")}</td>
                  <td>{when(key.lastUsed, "Never")}</td>
                  <td data-testid="api-key-status">{keyStatus(key)}</td>
                  <td>{!key.revokedAt && <RevokeKeyDialog apiKey={key} />}</td>
                </tr>
              ))
            }
          </ListTable>
        </SettingsLoad>
      </section>
    </>
  );
}

function CreateKeyForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState("");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<(ApiKeyInfo & { key: string }) | null>(null);
  const create = useMutation({
    mutationFn: (input: { name: string; scopes: string[]; expiresAt?: string }) =>
      admin.apiKeys.create(input),
    onSuccess: async (answer) => {
      setCreated(answer);
      setName("");
      setScopes("");
      setExpires("");
      await queryClient.invalidateQueries({ queryKey: apiKeysKey });
    },
  });
  const error = shownError(create.error);
  const scopesError =
    error?.fields.scopes ??
    Object.entries(error?.fields ?? {}).find(([key]) => key.startsWith("scopes."))?.[1];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: { name: string; scopes: string[]; expiresAt?: string } = {
      name: name.trim(),
      scopes: scopes.split(/[\s,]+/).filter(Boolean),
    };
    // The end of the chosen day, in the browser's time zone.
    if (expires) input.expiresAt = new Date(`${expires}T23:59:59`).toISOString();
    create.mutate(input);
  };

  return (
    <>
      <form
        className="card form settings-section"
        onSubmit={submit}
        aria-label="New API key"
        data-testid="api-key-form"
        noValidate
      >
        <h2>New API key</h2>
        <ErrorBanner
          error={error}
          shownFields={[
            "name",
            "scopes",
            "expiresAt",
            ...Object.keys(error?.fields ?? {}).filter((key) => key.startsWith("scopes.")),
          ]}
          testId="api-key-error"
        />
        <TextField
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="off"
          placeholder="billing worker"
          error={error?.fields.name}
          data-testid="api-key-name"
        />
        <TextField
          label="Scopes"
          value={scopes}
          onChange={(event) => setScopes(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="orders:read, invoices:write"
          hint="Separated by spaces or commas: full, read, <collection>:read, <collection>:write."
          error={scopesError}
          data-testid="api-key-scopes"
        />
        <TextField
          label="Expires on"
          type="date"
          value={expires}
          onChange={(event) => setExpires(event.target.value)}
          hint="Leave empty for a key that does not expire."
          error={error?.fields.expiresAt}
          data-testid="api-key-expires"
        />
        <div className="form-actions">
          <button
            type="submit"
            className="button"
            disabled={create.isPending}
            data-testid="api-key-create"
          >
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}

function NewKeyDialog({
  created,
  onClose,
}: {
  created: (ApiKeyInfo & { key: string }) | null;
  onClose: () => void;
}) {
  return (
    <SecretDialog
      title={`API key “${created?.name}” created`}
      description="Copy the key now: it is shown only this once and cannot be read again."
      value={created?.key ?? null}
      label="API key"
      onClose={onClose}
      testId="api-key-secret"
    />
  );
}

function RevokeKeyDialog({ apiKey }: { apiKey: ApiKeyInfo }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => admin.apiKeys.revoke(apiKey.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
  const confirm = useConfirmAction(revoke);

  return (
    <ConfirmDialog
      {...confirm.dialog}
      trigger={
        <button
          type="button"
          className="button danger small"
          aria-label={`Revoke API key ${apiKey.name}`}
          data-testid={`revoke-api-key-${apiKey.id}`}
        >
          Revoke
        </button>
      }
      title={`Revoke “${apiKey.name}”?`}
      description="Servers using this key are refused from now on. It cannot be undone."
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
      testId="revoke-api-key-dialog"
      confirmTestId="confirm-revoke-api-key"
    />
  );
}
