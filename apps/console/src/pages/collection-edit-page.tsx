// Edit one collection: its name, fields (every type and option), indexes and five rules. Saving
// asks the server for a plan over the whole schema (schema as code) with this collection
// replaced, shows the steps, makes destructive ones a deliberate choice, then applies that same
// document, so what ran is what was shown. Fields keep their ids, so renames keep their data.

import { isCairnError } from "@cairn/client";
import type {
  Collection,
  CollectionInput,
  FieldDefinition,
  SchemaDocument,
  SchemaPlan,
} from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { admin } from "../api.js";
import { CollectionDeleteDialog } from "../components/collection-delete-dialog.js";
import { CollectionApiPreview } from "../components/collection-edit-api.js";
import { CollectionAuthOptions } from "../components/collection-edit-auth.js";
import {
  allFieldTypes,
  CollectionFieldEditor,
  ListOption,
  newField,
} from "../components/collection-edit-field.js";
import { CollectionRuleEditor } from "../components/collection-edit-rule.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { shownError } from "../errors.js";
import { collectionsKey } from "./collections-page.js";

const ruleNames = ["list", "view", "create", "update", "delete"] as const;
/** Names being saved under a new name right now (see the removal watch in the page). */
const renaming = new Set<string>();
type RuleKey = `${(typeof ruleNames)[number]}Rule`;

interface FieldRow {
  key: number;
  field: FieldDefinition;
}
interface IndexRow {
  key: number;
  name: string;
  fields: string[];
  unique: boolean;
}

export function CollectionEditPage() {
  const { name = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // The delete dialog drops this collection's query once the collection is gone: go back to
  // the list then. Saving a rename drops it too, and navigates itself (see `renaming`).
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        const key = event.query.queryKey;
        if (event.type !== "removed" || key.length !== 2) return;
        if (key[0] === "collections" && key[1] === name && !renaming.has(name)) {
          void navigate("/collections", { replace: true });
        }
      }),
    [queryClient, navigate, name],
  );
  const collection = useQuery({
    queryKey: ["collections", name],
    queryFn: ({ signal }) => admin.collections.get(name, { signal }),
    retry: (count, error) => !(isCairnError(error) && error.status === 404) && count < 2,
  });
  const collections = useQuery({
    queryKey: collectionsKey,
    queryFn: ({ signal }) => admin.collections.list({ signal }),
  });

  if (collection.isPending) {
    return (
      <p role="status" data-testid="collection-loading">
        Loading {name}…
      </p>
    );
  }
  if (collection.isError) {
    const gone = isCairnError(collection.error) && collection.error.status === 404;
    return (
      <div data-testid="collection-error">
        <div className="page-header">
          <h1>{name}</h1>
        </div>
        {gone ? (
          <p>There is no collection “{name}” (any more).</p>
        ) : (
          <ErrorBanner error={shownError(collection.error)} />
        )}
        <Link to="/collections" className="button secondary">
          Back to collections
        </Link>
      </div>
    );
  }
  // Remounting on every saved version starts the editor again from what the server holds.
  return (
    <CollectionEditor
      key={`${collection.data.id}:${collection.data.updated}`}
      collection={collection.data}
      collections={collections.data ?? []}
    />
  );
}

function definitionOf(collection: Collection): CollectionInput {
  const { created: _c, updated: _u, ...definition } = collection;
  return definition;
}

/** `fields.3.name` (PATCH) or `collections.2.fields.3.name` (schema plan) → [3, "name"]. */
function fieldErrorKey(key: string): [number, string] | null {
  const match = /(?:^|\.)fields\.(\d+)\.(\w+)$/.exec(key);
  return match ? [Number(match[1]), match[2] ?? ""] : null;
}

function CollectionEditor({
  collection,
  collections,
}: {
  collection: Collection;
  collections: readonly Collection[];
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const nextKey = useRef(0);
  const key = () => nextKey.current++;
  const [name, setName] = useState(collection.name);
  const [fields, setFields] = useState<FieldRow[]>(() =>
    collection.fields.map((field) => ({ key: key(), field })),
  );
  const [indexes, setIndexes] = useState<IndexRow[]>(() =>
    collection.indexes.map((index) => ({
      key: key(),
      name: index.name,
      fields: index.fields,
      unique: index.unique === true,
    })),
  );
  const [rules, setRules] = useState<Record<RuleKey, string | null>>({
    listRule: collection.listRule,
    viewRule: collection.viewRule,
    createRule: collection.createRule,
    updateRule: collection.updateRule,
    deleteRule: collection.deleteRule,
  });
  const [viewQuery, setViewQuery] = useState(collection.viewQuery ?? "");
  const [auth, setAuth] = useState(collection.auth);
  const [newType, setNewType] = useState<FieldDefinition["type"]>("text");
  const [review, setReview] = useState<{ document: SchemaDocument; plan: SchemaPlan } | null>(null);
  const [acceptLoss, setAcceptLoss] = useState(false);

  const isView = collection.type === "view";
  const definition: CollectionInput = {
    ...definitionOf(collection),
    name: name.trim(),
    ...rules,
    indexes: indexes.map((row) => ({
      name: row.name.trim(),
      fields: row.fields,
      unique: row.unique,
    })),
    ...(isView ? { viewQuery } : { fields: fields.map((row) => row.field) }),
    ...(auth && { auth }),
  };
  if (isView) delete definition.fields;

  const plan = useMutation({
    mutationFn: async () => {
      const current = await admin.schema.export();
      const document: SchemaDocument = {
        ...current,
        collections: current.collections.map((entry) =>
          entry.id === collection.id ? definition : entry,
        ),
      };
      return { document, plan: await admin.schema.plan(document) };
    },
    onSuccess: (answer) => {
      setAcceptLoss(false);
      setReview(answer);
    },
  });
  const apply = useMutation({
    mutationFn: (answer: { document: SchemaDocument; plan: SchemaPlan }) =>
      admin.schema.apply(answer.document, {
        allowDestructive: answer.plan.destructive,
        // Another admin's change since the plan was shown is never undone by this save.
        expectedVersion: answer.plan.version,
      }),
    onSuccess: async () => {
      setReview(null);
      const renamed = definition.name !== collection.name;
      if (renamed) {
        renaming.add(collection.name);
        queryClient.removeQueries({ queryKey: ["collections", collection.name] });
        renaming.delete(collection.name);
      }
      await queryClient.invalidateQueries({ queryKey: ["collections"] });
      if (renamed) {
        void navigate(`/collections/${encodeURIComponent(definition.name)}`, { replace: true });
      }
    },
  });
  const error = shownError(plan.error ?? apply.error);

  const fieldErrors: Record<number, Record<string, string>> = {};
  const shownFields = ["name"];
  const authErrors: Record<string, string> = {};
  for (const [errorKey, problem] of Object.entries(error?.fields ?? {})) {
    const authOption = /(?:^|\.)auth\.(\w+)$/.exec(errorKey)?.[1];
    if (authOption) {
      authErrors[authOption] = problem.message;
      shownFields.push(errorKey);
      continue;
    }
    const found = fieldErrorKey(errorKey);
    if (!found) continue;
    const [index, option] = found;
    fieldErrors[index] = { ...fieldErrors[index], [option]: problem.message };
    shownFields.push(errorKey);
  }

  const updateField = (rowKey: number, field: FieldDefinition) =>
    setFields((rows) => rows.map((row) => (row.key === rowKey ? { ...row, field } : row)));
  const moveField = (index: number, by: -1 | 1) =>
    setFields((rows) => {
      const next = [...rows];
      const [row] = next.splice(index, 1);
      if (row) next.splice(index + by, 0, row);
      return next;
    });
  const fieldNames = fields.map((row) => row.field.name).filter(Boolean);

  return (
    <>
      <div className="page-header">
        <h1>
          <Link to="/collections">Collections</Link> / {collection.name}
        </h1>
        <span className={`type-badge ${collection.type}`}>{collection.type}</span>
      </div>
      <div className="collection-editor">
        <form
          className="card form"
          aria-label={`Edit collection ${collection.name}`}
          data-testid="collection-edit-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            plan.mutate();
          }}
        >
          <ErrorBanner error={error} shownFields={shownFields} testId="collection-edit-error" />
          <TextField
            label="Name"
            name="name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            hint="Renaming changes the table and the API path; records are kept."
            error={error?.fields.name}
            data-testid="collection-name"
          />

          {isView ? (
            <div className="field">
              <label htmlFor="collection-view-query">View query</label>
              <textarea
                id="collection-view-query"
                rows={5}
                spellCheck={false}
                value={viewQuery}
                onChange={(event) => setViewQuery(event.target.value)}
                data-testid="collection-view-query"
              />
            </div>
          ) : (
            <fieldset className="fields-editor" data-testid="collection-fields">
              <legend>Fields</legend>
              <ol className="field-rows">
                {fields.map((row, index) => (
                  <CollectionFieldEditor
                    key={row.key}
                    field={row.field}
                    position={index + 1}
                    count={fields.length}
                    collections={collections}
                    errors={fieldErrors[index] ?? {}}
                    onChange={(field) => updateField(row.key, field)}
                    onRemove={() => setFields((rows) => rows.filter((r) => r.key !== row.key))}
                    onMove={(by) => moveField(index, by)}
                  />
                ))}
              </ol>
              <div className="form-actions start">
                <label htmlFor="new-field-type" className="visually-hidden">
                  New field type
                </label>
                <select
                  id="new-field-type"
                  value={newType}
                  onChange={(event) => setNewType(event.target.value as FieldDefinition["type"])}
                  data-testid="new-field-type"
                >
                  {allFieldTypes.map((kind) => (
                    <option key={kind} value={kind}>
                      {kind}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() =>
                    setFields((rows) => [...rows, { key: key(), field: newField(newType) }])
                  }
                  data-testid="add-field"
                >
                  Add field
                </button>
              </div>
            </fieldset>
          )}

          {!isView && (
            <fieldset className="fields-editor" data-testid="collection-indexes">
              <legend>Indexes</legend>
              {indexes.length === 0 && <p className="muted">No indexes.</p>}
              <ol className="field-rows">
                {indexes.map((row, index) => (
                  <li key={row.key} className="field-row" data-testid="index-row">
                    <TextField
                      label={`Index ${index + 1} name`}
                      value={row.name}
                      onChange={(event) =>
                        setIndexes((rows) =>
                          rows.map((r) =>
                            r.key === row.key ? { ...r, name: event.target.value } : r,
                          ),
                        )
                      }
                      autoComplete="off"
                      spellCheck={false}
                      data-testid="index-name"
                    />
                    <ListOption
                      label={`Index ${index + 1} fields`}
                      value={row.fields}
                      placeholder={fieldNames.slice(0, 2).join(", ")}
                      onChange={(list) =>
                        setIndexes((rows) =>
                          rows.map((r) => (r.key === row.key ? { ...r, fields: list } : r)),
                        )
                      }
                      testId="index-fields"
                    />
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={row.unique}
                        onChange={(event) =>
                          setIndexes((rows) =>
                            rows.map((r) =>
                              r.key === row.key ? { ...r, unique: event.target.checked } : r,
                            ),
                          )
                        }
                        data-testid="index-unique"
                      />
                      Unique
                    </label>
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => setIndexes((rows) => rows.filter((r) => r.key !== row.key))}
                      aria-label={`Remove index ${row.name || index + 1}`}
                      data-testid="remove-index"
                    >
                      Remove
                    </button>
                  </li>
                ))}
              </ol>
              <button
                type="button"
                className="button secondary"
                onClick={() =>
                  setIndexes((rows) => [
                    ...rows,
                    {
                      key: key(),
                      name: `idx_${name.trim()}_${rows.length + 1}`,
                      fields: [],
                      unique: false,
                    },
                  ])
                }
                data-testid="add-index"
              >
                Add index
              </button>
            </fieldset>
          )}

          {auth && <CollectionAuthOptions value={auth} onChange={setAuth} errors={authErrors} />}

          <fieldset className="fields-editor" data-testid="collection-rules">
            <legend>Rules</legend>
            <p className="hint">
              Superusers only: no one else. Anyone: signed in or not. An expression: whoever it lets
              in (docs/rules.md).
            </p>
            {ruleNames.map((rule) => (
              <CollectionRuleEditor
                key={rule}
                name={rule}
                value={rules[`${rule}Rule`]}
                onChange={(value) =>
                  setRules((current) => ({ ...current, [`${rule}Rule`]: value }))
                }
                definition={definition}
                collections={collections}
              />
            ))}
          </fieldset>

          <div className="form-actions">
            <CollectionDeleteDialog collection={collection} />
            <Link to="/collections" className="button secondary">
              Back
            </Link>
            <button
              type="submit"
              className="button"
              disabled={plan.isPending}
              data-testid="save-collection"
            >
              {plan.isPending ? "Planning…" : "Save changes"}
            </button>
          </div>
        </form>
        <CollectionApiPreview name={collection.name} />
      </div>

      <ConfirmDialog
        open={review !== null}
        onOpenChange={(open) => {
          if (!open) {
            setReview(null);
            apply.reset();
          }
        }}
        title={`Save “${definition.name}”?`}
        description={
          review?.plan.steps.length === 0
            ? "Nothing changes: the server already holds this definition."
            : "The server will take these steps, in one transaction:"
        }
        error={apply.error}
        pending={apply.isPending}
        confirmLabel="Apply"
        pendingLabel="Saving…"
        onConfirm={() => review && apply.mutate(review)}
        confirmDisabled={
          review === null ||
          review.plan.steps.length === 0 ||
          (review.plan.destructive && !acceptLoss)
        }
        tone={review?.plan.destructive ? "danger" : "primary"}
        testId="save-plan-dialog"
        confirmTestId="apply-plan"
      >
        {review && review.plan.steps.length > 0 && (
          <ul className="plan-steps" data-testid="save-plan-steps">
            {review.plan.steps.map((step, index) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: steps are a fixed list per plan.
                key={index}
                className={step.destructive ? "destructive" : undefined}
              >
                {step.destructive && <strong>Drops data: </strong>}
                {step.collection}: {step.description}
              </li>
            ))}
          </ul>
        )}
        {review?.plan.destructive && (
          <label className="checkbox destructive" data-testid="save-plan-destructive">
            <input
              type="checkbox"
              checked={acceptLoss}
              onChange={(event) => setAcceptLoss(event.target.checked)}
              data-testid="accept-data-loss"
            />
            I understand the steps marked “Drops data” delete stored values for good.
          </label>
        )}
      </ConfirmDialog>
    </>
  );
}
