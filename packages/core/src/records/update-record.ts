import { queryRows } from "@cairn/db";
import type { Collection, Field } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { revokeSessionsOf } from "../auth/revoke-sessions.js";
import { type Ctx, isPrivileged, withTransaction } from "../context.js";
import { errors, isCairnError } from "../errors.js";
import { type ApiRecord, rowToRecord } from "./record-codec.js";
import { emitRecordEvent } from "./record-events.js";
import { syncRecordFiles } from "./record-files.js";
import { type Access, ruleAccess } from "./record-rules.js";
import { columnsSql, recordAlias, tableSql, valueSql, writeError } from "./record-sql.js";
import { type ValidatedInput, validateRecordInput } from "./record-validate.js";
import {
  type OutputOptions,
  present,
  requireWritable,
  resolveCollection,
} from "./record-verbs-shared.js";
import {
  autodateValues,
  checkRelationTargets,
  ruleHolds,
  writeBody,
  writeInOneStatement,
  writesInOneStatement,
} from "./record-write.js";

/**
 * Updates a record (PATCH semantics). The update rule is checked against the record as it is,
 * with the new values as @request.body (a record the rule hides answers 404), and again
 * against the record as it becomes (403 and nothing written when it fails). Most updates are
 * one statement (writesInOneStatement); the rest a transaction.
 */
export async function updateRecord({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: OutputOptions & {
    collection: string;
    id: string;
    body: Record<string, unknown>;
    form?: Record<string, string[]> | undefined;
  };
}): Promise<ApiRecord> {
  const { collection, lookup } = await resolveCollection(ctx, input.collection);
  requireWritable(collection);
  const body = writeBody(collection, input);
  const access = ruleAccess(ctx, collection, lookup, "updateRule", body);
  if (access.kind === "deny") throw errors.forbidden(access.message);
  const refused = `The update rule of "${collection.name}" does not allow this change.`;

  // Validated ahead only where the write may be one statement (a batch, an auth collection or a
  // rule that follows relations never is): else the transaction validates, once.
  const ahead = writesInOneStatement(ctx, collection, access, { values: new Map() })
    ? validateAhead(ctx, collection, body)
    : undefined;
  if (ahead && writesInOneStatement(ctx, collection, access, ahead)) {
    const values = new Map([...ahead.values, ...autodateValues(collection, "update", ctx.now())]);
    const row = await writeInOneStatement(ctx, collection, {
      // The row is locked and read as it is before the UPDATE (its event's `before`); the
      // UPDATE then finds it by id, so the rule is not re-read from a snapshot that may be older.
      parts: sql`"cur" AS (${currentSql(collection, input.id, access)}), "rec" AS (${updateSql(collection, sql`(SELECT "id" FROM "cur")`, values, ahead.increments)})`,
      action: "updated",
      access,
      refused,
    });
    if (!row) throw errors.notFound(`No "${collection.name}" record "${input.id}".`);
    const [record] = await present(ctx, collection, lookup, [rowToRecord(collection, row)], input);
    return record!;
  }

  return withTransaction(ctx, async (tx) => {
    const [current] = await queryRows(tx.db, currentSql(collection, input.id, access));
    if (!current) throw errors.notFound(`No "${collection.name}" record "${input.id}".`);
    const existing = rowToRecord(collection, current);
    const validated = validateRecordInput(collection, body, {
      mode: "update",
      existing,
      isSuperuser: isPrivileged(ctx, collection.name, "write"),
    });
    await checkRelationTargets(tx, collection, lookup, validated);
    const passwordField = collection.fields.find((f) => f.name === "password");
    if (validated.password !== undefined && passwordField) {
      // Anyone but a superuser (or a write-scoped API key) must know the current password.
      if (!isPrivileged(ctx, collection.name, "write")) {
        const known = await verifyPassword(
          current.password as string | null,
          validated.oldPassword ?? "",
        );
        if (!known) {
          throw errors.validation({
            oldPassword: { code: "invalid", message: "The current password is not right." },
          });
        }
      }
      validated.values.set(passwordField, await hashPassword(validated.password));
    }
    const values = new Map([
      ...validated.values,
      ...autodateValues(collection, "update", tx.now()),
    ]);
    let row: Record<string, unknown> | undefined;
    let allowed: boolean;
    try {
      // The rule must hold for the record as it becomes, too: an update cannot move a record
      // out of the caller's reach (hand it to another owner, say). Checked on the updated row,
      // sent with the UPDATE (Postgres runs them in order).
      [[row], allowed] = await Promise.all([
        queryRows(tx.db, updateSql(collection, sql`${input.id}`, values, validated.increments)),
        access.kind === "where" ? ruleHolds(tx, collection, input.id, access.condition) : true,
      ]);
    } catch (error) {
      throw writeError(collection, error);
    }
    if (!allowed) throw errors.forbidden(refused);
    await syncRecordFiles(tx, collection, input.id, validated, existing);
    if (validated.password !== undefined && passwordField) {
      // A new password ends every other session of the user.
      const keep =
        ctx.actor.kind === "user" && ctx.actor.id === input.id ? ctx.actor.sessionId : undefined;
      await revokeSessionsOf(tx, { kind: "user", collectionId: collection.id, id: input.id }, keep);
      await audit(tx, {
        action: "auth.password_changed",
        collectionId: collection.id,
        subjectId: input.id,
      });
    }
    const stored = rowToRecord(collection, row!);
    await emitRecordEvent(tx, collection, "updated", stored, existing);
    const [record] = await present(tx, collection, lookup, [stored], input);
    return record!;
  });
}

/** The record as it is, locked, if the rule lets the caller see it for this update. */
function currentSql(collection: Collection, id: string, access: Access): SQL {
  const r = sql.identifier(recordAlias);
  const condition = access.kind === "where" ? sql` AND (${access.condition})` : sql``;
  return sql`SELECT ${columnsSql(collection, recordAlias)} FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${id}${condition} FOR UPDATE OF ${r}`;
}

function updateSql(
  collection: Collection,
  id: SQL,
  values: Map<Field, unknown>,
  increments: Map<Field, number>,
): SQL {
  const sets = [
    ...[...values].map(
      ([field, value]) => sql`${sql.identifier(field.name)} = ${valueSql(field, value)}`,
    ),
    ...[...increments].map(
      ([field, by]) =>
        sql`${sql.identifier(field.name)} = coalesce(${sql.identifier(field.name)}, 0) + ${by}::double precision`,
    ),
  ];
  return sql`UPDATE ${tableSql(collection)} SET ${sql.join(sets, sql`, `)} WHERE "id" = ${id} RETURNING ${columnsSql(collection)}`;
}

/**
 * The body validated before the record is read, when nothing in it needs the record's current
 * values (list modifiers such as `tags+` do); undefined when it does or when validation fails
 * (the transaction then answers 404 before any 400, as it reads the record first).
 */
function validateAhead(
  ctx: Ctx,
  collection: Collection,
  body: Record<string, unknown>,
): ValidatedInput | undefined {
  for (const key of Object.keys(body)) {
    const modifier = /^\+?([A-Za-z][A-Za-z0-9_]*)[+-]?$/.exec(key);
    if (modifier && modifier[0] !== modifier[1]) {
      const field = collection.fields.find((f) => f.name === modifier[1]);
      if (field?.type !== "number") return undefined;
    }
  }
  try {
    return validateRecordInput(collection, body, {
      mode: "update",
      isSuperuser: isPrivileged(ctx, collection.name, "write"),
    });
  } catch (error) {
    if (isCairnError(error)) return undefined;
    throw error;
  }
}
