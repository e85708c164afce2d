// One app user, seen by a superuser: edit email/verified, password reset mail, sessions (revoke one
// or all), MFA reset, impersonation and delete. The impersonation token is shown once in a dialog,
// never put in a URL (it would land in history and logs).
import { createClient, memoryStorage } from "@cairn/client";
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { admin, cairn } from "../api.js";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";
import { TextField } from "./form-field.js";

export interface UserRow {
  id: string;
  email: string;
  verified: boolean;
  created: string;
}

function usersKey(collection: string) {
  return ["collections", collection, "records"] as const;
}

export function UserPanel({
  collection,
  user,
  onClose,
}: {
  collection: string;
  user: UserRow;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(user.email);
  const [verified, setVerified] = useState(user.verified);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: usersKey(collection) });

  const save = useMutation({
    mutationFn: () => cairn.collection(collection).update(user.id, { email, verified } as never),
    onSuccess: async () => {
      setNotice("Saved.");
      await invalidate();
    },
  });
  const resetMail = useMutation({
    // The app-side flow of this collection, in a client of its own so nothing touches the
    // console's session.
    mutationFn: () =>
      createClient(window.location.origin, {
        auth: { collection, storage: memoryStorage(), autoRefresh: false },
      }).auth.requestPasswordReset({ email: user.email }),
    onSuccess: () => setNotice(`Password reset mail sent to ${user.email}.`),
  });
  const resetMfa = useMutation({
    mutationFn: () => admin.users.resetMfa(collection, user.id),
    onSuccess: () => setNotice("MFA reset: the user has no authenticator now."),
  });
  const impersonate = useMutation({
    mutationFn: () => admin.users.impersonate(collection, user.id),
    // The impersonation is a session of its own, listed (and revocable) below.
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: ["users", collection, user.id, "sessions"] }),
  });
  const remove = useMutation({
    mutationFn: () => cairn.collection(collection).delete(user.id),
    onSuccess: async () => {
      onClose();
      await invalidate();
    },
  });
  const saveError = shownError(save.error);
  const actionError = shownError(resetMail.error ?? resetMfa.error ?? impersonate.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    save.mutate();
  };

  return (
    <section
      className="card users-panel"
      data-testid="user-panel"
      aria-label={`User ${user.email}`}
    >
      <div className="page-header">
        <h2>{user.email || user.id}</h2>
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <form onSubmit={submit} data-testid="user-edit-form">
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={saveError?.fields.email}
          data-testid="user-edit-email"
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={verified}
            onChange={(event) => setVerified(event.target.checked)}
            data-testid="user-edit-verified"
          />{" "}
          Verified
        </label>
        <p className="hint">
          Other fields are on the{" "}
          <Link to={`/collections/${collection}/records`} data-testid="user-records-link">
            Records page
          </Link>
          .
        </p>
        <ErrorBanner error={saveError} shownFields={["email"]} />
        <button type="submit" className="button" disabled={save.isPending} data-testid="user-save">
          Save
        </button>
      </form>

      <div className="users-actions">
        <button
          type="button"
          className="button secondary"
          disabled={!user.email || resetMail.isPending}
          onClick={() => resetMail.mutate()}
          data-testid="user-password-reset"
        >
          Send password reset
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={resetMfa.isPending}
          onClick={() => resetMfa.mutate()}
          data-testid="user-reset-mfa"
        >
          Reset MFA
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={impersonate.isPending}
          onClick={() => impersonate.mutate()}
          data-testid="user-impersonate"
        >
          Impersonate
        </button>
        <button
          type="button"
          className="button danger"
          onClick={() => setConfirmDelete(true)}
          data-testid="user-delete"
        >
          Delete
        </button>
      </div>
      {notice && (
        <p role="status" data-testid="user-notice">
          {notice}
        </p>
      )}
      <ErrorBanner error={actionError} testId="user-action-error" />

      <UserSessions collection={collection} userId={user.id} />

      <Dialog.Root
        open={impersonate.data !== undefined}
        onOpenChange={(next) => {
          if (!next) impersonate.reset();
        }}
      >
        <Dialog.Portal>
          <Dialog.Overlay className="dialog-overlay" />
          <Dialog.Content className="dialog card" data-testid="impersonate-dialog">
            <Dialog.Title>Session as {user.email || user.id}</Dialog.Title>
            <Dialog.Description>
              A session token for this user, valid until{" "}
              {impersonate.data && new Date(impersonate.data.expiresAt).toLocaleString()} and never
              extended. Use it in a client of its own (<code>asUser.auth.setSession(…)</code> or{" "}
              <code>Authorization: Bearer …</code>). It is shown only now.
            </Dialog.Description>
            <textarea
              readOnly
              className="users-token"
              value={impersonate.data?.token ?? ""}
              aria-label="Session token"
              data-testid="impersonate-token"
            />
            <div className="dialog-actions">
              <button
                type="button"
                className="button secondary"
                onClick={() => void navigator.clipboard?.writeText(impersonate.data?.token ?? "")}
                data-testid="impersonate-copy"
              >
                Copy token
              </button>
              <Dialog.Close className="button">Done</Dialog.Close>
            </div>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>

      <AlertDialog.Root
        open={confirmDelete}
        onOpenChange={(next) => {
          if (!next) {
            setConfirmDelete(false);
            remove.reset();
          }
        }}
      >
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="dialog-overlay" />
          <AlertDialog.Content className="dialog card" data-testid="delete-user-dialog">
            <AlertDialog.Title>Delete this user?</AlertDialog.Title>
            <AlertDialog.Description>
              {user.email || user.id} and their sessions are deleted from “{collection}”.
            </AlertDialog.Description>
            <ErrorBanner error={shownError(remove.error)} />
            <div className="dialog-actions">
              <AlertDialog.Cancel className="button secondary">Cancel</AlertDialog.Cancel>
              <button
                type="button"
                className="button danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate()}
                data-testid="confirm-delete-user"
              >
                Delete
              </button>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </section>
  );
}

function UserSessions({ collection, userId }: { collection: string; userId: string }) {
  const queryClient = useQueryClient();
  const key = ["users", collection, userId, "sessions"];
  const sessions = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => admin.users.sessions(collection, userId, { signal }),
  });
  const revoke = useMutation({
    mutationFn: (sessionId?: string) => admin.users.revokeSessions(collection, userId, sessionId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <div className="users-sessions" data-testid="user-sessions">
      <div className="page-header">
        <h3>Sessions</h3>
        <button
          type="button"
          className="button small danger"
          disabled={!sessions.data?.length || revoke.isPending}
          onClick={() => revoke.mutate(undefined)}
          data-testid="revoke-all-sessions"
        >
          Revoke all
        </button>
      </div>
      {sessions.isPending && <p role="status">Loading sessions…</p>}
      {sessions.isError && <ErrorBanner error={shownError(sessions.error)} />}
      <ErrorBanner error={shownError(revoke.error)} />
      {sessions.data?.length === 0 && (
        <p className="empty" data-testid="user-sessions-empty">
          No active sessions.
        </p>
      )}
      {sessions.data && sessions.data.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Sessions">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id} data-testid={`session-row-${s.id}`}>
                  <th scope="row">
                    {s.userAgent ?? "unknown"}
                    {s.impersonatedBy && <span className="muted"> (impersonation)</span>}
                  </th>
                  <td>{s.ip ?? "—"}</td>
                  <td>{new Date(s.lastUsed).toLocaleString()}</td>
                  <td>{new Date(s.expiresAt).toLocaleString()}</td>
                  <td>
                    <button
                      type="button"
                      className="button small secondary"
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate(s.id)}
                      data-testid={`revoke-session-${s.id}`}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
