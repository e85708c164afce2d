// The side panel that creates or edits one record: an input per field, the server's field
// errors beside them. It owns the form state and turns it into one create or update call; file
// fields upload by passing File objects, and a multiple field appends with "field+".
import type { FieldError } from "@cairn/client";
import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { cairn } from "../api.js";
import { shownError } from "../errors.js";
import {
  type CollectionField,
  fileNames,
  type RecordRow,
  toLocalInput,
} from "../records-fields.js";
import { ErrorBanner } from "./error-banner.js";
import { type FileDraft, RecordsFieldInput } from "./records-field-input.js";

type Editing = { mode: "create" } | { mode: "edit"; record: RecordRow } | null;

export function RecordsPanel({
  collection,
  fields,
  editing,
  onClose,
}: {
  collection: string;
  fields: CollectionField[];
  editing: Editing;
  onClose: () => void;
}) {
  return (
    <Dialog.Root open={editing !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="sheet" data-testid="record-panel" aria-describedby={undefined}>
          {editing && (
            <RecordForm
              // A fresh form for each record opened.
              key={editing.mode === "edit" ? editing.record.id : "new"}
              collection={collection}
              fields={fields}
              record={editing.mode === "edit" ? editing.record : null}
              onDone={onClose}
            />
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

const EMPTY: string[] = [];

/** Fields the form edits: not the id, not what the server sets. */
function editable(field: CollectionField): boolean {
  return field.name !== "id" && field.type !== "autodate";
}

function initialValue(field: CollectionField, record: RecordRow | null): unknown {
  const value = record?.[field.name];
  switch (field.type) {
    case "bool":
      return value === true;
    case "number":
      return typeof value === "number" ? String(value) : "";
    case "date":
      return toLocalInput(value);
    case "json":
      return value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
    case "select":
    case "relation":
      if (field.multiple) return Array.isArray(value) ? value : EMPTY;
      return typeof value === "string" ? value : "";
    case "file":
      return { kept: fileNames(value), added: [] } satisfies FileDraft;
    default:
      return value === undefined || value === null ? "" : String(value);
  }
}

/** The form's value as the API takes it; a local error (bad JSON) when it cannot be sent. */
function bodyValue(
  field: CollectionField,
  value: unknown,
  record: RecordRow | null,
): { set: Record<string, unknown> } | { error: string } {
  const name = field.name;
  switch (field.type) {
    case "number":
      return { set: { [name]: value === "" ? null : Number(value) } };
    case "date":
      return { set: { [name]: value === "" ? null : new Date(value as string).toISOString() } };
    case "json": {
      if ((value as string).trim() === "") return { set: { [name]: null } };
      try {
        return { set: { [name]: JSON.parse(value as string) } };
      } catch (error) {
        return { error: `Not valid JSON: ${(error as Error).message}` };
      }
    }
    case "select":
    case "relation":
      return { set: { [name]: value === "" ? null : value } };
    case "file": {
      const draft = value as FileDraft;
      if (!record) {
        if (draft.added.length === 0) return { set: {} };
        return { set: { [name]: field.multiple ? draft.added : draft.added[0] } };
      }
      const before = fileNames(record[name]);
      const removed = before.filter((file) => !draft.kept.includes(file));
      if (!field.multiple) {
        if (draft.added.length > 0) return { set: { [name]: draft.added[0] } };
        return { set: removed.length > 0 ? { [name]: null } : {} };
      }
      const set: Record<string, unknown> = {};
      if (removed.length > 0) set[`${name}-`] = removed;
      if (draft.added.length > 0) set[`${name}+`] = draft.added;
      return { set };
    }
    default:
      return { set: { [name]: value } };
  }
}

function RecordForm({
  collection,
  fields,
  record,
  onDone,
}: {
  collection: string;
  fields: CollectionField[];
  record: RecordRow | null;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(fields.map((field) => [field.name, initialValue(field, record)])),
  );
  // Only what changed is sent: an update stays a small PATCH, and a create leaves untouched
  // fields to the server's defaults.
  const [initial] = useState(values);
  const [localErrors, setLocalErrors] = useState<Record<string, FieldError>>({});
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      record
        ? cairn.collection(collection).update(record.id, body)
        : cairn.collection(collection).create(body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["collections", collection, "records"] });
      onDone();
    },
  });
  const error = shownError(save.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    const problems: Record<string, FieldError> = {};
    for (const field of fields.filter(editable)) {
      if (field.type !== "file" && values[field.name] === initial[field.name]) continue;
      const result = bodyValue(field, values[field.name], record);
      if ("error" in result) problems[field.name] = { code: "invalid", message: result.error };
      else Object.assign(body, result.set);
    }
    setLocalErrors(problems);
    if (Object.keys(problems).length === 0) save.mutate(body);
  };

  const fieldError = (name: string) => localErrors[name] ?? error?.fields[name];
  const shownFields = fields.flatMap((field) => [field.name, `${field.name}+`, `${field.name}-`]);

  return (
    <form onSubmit={submit} className="sheet-form" aria-label="Record" noValidate>
      <div className="sheet-header">
        <Dialog.Title>{record ? `Edit record` : `New ${collection} record`}</Dialog.Title>
        <Dialog.Close asChild>
          <button type="button" className="button secondary small" aria-label="Close">
            ✕
          </button>
        </Dialog.Close>
      </div>
      <div className="sheet-body">
        {record && (
          <p className="muted" data-testid="record-panel-id">
            id <code>{record.id}</code>
          </p>
        )}
        <ErrorBanner error={error} shownFields={shownFields} testId="record-panel-error" />
        {fields
          // Autodates have nothing to show until the server has set them.
          .filter((field) => field.name !== "id" && (record || field.type !== "autodate"))
          .map((field) => (
            <RecordsFieldInput
              key={field.name}
              field={field}
              record={record}
              value={values[field.name]}
              onChange={(value) => {
                setValues((all) => ({ ...all, [field.name]: value }));
                // A local error (bad JSON) is about the old value.
                setLocalErrors(({ [field.name]: _, ...rest }) => rest);
              }}
              error={fieldError(field.name) ?? fieldError(`${field.name}+`)}
            />
          ))}
      </div>
      <div className="form-actions sheet-footer">
        <Dialog.Close asChild>
          <button type="button" className="button secondary">
            Cancel
          </button>
        </Dialog.Close>
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          data-testid="save-record"
        >
          {save.isPending ? "Saving…" : record ? "Save changes" : "Create record"}
        </button>
      </div>
    </form>
  );
}
