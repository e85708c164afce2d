// Create a collection: name, type and its fields, with the collection editor's field editor
// (every type and its options; components/collection-edit-field.tsx).
import type { CollectionInput, FieldDefinition } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { admin } from "../api.js";
import { CollectionFieldEditor, newField } from "../components/collection-edit-field.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { shownError } from "../errors.js";
import { collectionsKey } from "./collections-page.js";

type CollectionType = NonNullable<CollectionInput["type"]>;

const typeHelp: Record<CollectionType, string> = {
  base: "Records with the fields you define.",
  auth: "Users who sign in: email, password and verification fields are added for you.",
  view: "Read-only records from a SQL query over other collections.",
};

interface FieldRow {
  key: number;
  field: FieldDefinition;
}

export function CollectionNewPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const nextKey = useRef(1);
  const [name, setName] = useState("");
  const [type, setType] = useState<CollectionType>("base");
  const [viewQuery, setViewQuery] = useState("");
  const [fields, setFields] = useState<FieldRow[]>([{ key: 0, field: newField("text") }]);
  const collections = useQuery({
    queryKey: collectionsKey,
    queryFn: ({ signal }) => admin.collections.list({ signal }),
  });
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
    setFields((rows) => [...rows, { key, field: newField("text") }]);
  };
  const updateField = (key: number, field: FieldDefinition) =>
    setFields((rows) => rows.map((row) => (row.key === key ? { ...row, field } : row)));
  const moveField = (index: number, by: -1 | 1) =>
    setFields((rows) => {
      const next = [...rows];
      const [row] = next.splice(index, 1);
      if (row) next.splice(index + by, 0, row);
      return next;
    });
  const removeField = (key: number) => setFields((rows) => rows.filter((row) => row.key !== key));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: CollectionInput = { name: name.trim(), type };
    if (type === "view") input.viewQuery = viewQuery;
    else {
      // Rows left blank are ignored rather than reported: they are the editor's spare row.
      input.fields = fields
        .filter((row) => row.field.name.trim() !== "")
        .map((row) => ({ ...row.field, name: row.field.name.trim() }));
    }
    create.mutate(input);
  };

  // Field errors come back keyed by the position sent, which skips blank rows.
  const sentIndex = new Map<number, number>();
  for (const row of fields) {
    if (row.field.name.trim() !== "") sentIndex.set(row.key, sentIndex.size);
  }
  const shownFields = ["name", "type", "viewQuery"];
  const fieldErrors = (row: FieldRow): Record<string, string> => {
    const index = sentIndex.get(row.key);
    const found: Record<string, string> = {};
    if (index === undefined) return found;
    const prefix = `fields.${index}.`;
    for (const [key, problem] of Object.entries(error?.fields ?? {})) {
      if (key.startsWith(prefix)) found[key.slice(prefix.length)] = problem.message;
    }
    return found;
  };
  for (const [key] of Object.entries(error?.fields ?? {})) {
    if (/^fields\.\d+\./.test(key)) shownFields.push(key);
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
              {fields.map((row, index) => (
                <CollectionFieldEditor
                  key={row.key}
                  field={row.field}
                  position={index + 1}
                  count={fields.length}
                  collections={collections.data ?? []}
                  errors={fieldErrors(row)}
                  onChange={(field) => updateField(row.key, field)}
                  onRemove={() => removeField(row.key)}
                  onMove={(by) => moveField(index, by)}
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
