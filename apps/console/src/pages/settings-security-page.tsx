// Security settings: the origins browsers may call the API from (CORS) and the per-IP rate
// limits. Two forms, each saved on its own; the server's field errors land on their inputs, and
// either section can go back to the server's default (its environment).
import type { SecuritySettings, SecuritySettingsPatch } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { CheckboxField, SavedNotice, SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";

const securityKey = ["settings", "security"] as const;

export function SettingsSecurityPage() {
  const security = useQuery({
    queryKey: securityKey,
    queryFn: ({ signal }) => admin.security.get({ signal }),
  });
  return (
    <SettingsLoad query={security}>
      {security.data && (
        <>
          <CorsForm stored={security.data} />
          <RateLimitsForm stored={security.data} />
        </>
      )}
    </SettingsLoad>
  );
}

/** Saves a patch and puts the answer in the query cache. */
function useSaveSecurity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: SecuritySettingsPatch) => admin.security.update(patch),
    onSuccess: (saved) => queryClient.setQueryData(securityKey, saved),
  });
}

function DefaultNote({ saved, what }: { saved: boolean; what: string }) {
  if (saved) return null;
  return (
    <p className="hint" data-testid="security-default-note">
      Not saved yet: the server's default applies ({what}).
    </p>
  );
}

interface OriginRow {
  key: number;
  value: string;
}

function CorsForm({ stored }: { stored: SecuritySettings }) {
  const nextKey = useRef(0);
  const row = (value: string): OriginRow => ({ key: nextKey.current++, value });
  const [rows, setRows] = useState(() => stored.cors.origins.map(row));
  // The rows sent last, in order: the server's "cors.origins.<i>" names the i-th of them.
  const [sentKeys, setSentKeys] = useState<number[]>([]);
  const save = useSaveSecurity();
  const error = shownError(save.error);

  const errorFor = (key: number) => {
    const index = sentKeys.indexOf(key);
    return index === -1 ? undefined : error?.fields[`cors.origins.${index}`];
  };
  const reset = (saved: SecuritySettings) => setRows(saved.cors.origins.map(row));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Empty rows are left out, not refused.
    const sent = rows.filter((r) => r.value.trim() !== "");
    setSentKeys(sent.map((r) => r.key));
    save.mutate({ cors: { origins: sent.map((r) => r.value.trim()) } }, { onSuccess: reset });
  };

  const backToDefault = () => {
    setSentKeys([]);
    save.mutate({ cors: null }, { onSuccess: reset });
  };

  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label="Allowed origins"
      data-testid="security-cors-form"
      noValidate
    >
      <h2>Allowed origins (CORS)</h2>
      <p className="hint">
        Web apps on these origins may call the API from a browser: <code>*</code> allows any, or
        list each one as <code>https://app.example.com</code>, <code>http://localhost:5173</code> or{" "}
        <code>capacitor://localhost</code> (no path, no trailing slash). Native apps and servers are
        not affected. Changes apply within seconds on every server.
      </p>
      <p className="notice" data-testid="security-cors-console-note">
        This console is served from the server's own origin, so it keeps working whatever this list
        says.
      </p>
      <DefaultNote saved={stored.saved.cors} what="CAIRN_CORS_ORIGINS" />
      <ErrorBanner
        error={error}
        shownFields={sentKeys.map((_, index) => `cors.origins.${index}`)}
        testId="security-cors-error"
      />
      {rows.length === 0 ? (
        <p className="hint" data-testid="security-cors-empty">
          No origin: no web app on another origin can call the API.
        </p>
      ) : (
        <ul className="security-origins">
          {rows.map((origin, index) => (
            <li key={origin.key} className="security-origin">
              <TextField
                label={`Origin ${index + 1}`}
                value={origin.value}
                onChange={(event) => {
                  const value = event.target.value;
                  setRows((current) =>
                    current.map((r) => (r.key === origin.key ? { ...r, value } : r)),
                  );
                }}
                placeholder="https://app.example.com"
                spellCheck={false}
                autoCapitalize="off"
                error={errorFor(origin.key)}
                data-testid={`security-cors-origin-${index}`}
              />
              <button
                type="button"
                className="button secondary small"
                onClick={() => setRows((current) => current.filter((r) => r.key !== origin.key))}
                aria-label={`Remove origin ${index + 1}`}
                data-testid={`security-cors-remove-${index}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <SavedNotice show={save.isSuccess} testId="security-cors-saved" />
        <button
          type="button"
          className="button secondary"
          onClick={() => setRows((current) => [...current, row("")])}
          data-testid="security-cors-add"
        >
          Add origin
        </button>
        {stored.saved.cors && (
          <button
            type="button"
            className="button secondary"
            onClick={backToDefault}
            disabled={save.isPending}
            data-testid="security-cors-default"
          >
            Use server default
          </button>
        )}
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="security-cors-save"
        >
          {save.isPending ? "Saving…" : "Save origins"}
        </button>
      </div>
    </form>
  );
}

/** A number field's text as sent: NaN (travels as null) for anything but a number. */
const asNumber = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

function RateLimitsForm({ stored }: { stored: SecuritySettings }) {
  const [enabled, setEnabled] = useState(stored.rateLimits.enabled);
  const [auth, setAuth] = useState(String(stored.rateLimits.auth.perMinute));
  const [api, setApi] = useState(String(stored.rateLimits.api.perMinute));
  const save = useSaveSecurity();
  const error = shownError(save.error);
  const reset = (saved: SecuritySettings) => {
    setEnabled(saved.rateLimits.enabled);
    setAuth(String(saved.rateLimits.auth.perMinute));
    setApi(String(saved.rateLimits.api.perMinute));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(
      {
        rateLimits: {
          enabled,
          auth: { perMinute: asNumber(auth) },
          api: { perMinute: asNumber(api) },
        },
      },
      { onSuccess: reset },
    );
  };

  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label="Rate limits"
      data-testid="security-rate-form"
      noValidate
    >
      <h2>Rate limits</h2>
      <p className="hint">
        Requests per client IP address per minute; past a limit the API answers 429 with
        Retry-After. Superusers and API keys are never limited, and the console's own sign-in keeps
        the server's limit (CAIRN_AUTH_RATE_LIMIT), so no value here can lock you out.
      </p>
      <DefaultNote saved={stored.saved.rateLimits} what="CAIRN_AUTH_RATE_LIMIT" />
      <ErrorBanner
        error={error}
        shownFields={[
          "rateLimits.enabled",
          "rateLimits.auth.perMinute",
          "rateLimits.api.perMinute",
        ]}
        testId="security-rate-error"
      />
      <CheckboxField
        label="Enforce per-IP rate limits"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
        error={error?.fields["rateLimits.enabled"]}
        data-testid="security-rate-enabled"
      />
      <TextField
        label="Auth requests per minute"
        type="number"
        min={1}
        value={auth}
        onChange={(event) => setAuth(event.target.value)}
        hint="Sign-in, sign-up, password reset, one-time codes and the like, per IP, counted across all servers."
        error={error?.fields["rateLimits.auth.perMinute"]}
        data-testid="security-rate-auth"
      />
      <TextField
        label="API requests per minute"
        type="number"
        min={0}
        value={api}
        onChange={(event) => setApi(event.target.value)}
        hint="Every other API request, per IP, counted on each server separately. 0 = off."
        error={error?.fields["rateLimits.api.perMinute"]}
        data-testid="security-rate-api"
      />
      <div className="form-actions">
        <SavedNotice show={save.isSuccess} testId="security-rate-saved" />
        {stored.saved.rateLimits && (
          <button
            type="button"
            className="button secondary"
            onClick={() => save.mutate({ rateLimits: null }, { onSuccess: reset })}
            disabled={save.isPending}
            data-testid="security-rate-default"
          >
            Use server default
          </button>
        )}
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="security-rate-save"
        >
          {save.isPending ? "Saving…" : "Save rate limits"}
        </button>
      </div>
    </form>
  );
}
