// Sign in or sign up with email and password; the session change re-renders the app.
import { type FormEvent, useState } from "react";
import { describeError, type NotesClient, signIn, signUp } from "./notes-api.js";

export function AuthForm({ cairn }: { cairn: NotesClient }) {
  const [mode, setMode] = useState<"signIn" | "signUp">("signIn");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "signUp") await signUp(cairn, email, password);
      else await signIn(cairn, email, password);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card auth" onSubmit={submit}>
      <h2>{mode === "signIn" ? "Sign in" : "Create an account"}</h2>
      <label>
        Email
        <input
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete={mode === "signIn" ? "current-password" : "new-password"}
          minLength={8}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && <p className="error">{error}</p>}
      <button type="submit" disabled={busy}>
        {mode === "signIn" ? "Sign in" : "Sign up"}
      </button>
      <button
        type="button"
        className="link"
        onClick={() => setMode(mode === "signIn" ? "signUp" : "signIn")}
      >
        {mode === "signIn" ? "No account yet? Sign up" : "Have an account? Sign in"}
      </button>
    </form>
  );
}
