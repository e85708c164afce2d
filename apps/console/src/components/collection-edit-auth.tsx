// An auth collection's sign-in options in the collection editor: which methods its users may
// sign in with, the password length, verified email and MFA requirements, and session lifetime.
import type { AuthCollectionOptions } from "@cairn/client/admin";
import { useId } from "react";

const methods = [
  ["password", "Email and password"],
  ["otp", "One-time codes and magic links by email"],
  ["oauth2", "OAuth2 providers (configured in Settings → Sign-in providers)"],
  ["anonymous", "Guests without an email, upgradable later"],
] as const;

export function CollectionAuthOptions({
  value,
  onChange,
  errors,
}: {
  value: Required<AuthCollectionOptions>;
  onChange: (value: Required<AuthCollectionOptions>) => void;
  /** Problems the server found, by option name. */
  errors: Record<string, string>;
}) {
  const id = useId();
  const set = (patch: Partial<AuthCollectionOptions>) => onChange({ ...value, ...patch });
  const days = value.sessionLifetimeSeconds / 86_400;
  const numberError = (option: string) =>
    errors[option] ? (
      <p id={`${id}-${option}-error`} className="field-error">
        {errors[option]}
      </p>
    ) : null;
  return (
    <fieldset className="fields-editor" data-testid="collection-auth-options">
      <legend>Sign-in</legend>
      <p className="hint">How this collection's users sign in (docs/auth.md).</p>
      {methods.map(([option, label]) => (
        <label key={option} className="checkbox">
          <input
            type="checkbox"
            checked={value[option]}
            onChange={(event) => set({ [option]: event.target.checked })}
            data-testid={`auth-option-${option}`}
          />
          {label}
        </label>
      ))}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={value.requireVerifiedEmail}
          onChange={(event) => set({ requireVerifiedEmail: event.target.checked })}
          data-testid="auth-option-requireVerifiedEmail"
        />
        Password sign-in needs a verified email address
      </label>
      <div className="field">
        <label htmlFor={`${id}-mfa`}>Multi-factor authentication</label>
        <select
          id={`${id}-mfa`}
          value={value.mfa}
          onChange={(event) => set({ mfa: event.target.value as "optional" | "required" })}
          data-testid="auth-option-mfa"
        >
          <option value="optional">Optional: users may add an authenticator app</option>
          <option value="required">Required: every user signs in with an authenticator app</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-minPasswordLength`}>Minimum password length</label>
        <input
          id={`${id}-minPasswordLength`}
          type="number"
          min={6}
          max={256}
          value={value.minPasswordLength}
          onChange={(event) => set({ minPasswordLength: event.target.valueAsNumber })}
          aria-invalid={errors.minPasswordLength ? true : undefined}
          aria-describedby={errors.minPasswordLength ? `${id}-minPasswordLength-error` : undefined}
          data-testid="auth-option-minPasswordLength"
        />
        {numberError("minPasswordLength")}
      </div>
      <div className="field">
        <label htmlFor={`${id}-session`}>Session lifetime (days)</label>
        <input
          id={`${id}-session`}
          type="number"
          min={0.01}
          step="any"
          value={Number.isFinite(days) ? Number(days.toFixed(4)) : ""}
          onChange={(event) =>
            set({ sessionLifetimeSeconds: Math.round(event.target.valueAsNumber * 86_400) })
          }
          aria-invalid={errors.sessionLifetimeSeconds ? true : undefined}
          aria-describedby={
            errors.sessionLifetimeSeconds
              ? `${id}-sessionLifetimeSeconds-error`
              : `${id}-session-hint`
          }
          data-testid="auth-option-sessionLifetime"
        />
        <p id={`${id}-session-hint`} className="hint">
          A session that is not used for this long ends; each use extends it.
        </p>
        {numberError("sessionLifetimeSeconds")}
      </div>
    </fieldset>
  );
}
