// Backups: "Back up now", the list of archives (status, size, date) with download links (the
// session cookie goes along) and deletion behind a confirmation, and the schedule form.
// Refreshes itself while a backup runs.
import type { BackupInfo, BackupSettings } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { admin } from "../api.js";
import { ConfirmDialog, useConfirmAction } from "../components/confirm-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { ListTable } from "../components/list-table.js";
import { CheckboxField, SavedNotice, SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";

const backupsKey = ["backups"] as const;
const backupSettingsKey = ["settings", "backups"] as const;

function formatSize(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

const statusLabels: Record<BackupInfo["status"], string> = {
  running: "Running…",
  completed: "Completed",
  failed: "Failed",
};

export function SettingsBackupsPage() {
  const settings = useQuery({
    queryKey: backupSettingsKey,
    queryFn: ({ signal }) => admin.backups.getSettings({ signal }),
  });
  return (
    <>
      <BackupsList />
      <SettingsLoad query={settings}>
        {settings.data && <ScheduleForm settings={settings.data} />}
      </SettingsLoad>
    </>
  );
}

function BackupsList() {
  const queryClient = useQueryClient();
  const backups = useQuery({
    queryKey: backupsKey,
    queryFn: ({ signal }) => admin.backups.list({ signal }),
    // A running backup finishes on the server: follow it until it does.
    refetchInterval: (query) =>
      query.state.data?.some((backup) => backup.status === "running") ? 1000 : false,
  });
  const start = useMutation({
    mutationFn: () => admin.backups.create(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: backupsKey }),
  });
  const running = backups.data?.some((backup) => backup.status === "running") ?? false;
  return (
    <section className="card settings-section" aria-label="Backups" data-testid="backups">
      <h2>Backups</h2>
      <p className="settings-intro">
        One archive of everything: the schema, every record, users and their sessions, API keys,
        webhooks, settings and the files. It is written to the file storage under{" "}
        <code>backups/</code>. Restore it with <code>cairn restore FILE</code> into a fresh instance
        (see docs/backups.md).
      </p>
      <ErrorBanner error={shownError(start.error)} />
      <div className="form-actions start">
        <button
          type="button"
          className="button"
          disabled={start.isPending || running}
          onClick={() => start.mutate()}
          data-testid="backup-now"
        >
          {start.isPending || running ? "Backing up…" : "Back up now"}
        </button>
      </div>
      <SettingsLoad query={backups}>
        <ListTable
          items={backups.data}
          label="Backups list"
          columns={["Started", "Trigger", "Status", "Size"]}
          actions
          empty="No backups yet."
          emptyTestId="backups-empty"
        >
          {(items) =>
            items.map((backup) => (
              <tr key={backup.id} data-testid={`backup-row-${backup.id}`}>
                <th scope="row">{new Date(backup.started).toLocaleString()}</th>
                <td>{backup.trigger === "scheduled" ? "Scheduled" : "Manual"}</td>
                <td data-testid="backup-status" title={backup.error ?? undefined}>
                  <span className={`backup-status backup-status-${backup.status}`}>
                    {statusLabels[backup.status]}
                  </span>
                  {backup.error && <span className="backup-error"> {backup.error}</span>}
                  {backup.missingFiles > 0 && (
                    <span className="backup-error">
                      {" "}
                      {backup.missingFiles} files were gone when read.
                    </span>
                  )}
                  {!backup.includeFiles && <span className="hint"> (without files)</span>}
                </td>
                <td data-testid="backup-size">{formatSize(backup.size)}</td>
                <td className="backup-actions">
                  {backup.status === "completed" && (
                    <a
                      className="button secondary small"
                      href={admin.backups.downloadUrl(backup.id)}
                      download
                      data-testid={`backup-download-${backup.id}`}
                    >
                      Download
                    </a>
                  )}
                  {backup.status !== "running" && <DeleteBackupDialog backup={backup} />}
                </td>
              </tr>
            ))
          }
        </ListTable>
      </SettingsLoad>
    </section>
  );
}

function DeleteBackupDialog({ backup }: { backup: BackupInfo }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => admin.backups.delete(backup.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: backupsKey }),
  });
  const confirm = useConfirmAction(remove);

  const started = new Date(backup.started).toLocaleString();
  return (
    <ConfirmDialog
      {...confirm.dialog}
      trigger={
        <button
          type="button"
          className="button danger small"
          aria-label={`Delete the backup of ${started}`}
          data-testid={`backup-delete-${backup.id}`}
        >
          Delete
        </button>
      }
      title="Delete this backup?"
      description={`The archive of ${started} is deleted from the storage. It cannot be undone.`}
      confirmLabel="Delete backup"
      pendingLabel="Deleting…"
      testId="backup-delete-dialog"
      confirmTestId="backup-delete-confirm"
    />
  );
}

function ScheduleForm({ settings }: { settings: BackupSettings }) {
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [intervalHours, setIntervalHours] = useState(String(settings.intervalHours));
  const [keep, setKeep] = useState(String(settings.keep));
  const [includeFiles, setIncludeFiles] = useState(settings.includeFiles);
  const save = useMutation({
    mutationFn: (patch: Partial<BackupSettings>) => admin.backups.updateSettings(patch),
    onSuccess: (next) => queryClient.setQueryData(backupSettingsKey, next),
  });
  const error = shownError(save.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({
      enabled,
      intervalHours: Number(intervalHours),
      keep: Number(keep),
      includeFiles,
    });
  };
  return (
    <form
      className="card form settings-section"
      onSubmit={submit}
      aria-label="Backup schedule"
      data-testid="backup-schedule"
      noValidate
    >
      <h2>Schedule</h2>
      <ErrorBanner
        error={error}
        shownFields={["enabled", "intervalHours", "keep", "includeFiles"]}
      />
      <CheckboxField
        label="Back up on a schedule"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
        error={error?.fields.enabled}
        data-testid="backup-enabled"
      />
      <TextField
        label="Every (hours)"
        type="number"
        min={1}
        value={intervalHours}
        onChange={(event) => setIntervalHours(event.target.value)}
        hint="A backup starts this long after the last one started (24 = daily)."
        error={error?.fields.intervalHours}
        data-testid="backup-interval"
      />
      <TextField
        label="Keep"
        type="number"
        min={1}
        value={keep}
        onChange={(event) => setKeep(event.target.value)}
        hint="Completed backups kept; older ones are deleted, manual ones included."
        error={error?.fields.keep}
        data-testid="backup-keep"
      />
      <CheckboxField
        label="Include the files"
        checked={includeFiles}
        onChange={(event) => setIncludeFiles(event.target.checked)}
        error={error?.fields.includeFiles}
        data-testid="backup-include-files"
      />
      <div className="form-actions">
        <SavedNotice show={save.isSuccess} testId="backup-schedule-saved" />
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="backup-schedule-save"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
