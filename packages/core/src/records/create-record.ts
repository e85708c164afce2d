import { queryRows } from "@cairn/db";
import type { Collection, Field } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import { hashPassword } from "../auth/passwords.js";
import { type Ctx, isPrivileged, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { newRecordId } from "../ids.js";
import { type ApiRecord, rowToRecord } from "./record-codec.js";
import { emitRecordEvent } from "./record-events.js";
import { syncRecordFiles } from "./record-files.js";
import { ruleAccess } from "./record-rules.js";
import { columnsSql, tableSql, valueSql, writeError } from "./record-sql.js";
import { validateRecordInput } from "./record-validate.js";
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
 * Creates a record. The create rule is checked against the row as inserted, so rules may
 * follow its relations; a refusal undoes the insert (403). Most creates are one statement
 * (writesInOneStatement); the rest a transaction.
 */
export async function createRecord({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: OutputOptions & {
    collection: string;
    body: Record<string, unknown>;
    form?: Record<string, string[]> | undefined;
  };
}): Promise<ApiRecord> {
  const { collection, lookup } = await resolveCollection(ctx, input.collection);
  requireWritable(collection);
  const body = writeBody(collection, input);
  const access = ruleAccess(ctx, collection, lookup, "createRule", body);
  if (access.kind === "deny") throw errors.forbidden(access.message);
  const validated = validateRecordInput(collection, body, {
    mode: "create",
    isSuperuser: isPrivileged(ctx, collection.name, "write"),
  });

  const id = validated.id ?? newRecordId();
  const values = new Map([...validated.values, ...autodateValues(collection, "create", ctx.now())]);
  if (validated.password !== undefined) {
    const passwordField = collection.fields.find((f) => f.name === "password")!;
    values.set(passwordField, await hashPassword(validated.password));
  }
  const refused = `The create rule of "${collection.name}" does not allow this record.`;

  if (writesInOneStatement(ctx, collection, access, validated)) {
    const row = await writeInOneStatement(ctx, collection, {
      parts: sql`"rec" AS (${insertSql(collection, id, values)})`,
      action: "created",
      access,
      refused,
    });
    const [record] = await present(ctx, collection, lookup, [rowToRecord(collection, row!)], input);
    return record!;
  }

  return withTransaction(ctx, async (tx) => {
    await checkRelationTargets(tx, collection, lookup, validated);
    let row: Record<string, unknown> | undefined;
    let allowed: boolean;
    try {
      // The rule is checked on the row as inserted: both statements go out at once, and Postgres
      // runs them in order (one round trip instead of two).
      [[row], allowed] = await Promise.all([
        queryRows(tx.db, insertSql(collection, id, values)),
        access.kind === "where" ? ruleHolds(tx, collection, id, access.condition) : true,
      ]);
    } catch (error) {
      throw writeError(collection, error);
    }
    if (!allowed) throw errors.forbidden(refused);
    await syncRecordFiles(tx, collection, id, validated);
    const stored = rowToRecord(collection, row!);
    await emitRecordEvent(tx, collection, "created", stored);
    const [record] = await present(tx, collection, lookup, [stored], input);
    return record!;
  });
}

function insertSql(collection: Collection, id: string, values: Map<Field, unknown>): SQL {
  const columns = [sql.identifier("id"), ...[...values.keys()].map((f) => sql.identifier(f.name))];
  const params = [sql`${id}`, ...[...values].map(([field, value]) => valueSql(field, value))];
  return sql`INSERT INTO ${tableSql(collection)} (${sql.join(columns, sql`, `)}) VALUES (${sql.join(params, sql`, `)}) RETURNING ${columnsSql(collection)}`;
}
