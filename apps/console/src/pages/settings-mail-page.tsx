// Mail settings: the SMTP server (its password reads masked and the mask sent back keeps it),
// a test mail sent with the saved settings, and the dev mailbox that catches mails while SMTP
// is off.
import type { MailboxEntry, Settings } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import {
  CheckboxField,
  SavedNotice,
  SettingsLoad,
  settingsKey,
  useSettings,
} from "../components/settings-form.js";
import { shownError } from "../errors.js";

interface Smtp {
  enabled: boolean;
  host: string;
  port: number;
  secure: boolean;
  username: string;
  password: string;
  fromName: string;
  fromAddress: string;
}

const mailboxKey = ["mailbox"] as const;

export function SettingsMailPage() {
  const settings = useSettings();
  return (
    <SettingsLoad query={settings}>
      {settings.data && (
        <>
          <SmtpForm settings={settings.data} />
          <TestMailForm />
          {!(settings.data.smtp as Partial<Smtp> | undefined)?.enabled && <Mailbox />}
        </>
      )}
    </SettingsLoad>
  );
}

function SmtpForm({ settings }: { settings: Settings }) {
  const queryClient = useQueryClient();
  const stored = (settings.smtp ?? {}) as Partial<Smtp>;
  const [smtp, setSmtp] = useState({
    enabled: stored.enabled ?? false,
    host: stored.host ?? "",
    port: String(stored.port ?? 587),
    secure: stored.secure ?? false,
    username: stored.username ?? "",
    password: stored.password ?? "",
    fromName: stored.fromName ?? "",
    fromAddress: stored.fromAddress ?? "",
  });
  const set = (patch: Partial<typeof smtp>) => setSmtp((current) => ({ ...current, ...patch }));
  const save = useMutation({
    mutationFn: (patch: Settings) => admin.settings.update(patch),
    onSuccess: (saved) => queryClient.setQueryData(settingsKey, saved),
  });
  const error = shownError(save.error);
  const fieldError = (key: keyof Smtp) => error?.fields[`smtp.${key}`];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({
      smtp: { ...smtp, port: smtp.port.trim() === "" ? smtp.port : Number(smtp.port) },
    });
  };

  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label="SMTP settings"
      data-testid="settings-smtp-form"
      noValidate
    >
      <h2>SMTP server</h2>
      <p className="hint">While SMTP is off, mails go to the dev mailbox below.</p>
      <ErrorBanner
        error={error}
        shownFields={[
          "smtp.enabled",
          "smtp.host",
          "smtp.port",
          "smtp.secure",
          "smtp.username",
          "smtp.password",
          "smtp.fromName",
          "smtp.fromAddress",
        ]}
      />
      <CheckboxField
        label="Send mail through SMTP"
        checked={smtp.enabled}
        onChange={(event) => set({ enabled: event.target.checked })}
        error={fieldError("enabled")}
        data-testid="settings-smtp-enabled"
      />
      <TextField
        label="Host"
        value={smtp.host}
        onChange={(event) => set({ host: event.target.value })}
        placeholder="smtp.example.com"
        error={fieldError("host")}
        data-testid="settings-smtp-host"
      />
      <TextField
        label="Port"
        type="number"
        value={smtp.port}
        onChange={(event) => set({ port: event.target.value })}
        error={fieldError("port")}
        data-testid="settings-smtp-port"
      />
      <CheckboxField
        label="Implicit TLS (port 465)"
        checked={smtp.secure}
        onChange={(event) => set({ secure: event.target.checked })}
        error={fieldError("secure")}
        data-testid="settings-smtp-secure"
      />
      <TextField
        label="Username"
        value={smtp.username}
        onChange={(event) => set({ username: event.target.value })}
        autoComplete="off"
        error={fieldError("username")}
        data-testid="settings-smtp-username"
      />
      <TextField
        label="Password"
        type="password"
        value={smtp.password}
        onChange={(event) => set({ password: event.target.value })}
        autoComplete="new-password"
        hint="A stored password shows as dots; leave them to keep it."
        error={fieldError("password")}
        data-testid="settings-smtp-password"
      />
      <TextField
        label="From name"
        value={smtp.fromName}
        onChange={(event) => set({ fromName: event.target.value })}
        error={fieldError("fromName")}
        data-testid="settings-smtp-from-name"
      />
      <TextField
        label="From address"
        type="email"
        value={smtp.fromAddress}
        onChange={(event) => set({ fromAddress: event.target.value })}
        error={fieldError("fromAddress")}
        data-testid="settings-smtp-from-address"
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="settings-smtp-save"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <SavedNotice show={save.isSuccess} testId="settings-smtp-saved" />
      </div>
    </form>
  );
}

function TestMailForm() {
  const queryClient = useQueryClient();
  const [to, setTo] = useState("");
  const send = useMutation({
    mutationFn: (input: { to: string }) => admin.settings.testMail(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailboxKey }),
  });
  const error = shownError(send.error);
  return (
    <form
      className="card form settings-section"
      onSubmit={(event) => {
        event.preventDefault();
        send.mutate({ to: to.trim() });
      }}
      aria-label="Send a test mail"
      data-testid="settings-test-mail-form"
      noValidate
    >
      <h2>Send a test mail</h2>
      <p className="hint">Uses the saved settings.</p>
      <ErrorBanner error={error} shownFields={["to"]} testId="settings-test-mail-error" />
      <TextField
        label="Recipient"
        type="email"
        value={to}
        onChange={(event) => setTo(event.target.value)}
        placeholder="me@example.com"
        error={error?.fields.to}
        data-testid="settings-test-mail-to"
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={send.isPending}
          data-testid="settings-test-mail-send"
        >
          {send.isPending ? "Sending…" : "Send test mail"}
        </button>
        {send.isSuccess && (
          <p className="notice" role="status" data-testid="settings-test-mail-sent">
            Sent.
          </p>
        )}
      </div>
    </form>
  );
}

function Mailbox() {
  const queryClient = useQueryClient();
  const [openId, setOpenId] = useState<number | null>(null);
  const mailbox = useQuery({
    queryKey: mailboxKey,
    queryFn: ({ signal }) => admin.mailbox.list({ limit: 50 }, { signal }),
  });
  const clear = useMutation({
    mutationFn: () => admin.mailbox.clear(),
    onSuccess: () => {
      setOpenId(null);
      return queryClient.invalidateQueries({ queryKey: mailboxKey });
    },
  });
  const open = mailbox.data?.items.find((entry) => entry.id === openId);

  return (
    <section className="card settings-section" aria-label="Dev mailbox" data-testid="mailbox">
      <div className="settings-section-header">
        <h2>Dev mailbox</h2>
        <div className="form-actions">
          <button
            type="button"
            className="button secondary small"
            onClick={() => void mailbox.refetch()}
            disabled={mailbox.isFetching}
            data-testid="mailbox-refresh"
          >
            Refresh
          </button>
          <button
            type="button"
            className="button danger small"
            onClick={() => clear.mutate()}
            disabled={clear.isPending || !mailbox.data?.items.length}
            data-testid="mailbox-clear"
          >
            Clear
          </button>
        </div>
      </div>
      <ErrorBanner error={shownError(mailbox.error ?? clear.error)} />
      {mailbox.isPending && <p role="status">Loading…</p>}
      {mailbox.data && mailbox.data.items.length === 0 && (
        <p className="empty" data-testid="mailbox-empty">
          No mails.
        </p>
      )}
      {mailbox.data && mailbox.data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Mailbox">
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Template</th>
                <th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {mailbox.data.items.map((entry) => (
                <tr key={entry.id} data-testid={`mailbox-row-${entry.id}`}>
                  <td>{entry.to}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setOpenId(entry.id === openId ? null : entry.id)}
                      aria-expanded={entry.id === openId}
                      data-testid="mailbox-open"
                    >
                      {entry.subject}
                    </button>
                  </td>
                  <td>{entry.template}</td>
                  <td>{new Date(entry.at).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <MailView entry={open} />}
    </section>
  );
}

function MailView({ entry }: { entry: MailboxEntry }) {
  return (
    <article className="mail-view" aria-label={`Mail: ${entry.subject}`} data-testid="mailbox-view">
      <h3>{entry.subject}</h3>
      <p className="hint">
        To {entry.to}, {new Date(entry.at).toLocaleString()}
      </p>
      {/* The text part: never the HTML, which would run in the console's origin. */}
      <pre className="mail-text">{entry.text}</pre>
    </article>
  );
}
