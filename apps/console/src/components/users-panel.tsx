// One app user, seen by a superuser: edit email/verified, password reset mail, sessions (revoke one
// or all), MFA reset, disable/enable, impersonation and delete. The impersonation token is shown
// once in a dialog, never put in a URL (it would land in history and logs).
import { createClient, memoryStorage } from "@cairn/client";
import type { DisabledUser } from "@cairn/client/admin";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { admin, cairn } from "../api.js";
import { shownError } from "../errors.js";
import { ConfirmDialog } from "./confirm-dialog.js";
import { ErrorBanner } from "./error-banner.js";
import { TextField } from "./form-field.js";
import { ListTable } from "./list-table.js";
import { SecretDialog } from "./secret-dialog.js";

export interface UserRow {
  id: string;
  email: string;
  verified: boolean;
  created: string;
}

function usersKey(collection: string) {
  return ["collections", collection, "records"] as const;
}

/** The disabled lookups of a collection (the list's pages); invalidated on disable and enable. */
export function usersDisabledKey(collection: string) {
  return ["users", collection, "disabled"] as const;
}

export function UserPanel({
  collection,
  user,
  disabled,
  onClose,
}: {
  collection: string;
  user: UserRow;
  /** Set when the user is disabled. */
  disabled: DisabledUser | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(user.email);
  const [verified, setVerified] = useState(user.verified);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmMfa, setConfirmMfa] = useState(false);
  const [confirmDisable, setConfirmDisable] = useState(false);
  const [reason, setReason] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: usersKey(collection) });
  // The disabled lookups and this user's sessions both live under ["users", collection].
  const invalidateUsers = () => queryClient.invalidateQueries({ queryKey: ["users", collection] });

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
    onSuccess: () => {
      setConfirmMfa(false);
      setNotice("MFA reset: the user has no authenticator now.");
    },
  });
  const disable = useMutation({
    mutationFn: () =>
      admin.users.disable(collection, user.id, reason.trim() ? { reason: reason.trim() } : {}),
    onSuccess: async (result) => {
      setConfirmDisable(false);
      setReason("");
      setNotice(
        `Disabled: ${result.sessionsRevoked} ${result.sessionsRevoked === 1 ? "session" : "sessions"} signed out.`,
      );
      await invalidateUsers();
    },
  });
  const enable = useMutation({
    mutationFn: () => admin.users.enable(collection, user.id),
    onSuccess: async () => {
      setNotice("Enabled: the user can sign in again.");
      await invalidateUsers();
    },
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
  const actionError = shownError(resetMail.error ?? impersonate.error ?? enable.error);

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
        <h2>
          {user.email || user.id}
          {disabled && (
            <span className="users-disabled-badge" data-testid="user-panel-disabled-badge">
              Disabled
            </span>
          )}
        </h2>
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      {disabled && (
        <p className="users-disabled-note" data-testid="user-disabled-info">
          Disabled {new Date(disabled.disabledAt).toLocaleString()} by{" "}
          {disabled.disabledBy.replace(/^superuser:/, "")}
          {disabled.reason ? `: “${disabled.reason}”.` : "."} They cannot sign in by any method.
        </p>
      )}
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
          onClick={() => setConfirmMfa(true)}
          data-testid="user-reset-mfa"
        >
          Reset MFA
        </button>
        <button
          type="button"
          className="button secondary"
          // The server refuses to open a session for a disabled user.
          disabled={impersonate.isPending || disabled !== null}
          onClick={() => impersonate.mutate()}
          data-testid="user-impersonate"
        >
          Impersonate
        </button>
        {disabled ? (
          <button
            type="button"
            className="button secondary"
            disabled={enable.isPending}
            onClick={() => {
              setNotice(null);
              enable.mutate();
            }}
            data-testid="user-enable"
          >
            {enable.isPending ? "Enabling…" : "Enable"}
          </button>
        ) : (
          <button
            type="button"
            className="button danger"
            onClick={() => setConfirmDisable(true)}
            data-testid="user-disable"
          >
            Disable
          </button>
        )}
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

      <SecretDialog
        title={`Session as ${user.email || user.id}`}
        description={
          <>
            A session token for this user, valid until{" "}
            {impersonate.data && new Date(impersonate.data.expiresAt).toLocaleString()} and never
            extended. Use it in a client of its own (<code>asUser.auth.setSession(…)</code> or{" "}
            <code>Authorization: Bearer …</code>). It is shown only now.
          </>
        }
        value={impersonate.data?.token ?? null}
        label="Session token"
        onClose={() => impersonate.reset()}
        testId="impersonate-token"
      />

      <ConfirmDialog
        open={confirmDisable}
        onOpenChange={(next) => {
          if (!next) {
            setConfirmDisable(false);
            disable.reset();
          }
        }}
        title="Disable this user?"
        description={
          <>
            {user.email || user.id} is signed out of every session now and cannot sign in again
            (password, code, link, OAuth2) until you enable them. Their data stays.
          </>
        }
        error={disable.error}
        pending={disable.isPending}
        confirmLabel="Disable"
        pendingLabel="Disabling…"
        onConfirm={() => disable.mutate()}
        testId="disable-user-dialog"
        confirmTestId="confirm-disable-user"
      >
        <label className="users-reason">
          Reason (optional, for other admins)
          <textarea
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
            data-testid="disable-user-reason"
          />
        </label>
      </ConfirmDialog>

      <ConfirmDialog
        open={confirmMfa}
        onOpenChange={(next) => {
          if (!next) {
            setConfirmMfa(false);
            resetMfa.reset();
          }
        }}
        title="Reset MFA?"
        description={
          <>
            The authenticator and recovery codes of {user.email || user.id} are removed. Where the
            collection requires MFA, they set up a new one at their next sign-in.
          </>
        }
        error={resetMfa.error}
        pending={resetMfa.isPending}
        confirmLabel="Reset MFA"
        pendingLabel="Resetting…"
        onConfirm={() => resetMfa.mutate()}
        testId="reset-mfa-dialog"
        confirmTestId="confirm-reset-mfa"
      />

      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={(next) => {
          if (!next) {
            setConfirmDelete(false);
            remove.reset();
          }
        }}
        title="Delete this user?"
        description={
          <>
            {user.email || user.id} and their sessions are deleted from “{collection}”.
          </>
        }
        error={remove.error}
        pending={remove.isPending}
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        onConfirm={() => remove.mutate()}
        testId="delete-user-dialog"
        confirmTestId="confirm-delete-user"
      />
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
      <ListTable
        items={sessions.data}
        label="Sessions"
        columns={["Device", "IP", "Last used", "Expires"]}
        actions
        empty="No active sessions."
        emptyTestId="user-sessions-empty"
      >
        {(items) =>
          items.map((s) => (
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
          ))
        }
      </ListTable>
    </div>
  );
}
