// The `logs` setting on the Logs page: whether requests are stored, and for how many days.
import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { admin } from "../api.js";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";
import { TextField } from "./form-field.js";
import { CheckboxField, SettingsLoad, settingsKey } from "./settings-form.js";

/** The stored `logs` setting, with its defaults until the server answers otherwise. */
export function useLogSettings() {
  const settings = useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => admin.settings.get({ signal }),
  });
  return {
    query: settings,
    enabled: settings.data?.logs?.enabled ?? true,
    retentionDays: settings.data?.logs?.retentionDays ?? 7,
  };
}

export function LogSettingsDialog() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const current = useLogSettings();
  const [enabled, setEnabled] = useState(true);
  const [retention, setRetention] = useState("7");
  useEffect(() => {
    if (!open) return;
    setEnabled(current.enabled);
    setRetention(String(current.retentionDays));
  }, [open, current.enabled, current.retentionDays]);
  const save = useMutation({
    mutationFn: () =>
      admin.settings.update({ logs: { enabled, retentionDays: Number(retention) } }),
    onSuccess: (answer) => {
      queryClient.setQueryData(settingsKey, answer);
      setOpen(false);
    },
  });
  const error = shownError(save.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) save.reset();
      }}
    >
      <Dialog.Trigger asChild>
        <button type="button" className="button secondary" data-testid="logs-settings-open">
          Log settings
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog card" data-testid="logs-settings-dialog">
          <Dialog.Title>Log settings</Dialog.Title>
          <Dialog.Description className="hint">
            Requests are stored in the database and kept this many days; older ones are removed
            hourly.
          </Dialog.Description>
          <SettingsLoad query={current.query}>
            <form className="form" onSubmit={submit} noValidate>
              <ErrorBanner
                error={error}
                shownFields={["logs.enabled", "logs.retentionDays"]}
                testId="logs-settings-error"
              />
              <CheckboxField
                label="Store requests"
                checked={enabled}
                onChange={(event) => setEnabled(event.target.checked)}
                error={error?.fields["logs.enabled"]}
                data-testid="logs-settings-enabled"
              />
              <TextField
                label="Keep for (days)"
                type="number"
                min={1}
                max={90}
                value={retention}
                onChange={(event) => setRetention(event.target.value)}
                hint="From 1 to 90 days."
                error={error?.fields["logs.retentionDays"]}
                data-testid="logs-settings-retention"
              />
              <div className="dialog-actions">
                <Dialog.Close asChild>
                  <button type="button" className="button secondary">
                    Cancel
                  </button>
                </Dialog.Close>
                <button
                  type="submit"
                  className="button"
                  disabled={save.isPending}
                  data-testid="logs-settings-save"
                >
                  {save.isPending ? "Saving…" : "Save"}
                </button>
              </div>
            </form>
          </SettingsLoad>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
