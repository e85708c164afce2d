// Plans a schema change as DDL steps: from a collection as it is (or nothing) to how it should
// be (or nothing). Planning runs no SQL; collection-apply.ts runs the checks and statements.
// Constraint and index names carry stable ids, so renames never orphan them.
import type { Collection, Field, IndexDefinition } from "@cairn/schema";
import { quoteIdent, tableRef } from "../sql.js";
import { checkPredicate, columnDefault, columnType } from "./collection-fields.js";
import type { CollectionLookup } from "./collection-registry.js";
import { viewStatements } from "./collection-view.js";

/** A condition existing data must meet before a step may run: `sql` counts the offenders. */
export interface SchemaCheck {
  /** Where to report it: "name", "fields.<fieldName>", "indexes.<indexName>". */
  key: string;
  sql: string;
  message: string;
}

export interface SchemaStep {
  description: string;
  destructive: boolean;
  checks: SchemaCheck[];
  statements: string[];
}

const q = quoteIdent;
const uniqueIndexName = (c: Collection, f: Field) => `uq_${c.id}_${f.id}`;
const relationIndexName = (c: Collection, f: Field) => `rx_${c.id}_${f.id}`;
const adminIndexName = (c: Collection, name: string) => `ix_${c.id}_${name}`.slice(0, 63);
const foreignKeyName = (f: Field) => `fk_${f.id}`;
const checkName = (f: Field) => `ck_${f.id}`;
const triggerName = (f: Field) => `mrel_${f.id}`;

function columnDefinition(collection: Collection, field: Field, lookup: CollectionLookup): string {
  const parts = [q(field.name), columnType(field)];
  if (field.id === "id") parts.push("PRIMARY KEY");
  else if (!field.nullable) parts.push("NOT NULL");
  const fallback = columnDefault(field);
  if (fallback !== undefined) parts.push(`DEFAULT ${fallback}`);
  const predicate = checkPredicate(field);
  if (predicate) parts.push(`CONSTRAINT ${q(checkName(field))} CHECK (${predicate})`);
  if (field.type === "relation" && !field.multiple) {
    parts.push(foreignKeyClause(field, targetName(collection, field, lookup)));
  }
  return parts.join(" ");
}

function targetName(collection: Collection, field: Field, lookup: CollectionLookup): string {
  if (field.type !== "relation") throw new Error("not a relation");
  if (field.collection === collection.id) return collection.name;
  const target = lookup.byId(field.collection);
  if (!target) throw new Error(`relation target ${field.collection} is missing`);
  return target.name;
}

function foreignKeyClause(field: Field, target: string): string {
  if (field.type !== "relation") throw new Error("not a relation");
  const action = { cascade: "CASCADE", setNull: "SET NULL", restrict: "RESTRICT" }[field.onDelete];
  return `CONSTRAINT ${q(foreignKeyName(field))} REFERENCES ${tableRef(target)} ("id") ON DELETE ${action}`;
}

function uniqueIndex(collection: Collection, field: Field): string {
  // Emails are unique regardless of case.
  const expression = field.type === "email" ? `(lower(${q(field.name)}))` : q(field.name);
  const partial = field.nullable ? "" : "";
  return `CREATE UNIQUE INDEX ${q(uniqueIndexName(collection, field))} ON ${tableRef(collection.name)} (${expression})${partial}`;
}

function duplicateCheck(
  collection: Collection,
  columns: string[],
  key: string,
  what: string,
): SchemaCheck {
  const cols = columns.join(", ");
  return {
    key,
    sql: `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${tableRef(collection.name)} WHERE ${columns.map((c) => `${c} IS NOT NULL`).join(" AND ")} GROUP BY ${cols} HAVING count(*) > 1) AS d`,
    message: `{n} value(s) of ${what} appear in more than one record, so it cannot be unique.`,
  };
}

function relationIndexes(collection: Collection, field: Field): string[] {
  if (field.type !== "relation") return [];
  const method = field.multiple ? "USING gin " : "";
  return [
    `CREATE INDEX ${q(relationIndexName(collection, field))} ON ${tableRef(collection.name)} ${method}(${q(field.name)})`,
  ];
}

function adminIndex(collection: Collection, index: IndexDefinition): string {
  const cols = index.fields.map((name) => q(name)).join(", ");
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${q(adminIndexName(collection, index.name))} ON ${tableRef(collection.name)} (${cols})`;
}

/**
 * Multiple relations are text[] columns; Postgres has no foreign keys on array elements, so a
 * trigger on the target table applies onDelete for them (also when a delete cascades there).
 */
function multiRelationTrigger(source: Collection, field: Field, target: string): string[] {
  if (field.type !== "relation" || !field.multiple) return [];
  const fn = `"cairn".${q(triggerName(field))}`;
  const table = tableRef(source.name);
  const col = q(field.name);
  const refersToOld = `${col} @> ARRAY[OLD."id"]`;
  let body: string;
  let timing: string;
  switch (field.onDelete) {
    case "restrict":
      timing = "BEFORE";
      body = `IF EXISTS (SELECT 1 FROM ${table} WHERE ${refersToOld}) THEN
    RAISE EXCEPTION 'record % is still referenced by ${source.name}.${field.name}', OLD."id"
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '${triggerName(field)}';
  END IF;`;
      break;
    case "cascade":
      timing = "AFTER";
      body = `DELETE FROM ${table} WHERE ${refersToOld};`;
      break;
    case "setNull":
      timing = "AFTER";
      body = `UPDATE ${table} SET ${col} = array_remove(${col}, OLD."id") WHERE ${refersToOld};`;
      break;
  }
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  ${body}
  RETURN OLD;
END
$fn$`,
    `DROP TRIGGER IF EXISTS ${q(triggerName(field))} ON ${tableRef(target)}`,
    `CREATE TRIGGER ${q(triggerName(field))} ${timing} DELETE ON ${tableRef(target)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

function dropMultiRelationTrigger(field: Field, target: string | undefined): string[] {
  return [
    ...(target ? [`DROP TRIGGER IF EXISTS ${q(triggerName(field))} ON ${tableRef(target)}`] : []),
    `DROP FUNCTION IF EXISTS "cairn".${q(triggerName(field))}()`,
  ];
}

/** Tells every replica's session cache that a user changed (migration 0012 made the function). */
function subjectChangedTrigger(collection: Collection): string {
  return `CREATE TRIGGER "cairn_subject_changed" AFTER UPDATE OR DELETE ON ${tableRef(collection.name)} FOR EACH ROW EXECUTE FUNCTION "cairn"."notify_subject_changed"()`;
}

export function planCreate(collection: Collection, lookup: CollectionLookup): SchemaStep[] {
  if (collection.type === "view") {
    return [
      {
        description: `Create view collection "${collection.name}"`,
        destructive: false,
        checks: [],
        statements: viewStatements(collection),
      },
    ];
  }
  const statements = [
    `CREATE TABLE ${tableRef(collection.name)} (\n  ${collection.fields
      .map((field) => columnDefinition(collection, field, lookup))
      .join(",\n  ")}\n)`,
  ];
  for (const field of collection.fields) {
    if (field.unique && field.id !== "id") statements.push(uniqueIndex(collection, field));
    statements.push(...relationIndexes(collection, field));
    if (field.type === "relation" && field.multiple) {
      statements.push(
        ...multiRelationTrigger(collection, field, targetName(collection, field, lookup)),
      );
    }
  }
  for (const index of collection.indexes) statements.push(adminIndex(collection, index));
  if (collection.type === "auth") statements.push(subjectChangedTrigger(collection));
  return [
    {
      description: `Create collection "${collection.name}" (${collection.fields.length} fields, ${collection.indexes.length} indexes)`,
      destructive: false,
      checks: [],
      statements,
    },
  ];
}

export function planDelete(collection: Collection, lookup: CollectionLookup): SchemaStep[] {
  const statements: string[] = [];
  for (const field of collection.fields) {
    if (field.type === "relation" && field.multiple) {
      const target =
        field.collection === collection.id ? undefined : lookup.byId(field.collection)?.name;
      statements.push(...dropMultiRelationTrigger(field, target));
    }
  }
  statements.push(
    collection.type === "view"
      ? `DROP VIEW ${tableRef(collection.name)}`
      : `DROP TABLE ${tableRef(collection.name)}`,
  );
  return [
    {
      description: `Delete collection "${collection.name}" and all its records`,
      destructive: true,
      checks: [],
      statements,
    },
  ];
}

function indexKey(collection: Collection, index: IndexDefinition): string {
  const ids = index.fields.map(
    (name) => collection.fields.find((f) => f.name === name)?.id ?? name,
  );
  return `${index.unique}:${ids.join(",")}`;
}

export function planUpdate(
  before: Collection,
  after: Collection,
  lookup: CollectionLookup,
): SchemaStep[] {
  if (after.type === "view") {
    if (before.viewQuery === after.viewQuery && before.name === after.name) return [];
    return [
      ...planDelete(before, lookup).map((step) => ({ ...step, destructive: false })),
      ...planCreate(after, lookup),
    ];
  }
  const steps: SchemaStep[] = [];
  const table = tableRef(after.name);
  const step = (description: string, statements: string[], options: Partial<SchemaStep> = {}) =>
    steps.push({ description, statements, destructive: false, checks: [], ...options });

  if (before.name !== after.name) {
    step(`Rename collection "${before.name}" to "${after.name}"`, [
      `ALTER TABLE ${tableRef(before.name)} RENAME TO ${q(after.name)}`,
    ]);
  }

  const afterIds = new Set(after.fields.map((f) => f.id));
  const beforeById = new Map(before.fields.map((f) => [f.id, f]));

  // Indexes that go away or change are dropped before fields are dropped or renamed.
  const afterIndexKeys = new Map(after.indexes.map((i) => [i.name, indexKey(after, i)]));
  for (const index of before.indexes) {
    if (afterIndexKeys.get(index.name) !== indexKey(before, index)) {
      step(`Drop index "${index.name}"`, [
        `DROP INDEX IF EXISTS "public".${q(adminIndexName(before, index.name))}`,
      ]);
    }
  }

  for (const field of before.fields) {
    if (afterIds.has(field.id)) continue;
    const statements: string[] = [];
    if (field.type === "relation" && field.multiple) {
      const target =
        field.collection === before.id ? after.name : lookup.byId(field.collection)?.name;
      statements.push(...dropMultiRelationTrigger(field, target));
    }
    statements.push(`ALTER TABLE ${table} DROP COLUMN ${q(field.name)}`);
    step(`Drop field "${field.name}" and its data`, statements, { destructive: true });
  }

  for (const field of after.fields) {
    const old = beforeById.get(field.id);
    if (!old) {
      const checks: SchemaCheck[] = [];
      if (!field.nullable && columnDefault(field) === undefined) {
        checks.push({
          key: `fields.${field.name}`,
          sql: `SELECT count(*)::int AS n FROM ${table}`,
          message: `{n} existing record(s) would have no value for "${field.name}": give it a default or allow null.`,
        });
      }
      const statements = [
        `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(after, field, lookup)}`,
      ];
      if (field.unique) {
        // Existing rows all get the default: more than one row means duplicates.
        if (columnDefault(field) !== undefined) {
          checks.push({
            key: `fields.${field.name}`,
            sql: `SELECT CASE WHEN count(*) > 1 THEN count(*)::int ELSE 0 END AS n FROM ${table}`,
            message: `{n} existing records would share the default of "${field.name}", so it cannot be unique.`,
          });
        }
        statements.push(uniqueIndex(after, field));
      }
      statements.push(...relationIndexes(after, field));
      step(`Add field "${field.name}" (${field.type})`, statements, { checks });
      continue;
    }
    if (old.name !== field.name) {
      step(`Rename field "${old.name}" to "${field.name}" (data kept)`, [
        `ALTER TABLE ${table} RENAME COLUMN ${q(old.name)} TO ${q(field.name)}`,
      ]);
    }
    steps.push(...planFieldOptions(after, old, field, lookup));
  }

  const beforeIndexKeys = new Map(before.indexes.map((i) => [i.name, indexKey(before, i)]));
  for (const index of after.indexes) {
    if (beforeIndexKeys.get(index.name) === indexKey(after, index)) continue;
    const checks = index.unique
      ? [
          duplicateCheck(
            after,
            index.fields.map((name) => q(name)),
            `indexes.${index.name}`,
            `(${index.fields.join(", ")})`,
          ),
        ]
      : [];
    step(
      `Create ${index.unique ? "unique " : ""}index "${index.name}" on (${index.fields.join(", ")})`,
      [adminIndex(after, index)],
      {
        checks,
      },
    );
  }

  // Trigger bodies name tables and columns: rewrite them whenever this collection changed.
  const triggers: string[] = [];
  for (const field of after.fields) {
    if (field.type === "relation" && field.multiple) {
      triggers.push(...multiRelationTrigger(after, field, targetName(after, field, lookup)));
    }
  }
  for (const other of lookup.all()) {
    if (other.id === after.id) continue;
    for (const field of other.fields) {
      if (field.type === "relation" && field.multiple && field.collection === after.id) {
        triggers.push(...multiRelationTrigger(other, field, after.name));
      }
    }
  }
  if (triggers.length > 0 && steps.length > 0) {
    step("Refresh the triggers that keep multiple relations consistent", triggers);
  }
  return steps;
}

function planFieldOptions(
  collection: Collection,
  old: Field,
  field: Field,
  lookup: CollectionLookup,
): SchemaStep[] {
  const steps: SchemaStep[] = [];
  const table = tableRef(collection.name);
  const col = q(field.name);
  const key = `fields.${field.name}`;
  const step = (description: string, statements: string[], checks: SchemaCheck[] = []) =>
    steps.push({ description, statements, destructive: false, checks });

  const oldDefault = columnDefault(old);
  const newDefault = columnDefault(field);
  if (oldDefault !== newDefault) {
    step(`Change the default of "${field.name}"`, [
      newDefault === undefined
        ? `ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT`
        : `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${newDefault}`,
    ]);
  }
  if (old.nullable !== field.nullable && field.id !== "id") {
    if (field.nullable) {
      step(`Allow null in "${field.name}"`, [
        `ALTER TABLE ${table} ALTER COLUMN ${col} DROP NOT NULL`,
      ]);
    } else {
      step(
        `Require a value in "${field.name}" (NOT NULL)`,
        [`ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL`],
        [
          {
            key,
            sql: `SELECT count(*)::int AS n FROM ${table} WHERE ${col} IS NULL`,
            message: `{n} record(s) have no value for "${field.name}".`,
          },
        ],
      );
    }
  }
  const oldCheck = checkPredicate({ ...old, name: field.name } as Field);
  const newCheck = checkPredicate(field);
  if (oldCheck !== newCheck) {
    const statements = [`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${q(checkName(field))}`];
    const checks: SchemaCheck[] = [];
    if (newCheck) {
      statements.push(
        `ALTER TABLE ${table} ADD CONSTRAINT ${q(checkName(field))} CHECK (${newCheck})`,
      );
      checks.push({
        key,
        sql: `SELECT count(*)::int AS n FROM ${table} WHERE NOT (${newCheck})`,
        message: `{n} record(s) hold values of "${field.name}" that the new options do not allow.`,
      });
    }
    step(`Change the constraints of "${field.name}"`, statements, checks);
  }
  if (old.unique !== field.unique && field.id !== "id") {
    if (field.unique) {
      const expression = field.type === "email" ? `lower(${col})` : col;
      step(
        `Make "${field.name}" unique`,
        [uniqueIndex(collection, field)],
        [duplicateCheck(collection, [expression], key, `"${field.name}"`)],
      );
    } else {
      step(`Stop requiring "${field.name}" to be unique`, [
        `DROP INDEX IF EXISTS "public".${q(uniqueIndexName(collection, field))}`,
      ]);
    }
  }
  if (
    old.type === "relation" &&
    field.type === "relation" &&
    !field.multiple &&
    old.onDelete !== field.onDelete
  ) {
    step(`Change what deleting a related record does to "${field.name}"`, [
      `ALTER TABLE ${table} DROP CONSTRAINT ${q(foreignKeyName(field))}`,
      `ALTER TABLE ${table} ADD ${foreignKeyClause(field, targetName(collection, field, lookup)).replace("REFERENCES", `FOREIGN KEY (${col}) REFERENCES`)}`,
    ]);
  }
  return steps;
}
