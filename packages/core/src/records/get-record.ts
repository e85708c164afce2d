import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type ApiRecord, rowToRecord } from "./record-codec.js";
import { ruleAccess } from "./record-rules.js";
import { recordAlias, tableSql } from "./record-sql.js";
import { type OutputOptions, present, readAs, resolveCollection } from "./record-verbs-shared.js";

/** One record, if the view rule lets the actor see it; 404 otherwise (no existence leak). */
export async function getRecord({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: OutputOptions & { collection: string; id: string };
}): Promise<ApiRecord> {
  const { collection, lookup } = await resolveCollection(ctx, input.collection);
  const access = ruleAccess(ctx, collection, lookup, "viewRule");
  if (access.kind === "deny") throw errors.forbidden(access.message);
  const r = sql.identifier(recordAlias);
  const condition = access.kind === "where" ? sql` AND (${access.condition})` : sql``;
  return readAs(ctx, collection, async (ctx) => {
    const [row] = await queryRows(
      ctx.db,
      sql`SELECT ${r}.* FROM ${tableSql(collection)} AS ${r} WHERE ${r}."id" = ${input.id}${condition}`,
    );
    if (!row) throw errors.notFound(`No "${collection.name}" record "${input.id}".`);
    const [record] = await present(ctx, collection, lookup, [rowToRecord(collection, row)], input);
    return record!;
  });
}
