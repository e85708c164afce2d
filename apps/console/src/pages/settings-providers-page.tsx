// Sign-in providers (OAuth2): one form per provider, built from the fields the server stores for
// it, so provider-specific settings (Apple's key, Microsoft's tenant, OIDC's endpoints) need no
// code here. Secrets read masked; the mask sent back keeps them. Saving sends one provider only.
import type { OAuth2Settings } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import {
  CheckboxField,
  SavedNotice,
  SettingsLoad,
  TextAreaField,
} from "../components/settings-form.js";
import { shownError } from "../errors.js";

const oauth2Key = ["settings", "oauth2"] as const;

const secretFields = new Set(["clientSecret", "privateKey"]);

const labels: Record<string, string> = {
  clientId: "Client id",
  clientSecret: "Client secret",
  teamId: "Team id",
  keyId: "Key id",
  privateKey: "Private key (.p8 PEM)",
  tenant: "Tenant",
  displayName: "Display name",
  issuer: "Issuer",
  authorizationUrl: "Authorization URL",
  tokenUrl: "Token URL",
  userinfoUrl: "Userinfo URL",
  scopes: "Scopes",
  pkce: "Use PKCE",
};

const providerNames: Record<string, string> = {
  google: "Google",
  github: "GitHub",
  apple: "Apple",
  microsoft: "Microsoft",
  discord: "Discord",
  gitlab: "GitLab",
  facebook: "Facebook",
  oidc: "OpenID Connect",
};

export function SettingsProvidersPage() {
  const providers = useQuery({
    queryKey: oauth2Key,
    queryFn: ({ signal }) => admin.settings.oauth2({ signal }),
  });
  return (
    <SettingsLoad query={providers}>
      <p className="hint settings-intro">
        A provider also needs the collection's OAuth2 sign-in option turned on. Register the
        callback{" "}
        <code>/api/collections/&lt;collection&gt;/auth/oauth2/&lt;provider&gt;/callback</code> with
        the provider.
      </p>
      {providers.data &&
        Object.entries(providers.data).map(([name, values]) => (
          <ProviderForm key={name} name={name} stored={values} />
        ))}
    </SettingsLoad>
  );
}

function ProviderForm({ name, stored }: { name: string; stored: OAuth2Settings[string] }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<string, unknown>>(stored);
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) => admin.settings.updateOAuth2({ [name]: patch }),
    onSuccess: (saved) => {
      queryClient.setQueryData(oauth2Key, saved);
      if (saved[name]) setValues(saved[name]);
    },
  });
  const error = shownError(save.error);
  const keys = Object.keys(stored).filter((key) => key !== "enabled");
  const title = providerNames[name] ?? name;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(values);
  };

  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label={`${title} sign-in`}
      data-testid={`settings-provider-${name}`}
      noValidate
    >
      <h2>{title}</h2>
      <ErrorBanner
        error={error}
        shownFields={["enabled", ...keys].map((key) => `${name}.${key}`)}
      />
      <CheckboxField
        label="Enabled"
        checked={values.enabled === true}
        onChange={(event) =>
          setValues((current) => ({ ...current, enabled: event.target.checked }))
        }
        error={error?.fields[`${name}.enabled`]}
        data-testid={`settings-provider-${name}-enabled`}
      />
      {keys.map((key) => {
        const value = values[key];
        const label = labels[key] ?? key;
        const fieldError = error?.fields[`${name}.${key}`];
        const testId = `settings-provider-${name}-${key}`;
        const change = (next: unknown) => setValues((current) => ({ ...current, [key]: next }));
        if (typeof value === "boolean") {
          return (
            <CheckboxField
              key={key}
              label={label}
              checked={value}
              onChange={(event) => change(event.target.checked)}
              error={fieldError}
              data-testid={testId}
            />
          );
        }
        if (key === "privateKey") {
          return (
            <TextAreaField
              key={key}
              label={label}
              value={String(value ?? "")}
              onChange={(event) => change(event.target.value)}
              rows={4}
              spellCheck={false}
              hint="A stored key shows as dots; leave them to keep it."
              error={fieldError}
              data-testid={testId}
            />
          );
        }
        return (
          <TextField
            key={key}
            label={label}
            type={secretFields.has(key) ? "password" : "text"}
            autoComplete={secretFields.has(key) ? "new-password" : "off"}
            spellCheck={false}
            value={String(value ?? "")}
            onChange={(event) => change(event.target.value)}
            hint={
              secretFields.has(key)
                ? "A stored secret shows as dots; leave them to keep it."
                : undefined
            }
            error={fieldError}
            data-testid={testId}
          />
        );
      })}
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid={`settings-provider-${name}-save`}
        >
          {save.isPending ? "Saving…" : `Save ${title}`}
        </button>
        <SavedNotice show={save.isSuccess} />
      </div>
    </form>
  );
}
