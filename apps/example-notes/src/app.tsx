// The app shell: follows the session (auth.onChange) and shows the sign-in form or the notes.
// Components hold UI state only; every call to Cairn goes through notes-api.ts.
import { useEffect, useState } from "react";
import { AuthForm } from "./auth-form.js";
import { currentUser, type NotesClient, signOut, type User } from "./notes-api.js";
import { NotesPage } from "./notes-page.js";

export function App({ cairn }: { cairn: NotesClient }) {
  const [user, setUser] = useState<User | null>(() => currentUser(cairn));

  // A stored session loads asynchronously, and sign-in, refresh and expiry all change it.
  useEffect(() => {
    void cairn.auth.getSession().then((session) => setUser(session?.record ?? null));
    return cairn.auth.onChange((session) => setUser(session?.record ?? null));
  }, [cairn]);

  return (
    <main className="app">
      <header className="topbar">
        <h1>Notes</h1>
        {user && (
          <span className="who">
            {user.email}
            <button type="button" className="link" onClick={() => void signOut(cairn)}>
              Sign out
            </button>
          </span>
        )}
      </header>
      {user ? <NotesPage cairn={cairn} /> : <AuthForm cairn={cairn} />}
    </main>
  );
}
