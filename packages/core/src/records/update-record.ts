import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { revokeSessionsOf } from "../auth/revoke-sessions.js";
import { type Ctx, isPrivileged, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { type ApiRecord, rowToRecord } from "./record-codec.js";
import { emitRecordEvent } from "./record-events.js";
import { syncRecordFiles } from "./record-files.js";
import { ruleAccess } from "./record-rules.js";
import { columnsSql, recordAlias, tableSql, valueSql, writeError } from "./record-sql.js";
import { validateRecordInput } from "./record-validate.js";
import {
  type OutputOptions,
  present,
  requireWritable,
  resolveCollection,
} from "./record-verbs-shared.js";
import { autodateValues, checkRelationTargets, ruleHolds, writeBody } from "./record-write.js";

/**
 * Updates a record (PATCH semantics). The update rule is checked against the record as it is,
 * with the new values as @request.body (a record the rule hides answers 404), and again
 * against the record as it becomes (403 and nothing written when it fails).
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
  const r = sql.identifier(recordAlias);

  return withTransaction(ctx, async (tx) => {
    const condition = access.kind === "where" ? sql` AND (${access.condition})` : sql``;
    const [current] = await queryRows(
      tx.db,
      sql`SELECT ${columnsSql(collection, recordAlias)} FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${input.id}${condition} FOR UPDATE OF ${r}`,
    );
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
    const sets = [
      ...[...values].map(
        ([field, value]) => sql`${sql.identifier(field.name)} = ${valueSql(field, value)}`,
      ),
      ...[...validated.increments].map(
        ([field, by]) =>
          sql`${sql.identifier(field.name)} = coalesce(${sql.identifier(field.name)}, 0) + ${by}::double precision`,
      ),
    ];
    let row: Record<string, unknown> | undefined;
    let allowed: boolean;
    try {
      // The rule must hold for the record as it becomes, too: an update cannot move a record
      // out of the caller's reach (hand it to another owner, say). Checked on the updated row,
      // sent with the UPDATE (Postgres runs them in order).
      [[row], allowed] = await Promise.all([
        queryRows(
          tx.db,
          sql`UPDATE ${tableSql(collection)} SET ${sql.join(sets, sql`, `)} WHERE "id" = ${input.id} RETURNING ${columnsSql(collection)}`,
        ),
        access.kind === "where" ? ruleHolds(tx, collection, input.id, access.condition) : true,
      ]);
    } catch (error) {
      throw writeError(collection, error);
    }
    if (!allowed) {
      throw errors.forbidden(`The update rule of "${collection.name}" does not allow this change.`);
    }
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
