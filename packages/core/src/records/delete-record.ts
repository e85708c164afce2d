import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import { forgetDeletedUser } from "../auth/disabled-user-store.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { pgErrorOf } from "../sql.js";
import { rowToRecord } from "./record-codec.js";
import { emitRecordEvent } from "./record-events.js";
import { releaseRecordFiles } from "./record-files.js";
import { ruleAccess } from "./record-rules.js";
import { recordAlias, tableSql } from "./record-sql.js";
import { requireWritable, resolveCollection } from "./record-verbs-shared.js";

/**
 * Deletes a record the delete rule allows (404 otherwise). Relations pointing at it follow
 * their onDelete: cascade, set null, or restrict (409 while referenced).
 */
export async function deleteRecord({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; id: string };
}): Promise<void> {
  const { collection, lookup } = await resolveCollection(ctx, input.collection);
  requireWritable(collection);
  const access = ruleAccess(ctx, collection, lookup, "deleteRule");
  if (access.kind === "deny") throw errors.forbidden(access.message);
  const r = sql.identifier(recordAlias);
  const condition = access.kind === "where" ? sql` AND (${access.condition})` : sql``;
  await withTransaction(ctx, async (tx) => {
    let deleted: Record<string, unknown>[];
    try {
      deleted = await queryRows(
        tx.db,
        sql`DELETE FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${input.id}${condition} RETURNING ${r}.*`,
      );
    } catch (error) {
      // 23503: a multiple relation's trigger; 23001: a foreign key with ON DELETE RESTRICT.
      const code = pgErrorOf(error)?.code;
      if (code === "23503" || code === "23001") {
        throw errors.conflict(
          `"${collection.name}" record "${input.id}" is still referenced by other records.`,
        );
      }
      throw error;
    }
    if (deleted.length === 0)
      throw errors.notFound(`No "${collection.name}" record "${input.id}".`);
    await releaseRecordFiles(tx, collection, input.id);
    if (collection.type === "auth") await forgetDeletedUser(tx, collection.id, input.id);
    await emitRecordEvent(tx, collection, "deleted", rowToRecord(collection, deleted[0]!));
  });
}
