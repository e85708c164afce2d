// One field of the collection editor: name, type (fixed once saved: the server refuses a change),
// the options every field has, and the options of its type (packages/schema/src/collections.ts).
// It edits a plain FieldDefinition and keeps its `id`, so a rename keeps the column and its data.
import type { Collection, FieldDefinition } from "@cairn/client/admin";
import { type ReactNode, useId, useState } from "react";

export const allFieldTypes = [
  "text",
  "number",
  "bool",
  "email",
  "url",
  "date",
  "autodate",
  "select",
  "json",
  "relation",
  "file",
] as const satisfies readonly FieldDefinition["type"][];

/** A new field of `type` with the options its schema requires filled in. */
export function newField(type: FieldDefinition["type"], name = ""): FieldDefinition {
  if (type === "select") return { name, type, values: ["one"] };
  if (type === "relation") return { name, type, collection: "" };
  return { name, type };
}

type Patch = Record<string, unknown>;

function numberOrUndefined(value: string): number | undefined {
  if (value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function Option({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function NumberOption({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: unknown;
  onChange: (value: number | undefined) => void;
  testId: string;
}) {
  return (
    <Option label={label}>
      {(id) => (
        <input
          id={id}
          type="number"
          value={typeof value === "number" ? value : ""}
          onChange={(event) => onChange(numberOrUndefined(event.target.value))}
          data-testid={testId}
        />
      )}
    </Option>
  );
}

function TextOption({
  label,
  value,
  onChange,
  testId,
  placeholder,
}: {
  label: string;
  value: unknown;
  onChange: (value: string | undefined) => void;
  testId: string;
  placeholder?: string;
}) {
  return (
    <Option label={label}>
      {(id) => (
        <input
          id={id}
          value={typeof value === "string" ? value : ""}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
          data-testid={testId}
        />
      )}
    </Option>
  );
}

/** A comma-separated list; keeps its own text so a trailing comma survives while typing. */
export function ListOption({
  label,
  value,
  onChange,
  testId,
  placeholder,
}: {
  label: string;
  value: unknown;
  onChange: (value: string[]) => void;
  testId: string;
  placeholder?: string;
}) {
  const list = Array.isArray(value) ? (value as string[]) : [];
  const [text, setText] = useState(list.join(", "));
  return (
    <Option label={label}>
      {(id) => (
        <input
          id={id}
          value={text}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => {
            setText(event.target.value);
            onChange(
              event.target.value
                .split(",")
                .map((item) => item.trim())
                .filter((item) => item !== ""),
            );
          }}
          data-testid={testId}
        />
      )}
    </Option>
  );
}

function Check({
  label,
  checked,
  onChange,
  testId,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  disabled?: boolean;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
      />
      {label}
    </label>
  );
}

function DefaultOption({ field, set }: { field: FieldDefinition; set: (patch: Patch) => void }) {
  const value = field.default;
  switch (field.type) {
    case "number":
      return (
        <NumberOption
          label="Default"
          value={value}
          onChange={(next) => set({ default: next })}
          testId="field-default"
        />
      );
    case "bool":
      return (
        <Option label="Default">
          {(id) => (
            <select
              id={id}
              value={value === true ? "true" : value === false ? "false" : ""}
              onChange={(event) =>
                set({
                  default: event.target.value === "" ? undefined : event.target.value === "true",
                })
              }
              data-testid="field-default"
            >
              <option value="">none</option>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          )}
        </Option>
      );
    case "text":
    case "email":
    case "url":
    case "date":
      return (
        <TextOption
          label="Default"
          value={value}
          onChange={(next) => set({ default: next })}
          testId="field-default"
          placeholder={field.type === "date" ? "2026-01-02 03:04:05" : undefined}
        />
      );
    case "select":
      return field.multiple ? (
        <ListOption
          label="Default values"
          value={value}
          onChange={(next) => set({ default: next.length > 0 ? next : undefined })}
          testId="field-default"
        />
      ) : (
        <TextOption
          label="Default"
          value={value}
          onChange={(next) => set({ default: next })}
          testId="field-default"
        />
      );
    default:
      return null;
  }
}

function TypeOptions({
  field,
  set,
  collections,
}: {
  field: FieldDefinition;
  set: (patch: Patch) => void;
  collections: readonly Collection[];
}) {
  switch (field.type) {
    case "text":
      return (
        <>
          <NumberOption
            label="Min length"
            value={field.min}
            onChange={(min) => set({ min })}
            testId="field-min"
          />
          <NumberOption
            label="Max length"
            value={field.max}
            onChange={(max) => set({ max })}
            testId="field-max"
          />
          <TextOption
            label="Pattern"
            value={field.pattern}
            onChange={(pattern) => set({ pattern })}
            testId="field-pattern"
            placeholder="^[a-z]+$"
          />
        </>
      );
    case "number":
      return (
        <>
          <NumberOption
            label="Min"
            value={field.min}
            onChange={(min) => set({ min })}
            testId="field-min"
          />
          <NumberOption
            label="Max"
            value={field.max}
            onChange={(max) => set({ max })}
            testId="field-max"
          />
          <Check
            label="Integer"
            checked={field.integer === true}
            onChange={(integer) => set({ integer })}
            testId="field-integer"
          />
        </>
      );
    case "date":
      return (
        <>
          <TextOption
            label="Earliest"
            value={field.min}
            onChange={(min) => set({ min })}
            testId="field-min"
          />
          <TextOption
            label="Latest"
            value={field.max}
            onChange={(max) => set({ max })}
            testId="field-max"
          />
        </>
      );
    case "autodate":
      return (
        <>
          <Check
            label="Set on create"
            checked={field.onCreate !== false}
            onChange={(onCreate) => set({ onCreate })}
            testId="field-on-create"
          />
          <Check
            label="Set on update"
            checked={field.onUpdate === true}
            onChange={(onUpdate) => set({ onUpdate })}
            testId="field-on-update"
          />
        </>
      );
    case "select":
      return (
        <>
          <ListOption
            label="Values"
            value={field.values}
            onChange={(values) => set({ values })}
            testId="field-values"
            placeholder="draft, published"
          />
          <Check
            label="Multiple"
            checked={field.multiple === true}
            onChange={(multiple) => set({ multiple, default: undefined })}
            testId="field-multiple"
            disabled={field.id !== undefined}
          />
          {field.multiple === true && (
            <NumberOption
              label="Max selected"
              value={field.maxSelect}
              onChange={(maxSelect) => set({ maxSelect })}
              testId="field-max-select"
            />
          )}
        </>
      );
    case "json":
      return (
        <NumberOption
          label="Max size (bytes)"
          value={field.maxSize}
          onChange={(maxSize) => set({ maxSize })}
          testId="field-max-size"
        />
      );
    case "relation":
      return (
        <>
          <Option label="Target collection">
            {(id) => (
              <select
                id={id}
                value={
                  // Stored definitions name the target by id; new ones may by name.
                  collections.find((c) => c.id === field.collection || c.name === field.collection)
                    ?.id ?? ""
                }
                onChange={(event) => set({ collection: event.target.value })}
                data-testid="field-relation-collection"
              >
                <option value="">choose…</option>
                {collections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Option>
          <Check
            label="Multiple"
            checked={field.multiple === true}
            onChange={(multiple) => set({ multiple })}
            testId="field-multiple"
            disabled={field.id !== undefined}
          />
          {field.multiple === true && (
            <NumberOption
              label="Max selected"
              value={field.maxSelect}
              onChange={(maxSelect) => set({ maxSelect })}
              testId="field-max-select"
            />
          )}
          <Option label="When the target is deleted">
            {(id) => (
              <select
                id={id}
                value={typeof field.onDelete === "string" ? field.onDelete : "setNull"}
                onChange={(event) => set({ onDelete: event.target.value })}
                data-testid="field-on-delete"
              >
                <option value="setNull">set to null</option>
                <option value="cascade">delete this record too</option>
                <option value="restrict">refuse the delete</option>
              </select>
            )}
          </Option>
        </>
      );
    case "file":
      return (
        <>
          <Check
            label="Multiple"
            checked={field.multiple === true}
            onChange={(multiple) => set({ multiple })}
            testId="field-multiple"
            disabled={field.id !== undefined}
          />
          {field.multiple === true && (
            <NumberOption
              label="Max files"
              value={field.maxSelect}
              onChange={(maxSelect) => set({ maxSelect })}
              testId="field-max-select"
            />
          )}
          <NumberOption
            label="Max size (bytes)"
            value={field.maxSize}
            onChange={(maxSize) => set({ maxSize })}
            testId="field-max-size"
          />
          <ListOption
            label="MIME types (empty: any)"
            value={field.mimeTypes}
            onChange={(mimeTypes) => set({ mimeTypes })}
            testId="field-mime-types"
            placeholder="image/png, image/jpeg"
          />
          <ListOption
            label="Thumbnail sizes"
            value={field.thumbs}
            onChange={(thumbs) => set({ thumbs })}
            testId="field-thumbs"
            placeholder="100x100, 0x300, 200x200f"
          />
          <Check
            label="Protected (downloads need a file token)"
            checked={field.protected === true}
            onChange={(value) => set({ protected: value })}
            testId="field-protected"
          />
        </>
      );
    default:
      return null;
  }
}

export function CollectionFieldEditor({
  field,
  position,
  count,
  collections,
  errors,
  onChange,
  onRemove,
  onMove,
}: {
  field: FieldDefinition;
  position: number;
  count: number;
  collections: readonly Collection[];
  /** Server messages for this field, keyed by option ("name", "values", …). */
  errors: Record<string, string>;
  onChange: (field: FieldDefinition) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
}) {
  const id = useId();
  const system = field.system === true;
  const label = field.name.trim() || `field ${position}`;
  const set = (patch: Patch) => onChange({ ...field, ...patch } as FieldDefinition);
  const otherErrors = Object.entries(errors).filter(([key]) => key !== "name");
  return (
    <li className="field-row edit-field" data-testid={`edit-field-${position}`}>
      <div className="edit-field-head">
        <div className="field">
          <label htmlFor={`${id}-name`}>Field {position} name</label>
          <input
            id={`${id}-name`}
            value={field.name}
            disabled={system}
            onChange={(event) => set({ name: event.target.value })}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-name-error` : undefined}
            data-testid="field-name"
          />
          {errors.name && (
            <p id={`${id}-name-error`} className="field-error">
              {errors.name}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Field {position} type</label>
          <select
            id={`${id}-type`}
            value={field.type}
            // A stored field's type cannot change (docs/collections.md): add a new field instead.
            disabled={field.id !== undefined}
            onChange={(event) =>
              onChange({
                ...newField(event.target.value as FieldDefinition["type"], field.name),
                required: field.required,
              })
            }
            data-testid="field-type"
          >
            {allFieldTypes.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </div>
        <div className="edit-field-actions">
          {system && <span className="type-badge">system</span>}
          <button
            type="button"
            className="button secondary small"
            disabled={position === 1}
            onClick={() => onMove(-1)}
            aria-label={`Move ${label} up`}
            data-testid="move-field-up"
          >
            ↑
          </button>
          <button
            type="button"
            className="button secondary small"
            disabled={position === count}
            onClick={() => onMove(1)}
            aria-label={`Move ${label} down`}
            data-testid="move-field-down"
          >
            ↓
          </button>
          <button
            type="button"
            className="button secondary small"
            disabled={system}
            onClick={onRemove}
            aria-label={`Remove ${label}`}
            data-testid="remove-field"
          >
            Remove
          </button>
        </div>
      </div>
      {!system && (
        <details className="edit-field-options" open={field.id === undefined}>
          <summary>Options</summary>
          <div className="edit-field-grid">
            <TypeOptions field={field} set={set} collections={collections} />
            <DefaultOption field={field} set={set} />
            <TextOption
              label="Help"
              value={field.help}
              onChange={(help) => set({ help })}
              testId="field-help"
            />
          </div>
          <div className="edit-field-checks">
            <Check
              label="Required"
              checked={field.required === true}
              onChange={(required) => set({ required })}
              testId="field-required"
            />
            <Check
              label="Nullable"
              checked={field.nullable !== false}
              onChange={(nullable) => set({ nullable })}
              testId="field-nullable"
            />
            <Check
              label="Unique"
              checked={field.unique === true}
              onChange={(unique) => set({ unique })}
              testId="field-unique"
            />
            <Check
              label="Hidden"
              checked={field.hidden === true}
              onChange={(hidden) => set({ hidden })}
              testId="field-hidden"
            />
          </div>
        </details>
      )}
      {otherErrors.length > 0 && (
        <ul className="field-error">
          {otherErrors.map(([key, message]) => (
            <li key={key}>
              <code>{key}</code>: {message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
