// Shared by create and update: relation targets must exist (and stay, while we write), autodate
// fields take the request's clock, and most writes are one statement.
import { queryRows } from "@cairn/db";
import type { Collection, Field, FieldError } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { announceEventsAfterCommit } from "../events/announce-events.js";
import { pgErrorOf } from "../sql.js";
import { recordEventSql } from "./record-events.js";
import { coerceFormBody } from "./record-form.js";
import type { Access } from "./record-rules.js";
import { columnsSql, recordAlias, tableSql, textArraySql, writeError } from "./record-sql.js";
import type { ValidatedInput } from "./record-validate.js";

/**
 * Multiple relations have no foreign key (they are arrays), so their targets are checked here
 * and locked FOR KEY SHARE until commit: a concurrent delete cannot slip in between.
 */
export async function checkRelationTargets(
  tx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  validated: ValidatedInput,
): Promise<void> {
  const problems: Record<string, FieldError> = {};
  for (const [field, value] of validated.values) {
    if (field.type !== "relation" || !field.multiple || !Array.isArray(value) || value.length === 0)
      continue;
    const target = field.collection === collection.id ? collection : lookup.byId(field.collection);
    if (!target) continue;
    const found = await queryRows<{ id: string }>(
      tx.db,
      sql`SELECT "id" FROM ${tableSql(target)} WHERE "id" = ANY(${textArraySql(value as string[])}) FOR KEY SHARE`,
    );
    const present = new Set(found.map((row) => row.id));
    const missing = (value as string[]).filter((id) => !present.has(id));
    if (missing.length > 0) {
      problems[field.name] = {
        code: "relation_not_found",
        message: `No "${target.name}" record(s): ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}.`,
      };
    }
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
}

/** The body of a create or update: JSON, or form fields typed by their fields (plus JSON). */
export function writeBody(
  collection: Collection,
  input: { body: Record<string, unknown>; form?: Record<string, string[]> | undefined },
): Record<string, unknown> {
  return input.form ? { ...coerceFormBody(collection, input.form), ...input.body } : input.body;
}

/** Whether the record, as it now is inside the transaction, passes the rule's condition. */
export async function ruleHolds(
  tx: Ctx,
  collection: Collection,
  id: string,
  condition: SQL,
): Promise<boolean> {
  const r = sql.identifier(recordAlias);
  const rows = await queryRows(
    tx.db,
    sql`SELECT 1 FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${id} AND (${condition})`,
  );
  return rows.length > 0;
}

export function autodateValues(
  collection: Collection,
  mode: "create" | "update",
  now: Date,
): Map<Field, unknown> {
  const out = new Map<Field, unknown>();
  for (const field of collection.fields) {
    if (field.type !== "autodate") continue;
    if (mode === "create" ? field.onCreate : field.onUpdate) out.set(field, now.toISOString());
  }
  return out;
}

/**
 * Whether a write can be one statement: the record, its event, its NOTIFY and the rule's check
 * on the row written, together (writeInOneStatement). Not inside a caller's transaction (a
 * batch), not for auth collections (password hashes, user events), not when files or multiple
 * relations need statements of their own, and only under rules that read nothing but the row
 * (a rule that follows a relation might reach the table being written, which a statement's own
 * parts cannot see changed).
 */
export function writesInOneStatement(
  ctx: Ctx,
  collection: Collection,
  access: Access,
  validated: Pick<ValidatedInput, "values">,
): boolean {
  if (ctx.inTransaction || collection.type !== "base") return false;
  if (access.kind === "where" && !access.readsOnlyRecord) return false;
  for (const field of validated.values.keys()) {
    if (field.type === "file" || (field.type === "relation" && field.multiple)) return false;
  }
  return true;
}

/** The error code cairn.require_rule raises (migration 0011). */
const ruleRefused = "CRN01";

/**
 * Runs a write as one statement, atomic without a transaction: `parts` define `rec` (the row
 * written, RETURNING columnsSql) and for an update `cur` (the row before); the event is written
 * from them, and the rule is checked on `rec` by cairn.require_rule, which raises when it does
 * not hold and so undoes the whole statement (403 `refused`). No row: `parts` wrote nothing.
 */
export async function writeInOneStatement(
  ctx: Ctx,
  collection: Collection,
  write: { parts: SQL; action: "created" | "updated"; access: Access; refused: string },
): Promise<Record<string, unknown> | undefined> {
  const r = sql.identifier(recordAlias);
  const check =
    write.access.kind === "where"
      ? sql`, "cairn"."require_rule"(${write.access.condition}) AS "_rule"`
      : sql``;
  try {
    const [row] = await queryRows(
      ctx.db,
      sql`WITH ${write.parts}, "ev" AS (${recordEventSql(collection, write.action)}) SELECT ${columnsSql(collection, recordAlias)}${check} FROM "rec" AS ${r}`,
    );
    if (row) announceEventsAfterCommit(ctx);
    return row;
  } catch (error) {
    if (pgErrorOf(error)?.code === ruleRefused) throw errors.forbidden(write.refused);
    throw writeError(collection, error);
  }
}
