// One input per field type for the record panel: what the value looks like while it is being
// edited (strings for numbers and dates, a draft for files) is the panel's business; this only
// draws it and reports changes.
import type { FieldError } from "@cairn/client";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useId, useMemo, useState } from "react";
import { admin, cairn } from "../api.js";
import {
  type CollectionField,
  isImageName,
  previewThumb,
  type RecordRow,
  toLocalInput,
  valueText,
} from "../records-fields.js";

/** A file field being edited: the stored names kept, and the files picked to upload. */
export interface FileDraft {
  kept: string[];
  added: File[];
}

interface InputProps {
  field: CollectionField;
  record: RecordRow | null;
  value: unknown;
  onChange: (value: unknown) => void;
  error: FieldError | undefined;
}

function Labelled({
  id,
  field,
  error,
  children,
  hint,
}: {
  id: string;
  field: CollectionField;
  error: FieldError | undefined;
  children: ReactNode;
  hint?: string | undefined;
}) {
  return (
    <div className="field" data-testid={`record-field-${field.name}`}>
      <label htmlFor={id}>
        {field.name} <span className="muted type-hint">{field.type}</span>
        {field.required ? <span className="muted"> · required</span> : null}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p
          id={`${id}-error`}
          className="field-error"
          data-testid={`record-field-error-${field.name}`}
        >
          {error.message}
        </p>
      )}
    </div>
  );
}

export function RecordsFieldInput(props: InputProps) {
  const { field, record, value, onChange, error } = props;
  const id = useId();
  const aria = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
    "data-testid": `record-input-${field.name}`,
  } as const;

  switch (field.type) {
    case "autodate":
      return (
        <Labelled id={id} field={field} error={error} hint="Set by the server.">
          <input
            {...aria}
            value={record ? toLocalInput(record[field.name]).replace("T", " ") : ""}
            readOnly
          />
        </Labelled>
      );
    case "bool":
      return (
        <div className="field" data-testid={`record-field-${field.name}`}>
          <label className="checkbox">
            <input
              {...aria}
              type="checkbox"
              checked={value === true}
              onChange={(event) => onChange(event.target.checked)}
            />
            {field.name}
          </label>
          {error && (
            <p id={`${id}-error`} className="field-error">
              {error.message}
            </p>
          )}
        </div>
      );
    case "number":
      return (
        <Labelled id={id} field={field} error={error}>
          <input
            {...aria}
            type="number"
            step="any"
            value={value as string}
            onChange={(event) => onChange(event.target.value)}
          />
        </Labelled>
      );
    case "date":
      return (
        <Labelled id={id} field={field} error={error} hint="Your local time; stored as UTC.">
          <input
            {...aria}
            type="datetime-local"
            step={1}
            value={value as string}
            onChange={(event) => onChange(event.target.value)}
          />
        </Labelled>
      );
    case "json":
      return (
        <Labelled id={id} field={field} error={error}>
          <textarea
            {...aria}
            rows={5}
            spellCheck={false}
            value={value as string}
            onChange={(event) => onChange(event.target.value)}
          />
        </Labelled>
      );
    case "select":
      return <SelectInput {...props} id={id} />;
    case "relation":
      return <RelationInput {...props} id={id} />;
    case "file":
      return <FileInput {...props} id={id} />;
    default:
      return (
        <Labelled id={id} field={field} error={error}>
          <input
            {...aria}
            type={field.type === "email" || field.type === "url" ? field.type : "text"}
            autoComplete="off"
            value={value as string}
            onChange={(event) => onChange(event.target.value)}
          />
        </Labelled>
      );
  }
}

function SelectInput({ field, value, onChange, error, id }: InputProps & { id: string }) {
  const options = Array.isArray(field.values) ? (field.values as string[]) : [];
  if (!field.multiple) {
    return (
      <Labelled id={id} field={field} error={error}>
        <select
          id={id}
          value={value as string}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          data-testid={`record-input-${field.name}`}
        >
          <option value="">—</option>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </Labelled>
    );
  }
  const chosen = value as string[];
  return (
    <fieldset className="records-choices" data-testid={`record-field-${field.name}`}>
      <legend>
        {field.name} <span className="muted type-hint">select</span>
      </legend>
      {options.map((option) => (
        <label key={option} className="checkbox">
          <input
            type="checkbox"
            checked={chosen.includes(option)}
            onChange={(event) =>
              onChange(
                event.target.checked
                  ? [...chosen, option]
                  : chosen.filter((other) => other !== option),
              )
            }
          />
          {option}
        </label>
      ))}
      {error && <p className="field-error">{error.message}</p>}
    </fieldset>
  );
}

/** Picks records of the target collection, searching its id and text-like fields. */
function RelationInput({ field, value, onChange, error, id }: InputProps & { id: string }) {
  const [search, setSearch] = useState("");
  const targetRef = typeof field.collection === "string" ? field.collection : "";
  const target = useQuery({
    queryKey: ["collections", targetRef, "definition"],
    queryFn: ({ signal }) => admin.collections.get(targetRef, { signal }),
    enabled: targetRef !== "",
  });
  const searchable = useMemo(
    () =>
      (target.data?.fields ?? [])
        .filter(
          (other) => ["id", "text", "email", "url"].includes(other.type) || other.name === "id",
        )
        .map((other) => other.name),
    [target.data],
  );
  const filter =
    search.trim() === ""
      ? ""
      : searchable.map((name) => cairn.filter(`${name} ~ {:q}`, { q: search.trim() })).join(" || ");
  const targetName = target.data?.name ?? "";
  const results = useQuery({
    queryKey: ["collections", targetName, "records", "picker", filter],
    queryFn: ({ signal }) =>
      cairn.collection(targetName).list({ perPage: 10, filter, sort: "-id", signal }),
    enabled: targetName !== "",
  });
  const chosen = field.multiple ? (value as string[]) : value ? [value as string] : [];
  const label = (record: RecordRow) => {
    const shown = searchable.find((name) => name !== "id" && valueText(record[name]) !== "");
    return shown ? `${valueText(record[shown])} (${record.id})` : record.id;
  };
  const pick = (recordId: string) => {
    if (!field.multiple) onChange(recordId);
    else if (!chosen.includes(recordId)) onChange([...chosen, recordId]);
  };
  const drop = (recordId: string) =>
    onChange(field.multiple ? chosen.filter((other) => other !== recordId) : "");

  return (
    <Labelled id={id} field={field} error={error}>
      <ul className="records-chips" aria-label={`${field.name} chosen`}>
        {chosen.map((recordId) => (
          <li key={recordId}>
            <code>{recordId}</code>
            <button
              type="button"
              className="button secondary small"
              onClick={() => drop(recordId)}
              aria-label={`Remove ${recordId}`}
            >
              ✕
            </button>
          </li>
        ))}
        {chosen.length === 0 && <li className="muted">None</li>}
      </ul>
      <input
        id={id}
        type="search"
        placeholder={`Search ${targetName || "records"}…`}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        data-testid={`record-input-${field.name}`}
      />
      {results.isError && <p className="field-error">{results.error.message}</p>}
      <ul className="records-picker">
        {results.data?.items.map((record) => (
          <li key={record.id}>
            <button
              type="button"
              className="records-pick"
              onClick={() => pick(record.id)}
              aria-pressed={chosen.includes(record.id)}
            >
              {label(record)}
            </button>
          </li>
        ))}
      </ul>
    </Labelled>
  );
}

/** An object URL for a picked file, revoked when it is no longer shown. */
function useObjectUrl(file: File): string {
  const url = useMemo(() => URL.createObjectURL(file), [file]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return url;
}

function NewFilePreview({ file, onRemove }: { file: File; onRemove: () => void }) {
  const url = useObjectUrl(file);
  return (
    <li className="records-file">
      {file.type.startsWith("image/") && <img src={url} alt="" className="records-preview" />}
      <span>{file.name}</span>
      <span className="muted">new</span>
      <button
        type="button"
        className="button secondary small"
        onClick={onRemove}
        aria-label={`Remove ${file.name}`}
      >
        Remove
      </button>
    </li>
  );
}

function FileInput({ field, record, value, onChange, error, id }: InputProps & { id: string }) {
  const draft = value as FileDraft;
  const thumb = previewThumb(field);
  const multiple = field.multiple === true;
  return (
    <Labelled
      id={id}
      field={field}
      error={error}
      hint={
        multiple ? "New files are added to the ones kept." : "A new file replaces the current one."
      }
    >
      <ul className="records-files-list" data-testid={`record-files-${field.name}`}>
        {record &&
          draft.kept.map((file) => (
            <li key={file} className="records-file">
              {isImageName(file) && (
                <img
                  src={cairn.files.url(record, file, thumb ? { thumb } : {})}
                  alt={file}
                  className="records-preview"
                  data-testid="record-file-preview"
                />
              )}
              <a href={cairn.files.url(record, file)} target="_blank" rel="noreferrer">
                {file}
              </a>
              <button
                type="button"
                className="button secondary small"
                onClick={() =>
                  onChange({ ...draft, kept: draft.kept.filter((other) => other !== file) })
                }
                aria-label={`Remove ${file}`}
                data-testid={`remove-file-${file}`}
              >
                Remove
              </button>
            </li>
          ))}
        {draft.added.map((file, index) => (
          <NewFilePreview
            // biome-ignore lint/suspicious/noArrayIndexKey: two picks of one name are two files.
            key={`${file.name}-${index}`}
            file={file}
            onRemove={() =>
              onChange({ ...draft, added: draft.added.filter((other) => other !== file) })
            }
          />
        ))}
      </ul>
      <input
        id={id}
        type="file"
        multiple={multiple}
        accept={
          Array.isArray(field.mimeTypes) ? (field.mimeTypes as string[]).join(",") : undefined
        }
        onChange={(event) => {
          const picked = Array.from(event.target.files ?? []);
          event.target.value = "";
          if (picked.length === 0) return;
          onChange({
            ...draft,
            added: multiple ? [...draft.added, ...picked] : picked.slice(0, 1),
          });
        }}
        aria-invalid={error ? true : undefined}
        data-testid={`record-input-${field.name}`}
      />
    </Labelled>
  );
}
