// Superuser sign-in, cookie mode: the session goes into an HttpOnly cookie the server sets.
// Comes back to the page the user was on (`?next=`) and says why when a session expired.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { admin } from "../api.js";
import { AuthScreen } from "../components/auth-screen.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { shownError } from "../errors.js";
import { safeReturnTo } from "../return-to.js";
import { meKey } from "../use-me.js";

export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signIn = useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      admin.signIn({ ...input, cookie: true }),
    onSuccess: (session) => {
      queryClient.setQueryData(meKey, session.record);
      void navigate(safeReturnTo(params.get("next")), { replace: true });
    },
  });
  const error = shownError(signIn.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({ email: String(form.get("email")), password: String(form.get("password")) });
  };

  return (
    <AuthScreen title="Sign in">
      {params.get("reason") === "expired" && !signIn.error && (
        <p className="notice" role="status" data-testid="session-expired">
          Your session has expired. Sign in again to continue.
        </p>
      )}
      <form onSubmit={submit} data-testid="sign-in-form" aria-label="Sign in" noValidate>
        <ErrorBanner error={error} shownFields={["email", "password"]} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          error={error?.fields.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={error?.fields.password}
        />
        <button type="submit" className="button" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="hint">
        First run? Open the setup link the server printed when it started to create the first
        superuser.
      </p>
    </AuthScreen>
  );
}
