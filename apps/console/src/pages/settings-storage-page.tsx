// Storage settings: where new files go, local disk or an S3 bucket. "Test connection" tries the
// form's values without saving (the mask still means the stored secret) and shows the server's
// own words when the check fails; saving does not check the bucket.
import type { StorageSettings, StorageSettingsPatch } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { CheckboxField, SavedNotice, SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";

const storageKey = ["settings", "storage"] as const;

export function SettingsStoragePage() {
  const storage = useQuery({
    queryKey: storageKey,
    queryFn: ({ signal }) => admin.storage.get({ signal }),
  });
  return (
    <SettingsLoad query={storage}>
      {storage.data && <StorageForm stored={storage.data} />}
    </SettingsLoad>
  );
}

function StorageForm({ stored }: { stored: StorageSettings }) {
  const queryClient = useQueryClient();
  const kindId = useId();
  const [kind, setKind] = useState(stored.kind);
  const [s3, setS3] = useState(stored.s3);
  const set = (patch: Partial<StorageSettings["s3"]>) => {
    setS3((current) => ({ ...current, ...patch }));
    test.reset();
  };
  const patch = (): StorageSettingsPatch => ({ kind, s3 });
  const save = useMutation({
    mutationFn: (input: StorageSettingsPatch) => admin.storage.update(input),
    onSuccess: (saved) => {
      queryClient.setQueryData(storageKey, saved);
      setS3(saved.s3);
    },
  });
  const test = useMutation({
    mutationFn: (input: StorageSettingsPatch) => admin.storage.test(input),
  });
  // The last action's error is the one the fields show.
  const error = shownError(save.error ?? test.error);
  const fieldError = (key: keyof StorageSettings["s3"]) => error?.fields[`s3.${key}`];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    test.reset();
    save.mutate(patch());
  };

  return (
    <form
      className="card form"
      onSubmit={submit}
      aria-label="Storage settings"
      data-testid="settings-storage-form"
      noValidate
    >
      <ErrorBanner
        error={error}
        shownFields={[
          "kind",
          "s3.endpoint",
          "s3.region",
          "s3.bucket",
          "s3.accessKeyId",
          "s3.secretAccessKey",
          "s3.forcePathStyle",
        ]}
        testId="settings-storage-error"
      />
      <div className="field">
        <label htmlFor={kindId}>Store new files in</label>
        <select
          id={kindId}
          value={kind}
          onChange={(event) => {
            setKind(event.target.value as StorageSettings["kind"]);
            test.reset();
          }}
          aria-describedby={`${kindId}-hint`}
          data-testid="settings-storage-kind"
        >
          <option value="local">Local disk</option>
          <option value="s3">S3-compatible bucket</option>
        </select>
        <p id={`${kindId}-hint`} className="hint">
          Files stored before a switch stay where they are and remain readable.
        </p>
        {error?.fields.kind && <p className="field-error">{error.fields.kind.message}</p>}
      </div>
      {kind === "s3" && (
        <fieldset className="settings-fieldset">
          <legend>S3</legend>
          <TextField
            label="Endpoint"
            type="url"
            value={s3.endpoint}
            onChange={(event) => set({ endpoint: event.target.value })}
            placeholder="https://s3.example.com"
            hint="Leave empty for AWS S3."
            error={fieldError("endpoint")}
            data-testid="settings-s3-endpoint"
          />
          <TextField
            label="Region"
            value={s3.region}
            onChange={(event) => set({ region: event.target.value })}
            error={fieldError("region")}
            data-testid="settings-s3-region"
          />
          <TextField
            label="Bucket"
            value={s3.bucket}
            onChange={(event) => set({ bucket: event.target.value })}
            spellCheck={false}
            error={fieldError("bucket")}
            data-testid="settings-s3-bucket"
          />
          <TextField
            label="Access key id"
            value={s3.accessKeyId}
            onChange={(event) => set({ accessKeyId: event.target.value })}
            autoComplete="off"
            spellCheck={false}
            error={fieldError("accessKeyId")}
            data-testid="settings-s3-access-key"
          />
          <TextField
            label="Secret access key"
            type="password"
            value={s3.secretAccessKey}
            onChange={(event) => set({ secretAccessKey: event.target.value })}
            autoComplete="new-password"
            hint="A stored secret shows as dots; leave them to keep it."
            error={fieldError("secretAccessKey")}
            data-testid="settings-s3-secret"
          />
          <CheckboxField
            label="Path-style URLs (MinIO and most self-hosted servers)"
            checked={s3.forcePathStyle}
            onChange={(event) => set({ forcePathStyle: event.target.checked })}
            error={fieldError("forcePathStyle")}
            data-testid="settings-s3-path-style"
          />
        </fieldset>
      )}
      {test.isSuccess && (
        <p className="notice" role="status" data-testid="settings-storage-test-ok">
          Connection works ({test.data.kind === "s3" ? "S3 bucket" : "local disk"}).
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button secondary"
          disabled={test.isPending}
          onClick={() => {
            save.reset();
            test.mutate(patch());
          }}
          data-testid="settings-storage-test"
        >
          {test.isPending ? "Testing…" : "Test connection"}
        </button>
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="settings-storage-save"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <SavedNotice show={save.isSuccess} testId="settings-storage-saved" />
      </div>
    </form>
  );
}
