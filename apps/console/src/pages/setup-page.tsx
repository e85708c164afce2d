// First run: the page the server's setup link (/_/setup?token=…) opens. Creates the first
// superuser with the link's one-time token, then signs them in.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { admin } from "../api.js";
import { AuthScreen } from "../components/auth-screen.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { shownError } from "../errors.js";
import { meKey } from "../use-me.js";

export function SetupPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [mismatch, setMismatch] = useState(false);
  const setup = useMutation({
    mutationFn: async (input: { email: string; password: string }) => {
      await admin.setup({ token, ...input });
      return admin.signIn({ ...input, cookie: true });
    },
    onSuccess: (session) => {
      queryClient.setQueryData(meKey, session.record);
      void navigate("/collections", { replace: true });
    },
  });
  const error = shownError(setup.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    const differs = password !== String(form.get("confirm"));
    setMismatch(differs);
    if (differs) return;
    setup.mutate({ email: String(form.get("email")), password });
  };

  if (!token) {
    return (
      <AuthScreen title="Set up Cairn">
        <p className="notice" role="alert" data-testid="setup-missing-token">
          This page needs the setup link the server printed when it started (it ends in{" "}
          <code>?token=…</code>). Restart the server to print a new one while no superuser exists.
        </p>
        <p>
          <Link to="/sign-in">Go to sign-in</Link>
        </p>
      </AuthScreen>
    );
  }

  return (
    <AuthScreen title="Create the first superuser">
      <p className="hint">
        Superusers manage collections, users and settings from this console. You can add more later.
      </p>
      <form
        onSubmit={submit}
        data-testid="setup-form"
        aria-label="Create the first superuser"
        noValidate
      >
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
          autoComplete="new-password"
          required
          error={error?.fields.password}
        />
        <TextField
          label="Confirm password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          error={
            mismatch ? { code: "mismatch", message: "The passwords do not match." } : undefined
          }
        />
        <button type="submit" className="button" disabled={setup.isPending}>
          {setup.isPending ? "Creating…" : "Create superuser and sign in"}
        </button>
      </form>
      <p className="hint">
        Already set up? <Link to="/sign-in">Sign in</Link>
      </p>
    </AuthScreen>
  );
}
