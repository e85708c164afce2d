// Turns an admin's collection input into a complete, valid Collection: system fields added,
// ids kept or assigned, relation targets resolved to ids, every option checked. All problems
// are reported at once as field errors keyed by their path in the input ("fields.2.max").
import {
  authOptionsSchema,
  type Collection,
  collectionInputSchema,
  type Field,
  type FieldError,
} from "@cairn/schema";
import { errors } from "../errors.js";
import { newCollectionId, newFieldId } from "../ids.js";
import { validateValue } from "../records/record-validate.js";
import { authSystemFieldNames, systemFieldNames, systemFields } from "./collection-fields.js";
import type { CollectionLookup } from "./collection-registry.js";
import { checkViewQuery } from "./collection-view.js";

/** Names that would be ambiguous in rules, in records as the API returns them, or in SQL. */
const reservedFieldNames = new Set([
  "null",
  "true",
  "false",
  "expand",
  "collectionId",
  "collectionName",
]);

function zodIssuesToFields(
  issues: { path: PropertyKey[]; message: string; code: string }[],
  prefix = "",
): Record<string, FieldError> {
  const out: Record<string, FieldError> = {};
  for (const issue of issues) {
    const key = `${prefix}${issue.path.map(String).join(".")}` || "body";
    out[key] ??= {
      code: issue.code === "invalid_type" ? "invalid_type" : "invalid",
      message: issue.message,
    };
  }
  return out;
}

export interface NormalizeOptions {
  /** The collection as it is now, when updating. */
  existing?: Collection | undefined;
  lookup: CollectionLookup;
  now: Date;
}

export function normalizeCollection(input: unknown, options: NormalizeOptions): Collection {
  const { existing, lookup } = options;
  const parsed = collectionInputSchema.safeParse(input);
  if (!parsed.success) throw errors.validation(zodIssuesToFields(parsed.error.issues));
  const value = parsed.data;
  const problems: Record<string, FieldError> = {};
  const problem = (key: string, code: string, message: string) => {
    problems[key] ??= { code, message };
  };

  if (existing && value.type !== existing.type) {
    problem("type", "immutable", "A collection's type cannot change.");
  }
  if (value.name.startsWith("pg_") || value.name.includes("_via_")) {
    problem("name", "reserved", `"${value.name}" is reserved.`);
  }
  const clash = lookup.byName(value.name, { caseInsensitive: true });
  if (clash && clash.id !== existing?.id) {
    problem("name", "not_unique", `A collection named "${clash.name}" already exists.`);
  }

  // A view's fields come from its query (collection-view.ts), not from the input.
  const isView = value.type === "view";
  const system = isView
    ? []
    : existing
      ? existing.fields.filter((field) => field.system)
      : systemFields(value.type);
  const systemNames = new Set(system.map((field) => field.name));
  const fields: Field[] = [...system];
  const seenNames = new Map<string, number>();
  for (const field of system) seenNames.set(field.name.toLowerCase(), -1);

  (isView ? [] : value.fields).forEach((raw, index) => {
    const key = `fields.${index}`;
    if (raw.system || (raw.id !== undefined && system.some((f) => f.id === raw.id))) {
      // System fields may be listed (an exported document has them) but not changed here.
      const own = system.find((f) => f.id === raw.id && f.name === raw.name);
      if (!own)
        problem(
          `${key}.name`,
          "reserved",
          `"${raw.name}" is not a system field of this collection.`,
        );
      return;
    }
    if (systemNames.has(raw.name)) {
      problem(`${key}.name`, "reserved", `"${raw.name}" is a system field name.`);
      return;
    }
    if (reservedFieldNames.has(raw.name) || raw.name.includes("_via_")) {
      problem(`${key}.name`, "reserved", `"${raw.name}" is reserved.`);
    }
    if (systemFieldNames.has(raw.name) || authSystemFieldNames.has(raw.name)) {
      problem(`${key}.name`, "reserved", `"${raw.name}" is a system field name.`);
    }
    const lower = raw.name.toLowerCase();
    if (seenNames.has(lower)) {
      problem(`${key}.name`, "not_unique", `Another field is already named "${raw.name}".`);
    }
    seenNames.set(lower, index);

    const previous =
      existing?.fields.find((f) => !f.system && raw.id !== undefined && f.id === raw.id) ??
      (raw.id === undefined
        ? existing?.fields.find((f) => !f.system && f.name === raw.name)
        : undefined);
    if (
      raw.id !== undefined &&
      existing &&
      !previous &&
      existing.fields.some((f) => f.id === raw.id)
    ) {
      problem(`${key}.id`, "invalid", "This id belongs to a system field.");
    }
    const field = { ...raw, id: previous?.id ?? raw.id ?? newFieldId(), system: false } as Field;
    if (previous && previous.type !== field.type) {
      problem(
        `${key}.type`,
        "immutable",
        `"${previous.name}" is a ${previous.type} field; a field's type cannot change (add a new field instead).`,
      );
    }
    if (
      previous &&
      "multiple" in previous &&
      "multiple" in field &&
      previous.multiple !== field.multiple
    ) {
      problem(
        `${key}.multiple`,
        "immutable",
        "Single and multiple cannot be switched on an existing field.",
      );
    }
    checkFieldOptions(field, key, problem);
    if (field.type === "relation") {
      const target = lookup.byId(field.collection) ?? lookup.byName(field.collection);
      // Its own collection by name, or by id: the stored id, or the id a document gives a
      // collection it creates (an exported schema names relation targets by id).
      const selfTarget =
        field.collection === value.name ||
        (existing && field.collection === existing.id) ||
        (!existing && value.id !== undefined && field.collection === value.id);
      if (target?.type === "view") {
        problem(`${key}.collection`, "invalid", "A relation cannot point at a view collection.");
      }
      if (target) field.collection = target.id;
      else if (selfTarget) field.collection = existing?.id ?? "";
      else problem(`${key}.collection`, "not_found", `No collection "${field.collection}".`);
      if (
        previous?.type === "relation" &&
        previous.collection !== field.collection &&
        (target || selfTarget)
      ) {
        problem(`${key}.collection`, "immutable", "A relation's target collection cannot change.");
      }
    }
    fields.push(field);
  });

  const fieldNames = new Set(
    isView ? (existing?.fields ?? []).map((f) => f.name) : fields.map((field) => field.name),
  );
  const indexNames = new Set<string>();
  value.indexes.forEach((index, i) => {
    if (indexNames.has(index.name))
      problem(`indexes.${i}.name`, "not_unique", "Index names must be unique.");
    indexNames.add(index.name);
    index.fields.forEach((name, j) => {
      if (!fieldNames.has(name))
        problem(`indexes.${i}.fields.${j}`, "not_found", `No field "${name}".`);
    });
  });

  if (value.type === "view") {
    if (!value.viewQuery?.trim())
      problem("viewQuery", "required", "A view collection needs a query.");
    else {
      const queryProblem = checkViewQuery(value.viewQuery);
      if (queryProblem) problems.viewQuery ??= queryProblem;
    }
    if (value.indexes.length > 0)
      problem("indexes", "invalid", "View collections have no indexes.");
    for (const rule of ["createRule", "updateRule", "deleteRule"] as const) {
      if (value[rule] !== null) problem(rule, "invalid", "View collections are read-only.");
    }
  } else if (value.viewQuery !== undefined) {
    problem("viewQuery", "invalid", "Only view collections have a query.");
  }
  if (value.auth !== undefined && value.type !== "auth") {
    problem("auth", "invalid", "Only auth collections have auth options.");
  }

  if (Object.keys(problems).length > 0) throw errors.validation(problems);

  // A self-relation on a new collection points at the id it is about to get.
  const id = existing?.id ?? value.id ?? newCollectionId();
  for (const field of fields) {
    if (field.type === "relation" && field.collection === "") field.collection = id;
  }
  const stamp = options.now.toISOString();
  return {
    id,
    name: value.name,
    type: value.type,
    fields: isView ? (existing?.fields ?? []) : fields,
    indexes: value.indexes,
    listRule: value.listRule,
    viewRule: value.viewRule,
    createRule: value.createRule,
    updateRule: value.updateRule,
    deleteRule: value.deleteRule,
    ...(value.type === "view" ? { viewQuery: value.viewQuery } : {}),
    ...(value.type === "auth" ? { auth: value.auth ?? authOptionsSchema.parse({}) } : {}),
    created: existing?.created ?? stamp,
    updated: stamp,
  };
}

function checkFieldOptions(
  field: Field,
  key: string,
  problem: (key: string, code: string, message: string) => void,
) {
  const range = (min: unknown, max: unknown) => {
    if (typeof min === "number" && typeof max === "number" && min > max) {
      problem(`${key}.max`, "invalid", "max must not be smaller than min.");
    }
  };
  switch (field.type) {
    case "text":
      range(field.min, field.max);
      if (field.pattern !== undefined) {
        try {
          new RegExp(field.pattern, "u");
        } catch (error) {
          problem(
            `${key}.pattern`,
            "invalid",
            `Not a valid regular expression: ${(error as Error).message}`,
          );
        }
      }
      break;
    case "number":
      range(field.min, field.max);
      break;
    case "date":
      for (const bound of ["min", "max"] as const) {
        const text = field[bound];
        if (text !== undefined && Number.isNaN(Date.parse(text))) {
          problem(`${key}.${bound}`, "invalid", "Not a valid date.");
        }
      }
      break;
    case "select":
      if (new Set(field.values).size !== field.values.length) {
        problem(`${key}.values`, "not_unique", "Values must be unique.");
      }
      break;
    case "autodate":
      if (!field.onCreate && !field.onUpdate) {
        problem(
          `${key}.onCreate`,
          "invalid",
          "An autodate field sets itself on create, on update or both.",
        );
      }
      break;
    default:
      break;
  }
  if (
    field.type === "relation" &&
    field.onDelete === "setNull" &&
    !field.nullable &&
    !field.multiple
  ) {
    problem(`${key}.onDelete`, "invalid", 'onDelete "setNull" needs a nullable field.');
  }
  if ("default" in field && field.default !== undefined && field.default !== null) {
    // A default must be a value the field itself would accept.
    validateValue(field, field.default, `${key}.default`, problem);
  }
}
