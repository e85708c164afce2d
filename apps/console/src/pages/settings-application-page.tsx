// Application settings: the app's name and URL (used in mails and links), the redirect URLs
// sign-in flows may return to, and how long events stay in the outbox.
import type { Settings } from "@cairn/client/admin";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import {
  SavedNotice,
  SettingsLoad,
  settingsKey,
  TextAreaField,
  useSettings,
} from "../components/settings-form.js";
import { shownError } from "../errors.js";

export function SettingsApplicationPage() {
  const settings = useSettings();
  return (
    <SettingsLoad query={settings}>
      {settings.data && <ApplicationForm settings={settings.data} />}
    </SettingsLoad>
  );
}

function ApplicationForm({ settings }: { settings: Settings }) {
  const queryClient = useQueryClient();
  const events = settings.events ?? {};
  const [name, setName] = useState(settings.app?.name ?? "");
  const [url, setUrl] = useState(settings.app?.url ?? "");
  const [redirectUrls, setRedirectUrls] = useState((settings.app?.redirectUrls ?? []).join("\n"));
  const [retention, setRetention] = useState(String(events.retentionHours ?? 168));
  const save = useMutation({
    mutationFn: (patch: Settings) => admin.settings.update(patch),
    onSuccess: (saved) => queryClient.setQueryData(settingsKey, saved),
  });
  const error = shownError(save.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({
      app: {
        name: name.trim(),
        url: url.trim(),
        redirectUrls: redirectUrls
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean),
      },
      // Sent as typed: a value the server refuses (empty, 0, not a number) comes back as a field
      // error; NaN travels as null.
      events: { retentionHours: Number(retention.trim() === "" ? Number.NaN : retention) },
    });
  };

  const redirectError =
    error?.fields["app.redirectUrls"] ??
    Object.entries(error?.fields ?? {}).find(([key]) => key.startsWith("app.redirectUrls."))?.[1];
  const shownFields = [
    "app.name",
    "app.url",
    "app.redirectUrls",
    "events.retentionHours",
    ...Object.keys(error?.fields ?? {}).filter((key) => key.startsWith("app.redirectUrls.")),
  ];

  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-label="Application settings"
      data-testid="settings-application-form"
      noValidate
    >
      <ErrorBanner error={error} shownFields={shownFields} testId="settings-application-error" />
      <TextField
        label="App name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        hint="Shown in mails and on the sign-in pages."
        error={error?.fields["app.name"]}
        data-testid="settings-app-name"
      />
      <TextField
        label="App URL"
        type="url"
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        placeholder="https://app.example.com"
        hint="Where your app lives; links in mails point here."
        error={error?.fields["app.url"]}
        data-testid="settings-app-url"
      />
      <TextAreaField
        label="Allowed redirect URLs"
        value={redirectUrls}
        onChange={(event) => setRedirectUrls(event.target.value)}
        rows={4}
        spellCheck={false}
        hint="One per line, e.g. acme://auth. Sign-in flows may only return to these."
        error={redirectError}
        data-testid="settings-app-redirect-urls"
      />
      <TextField
        label="Event retention (hours)"
        type="number"
        min={1}
        value={retention}
        onChange={(event) => setRetention(event.target.value)}
        hint="How long changes stay in the event outbox for realtime resume and webhooks."
        error={error?.fields["events.retentionHours"]}
        data-testid="settings-events-retention"
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="settings-application-save"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <SavedNotice show={save.isSuccess} testId="settings-application-saved" />
      </div>
    </form>
  );
}
