// Create a collection: name, type and a basic field editor (name, type, required). Options a
// field type needs (select values, relation targets) come with the full field editor later, so
// those types are not offered yet.
import type { CollectionInput, FieldDefinition } from "@cairn/client/admin";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { admin } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { shownError } from "../errors.js";
import { collectionsKey } from "./collections-page.js";

const fieldTypes = [
  "text",
  "number",
  "bool",
  "email",
  "url",
  "date",
  "autodate",
  "json",
  "file",
] as const satisfies readonly FieldDefinition["type"][];

type CollectionType = NonNullable<CollectionInput["type"]>;

const typeHelp: Record<CollectionType, string> = {
  base: "Records with the fields you define.",
  auth: "Users who sign in: email, password and verification fields are added for you.",
  view: "Read-only records from a SQL query over other collections.",
};

interface FieldRow {
  key: number;
  name: string;
  type: FieldDefinition["type"];
  required: boolean;
}

export function CollectionNewPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const nextKey = useRef(1);
  const [name, setName] = useState("");
  const [type, setType] = useState<CollectionType>("base");
  const [viewQuery, setViewQuery] = useState("");
  const [fields, setFields] = useState<FieldRow[]>([
    { key: 0, name: "", type: "text", required: false },
  ]);
  const create = useMutation({
    mutationFn: (input: CollectionInput) => admin.collections.create(input),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: collectionsKey });
      void navigate("/collections");
    },
  });
  const error = shownError(create.error);
  const typeId = useId();
  const viewQueryId = useId();

  const addField = () => {
    const key = nextKey.current++;
    setFields((rows) => [...rows, { key, name: "", type: "text", required: false }]);
  };
  const updateField = (key: number, patch: Partial<FieldRow>) =>
    setFields((rows) => rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const removeField = (key: number) => setFields((rows) => rows.filter((row) => row.key !== key));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: CollectionInput = { name: name.trim(), type };
    if (type === "view") input.viewQuery = viewQuery;
    else {
      // Rows left blank are ignored rather than reported: they are the editor's spare row.
      input.fields = fields
        .filter((row) => row.name.trim() !== "")
        .map((row) => ({ name: row.name.trim(), type: row.type, required: row.required }));
    }
    create.mutate(input);
  };

  // Field errors come back keyed by the position sent, which skips blank rows.
  const sentIndex = new Map<number, number>();
  for (const row of fields) {
    if (row.name.trim() !== "") sentIndex.set(row.key, sentIndex.size);
  }
  const fieldError = (row: FieldRow, key: string) => {
    const index = sentIndex.get(row.key);
    return index === undefined ? undefined : error?.fields[`fields.${index}.${key}`];
  };
  const shownFields = ["name", "type", "viewQuery"];
  for (const index of sentIndex.values()) {
    shownFields.push(`fields.${index}.name`, `fields.${index}.type`);
  }

  return (
    <>
      <div className="page-header">
        <h1>New collection</h1>
      </div>
      <form
        className="card form"
        onSubmit={submit}
        data-testid="collection-form"
        aria-label="New collection"
        noValidate
      >
        <ErrorBanner error={error} shownFields={shownFields} />
        <TextField
          label="Name"
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          autoFocus
          autoComplete="off"
          spellCheck={false}
          hint="Letters, digits and underscores, e.g. posts. It names the table and the API path."
          error={error?.fields.name}
          data-testid="collection-name"
        />
        <div className="field">
          <label htmlFor={typeId}>Type</label>
          <select
            id={typeId}
            value={type}
            onChange={(event) => setType(event.target.value as CollectionType)}
            aria-describedby={`${typeId}-hint`}
            data-testid="collection-type"
          >
            <option value="base">Base</option>
            <option value="auth">Auth</option>
            <option value="view">View</option>
          </select>
          <p id={`${typeId}-hint`} className="hint">
            {typeHelp[type]}
          </p>
          {error?.fields.type && <p className="field-error">{error.fields.type.message}</p>}
        </div>

        {type === "view" ? (
          <div className="field">
            <label htmlFor={viewQueryId}>View query</label>
            <textarea
              id={viewQueryId}
              value={viewQuery}
              onChange={(event) => setViewQuery(event.target.value)}
              rows={5}
              spellCheck={false}
              placeholder="SELECT id, title FROM posts"
              aria-invalid={error?.fields.viewQuery ? true : undefined}
              aria-describedby={error?.fields.viewQuery ? `${viewQueryId}-error` : undefined}
              data-testid="collection-view-query"
            />
            {error?.fields.viewQuery && (
              <p id={`${viewQueryId}-error`} className="field-error">
                {error.fields.viewQuery.message}
              </p>
            )}
          </div>
        ) : (
          <fieldset className="fields-editor" data-testid="collection-fields">
            <legend>Fields</legend>
            <p className="hint">
              id, created and updated are added to every collection
              {type === "auth" ? ", and the sign-in fields to auth collections" : ""}.
            </p>
            {fields.length === 0 && <p className="muted">No fields yet.</p>}
            <ol className="field-rows">
              {fields.map((row, position) => (
                <FieldRowEditor
                  key={row.key}
                  row={row}
                  position={position + 1}
                  nameError={fieldError(row, "name")?.message}
                  typeError={fieldError(row, "type")?.message}
                  onChange={(patch) => updateField(row.key, patch)}
                  onRemove={() => removeField(row.key)}
                />
              ))}
            </ol>
            <button
              type="button"
              className="button secondary"
              onClick={addField}
              data-testid="add-field"
            >
              Add field
            </button>
          </fieldset>
        )}

        <div className="form-actions">
          <Link to="/collections" className="button secondary">
            Cancel
          </Link>
          <button
            type="submit"
            className="button"
            disabled={create.isPending}
            data-testid="create-collection"
          >
            {create.isPending ? "Creating…" : "Create collection"}
          </button>
        </div>
      </form>
    </>
  );
}

function FieldRowEditor({
  row,
  position,
  nameError,
  typeError,
  onChange,
  onRemove,
}: {
  row: FieldRow;
  position: number;
  nameError: string | undefined;
  typeError: string | undefined;
  onChange: (patch: Partial<FieldRow>) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const label = row.name.trim() || `field ${position}`;
  return (
    <li className="field-row" data-testid="field-row">
      <div className="field">
        <label htmlFor={`${id}-name`}>Field {position} name</label>
        <input
          id={`${id}-name`}
          value={row.name}
          onChange={(event) => onChange({ name: event.target.value })}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${id}-name-error` : undefined}
          data-testid="field-name"
        />
        {nameError && (
          <p id={`${id}-name-error`} className="field-error">
            {nameError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>Field {position} type</label>
        <select
          id={`${id}-type`}
          value={row.type}
          onChange={(event) => onChange({ type: event.target.value as FieldRow["type"] })}
          aria-invalid={typeError ? true : undefined}
          aria-describedby={typeError ? `${id}-type-error` : undefined}
          data-testid="field-type"
        >
          {fieldTypes.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
        {typeError && (
          <p id={`${id}-type-error`} className="field-error">
            {typeError}
          </p>
        )}
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={row.required}
          onChange={(event) => onChange({ required: event.target.checked })}
          data-testid="field-required"
        />
        Required
      </label>
      <button
        type="button"
        className="button secondary small"
        onClick={onRemove}
        aria-label={`Remove ${label}`}
        data-testid="remove-field"
      >
        Remove
      </button>
    </li>
  );
}
