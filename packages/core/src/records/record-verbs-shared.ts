import type { Collection } from "@cairn/schema";
import { sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import { asViewReader } from "../collections/collection-view.js";
import { type Ctx, isPrivileged, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { type ApiRecord, presentRecord } from "./record-codec.js";
import { expandRecords, parseExpand } from "./record-expand.js";
import { parseFields, projectRecord } from "./record-fields.js";

export async function resolveCollection(
  ctx: Ctx,
  name: string,
): Promise<{ collection: Collection; lookup: CollectionLookup }> {
  const lookup = await ctx.collections.current(ctx.db);
  const collection = lookup.byName(name) ?? lookup.byId(name);
  if (!collection) throw errors.notFound(`No collection "${name}".`);
  return { collection, lookup };
}

/**
 * Runs a read; a view collection's read runs in a read-only transaction under the view role,
 * so the admin's query cannot write or reach privileged functions.
 */
export function readAs<T>(
  ctx: Ctx,
  collection: Collection,
  read: (ctx: Ctx) => Promise<T>,
): Promise<T> {
  if (collection.type !== "view") return read(ctx);
  const fresh = !ctx.inTransaction;
  return withTransaction(ctx, async (tx) => {
    if (fresh) await tx.db.execute(sql`SET TRANSACTION READ ONLY`);
    return asViewReader(tx, () => read(tx));
  });
}

export function requireWritable(collection: Collection): void {
  if (collection.type === "view")
    throw errors.badRequest(`"${collection.name}" is a view collection and is read-only.`);
}

export interface OutputOptions {
  expand?: string | undefined;
  fields?: string | undefined;
}

/** Expands, hides what the viewer may not see, and projects: the last step of every read. */
export async function present(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  records: ApiRecord[],
  options: OutputOptions,
): Promise<ApiRecord[]> {
  const fields = parseFields(options.fields);
  const expand = parseExpand(options.expand);
  if (expand) await expandRecords(ctx, collection, lookup, records, expand);
  const isSuperuser = isPrivileged(ctx, collection.name, "read");
  const viewerId = ctx.actor.kind === "user" ? ctx.actor.id : undefined;
  return records.map(
    (record) =>
      projectRecord(
        presentRecord(collection, record, { isSuperuser, viewerId }),
        fields,
      ) as ApiRecord,
  );
}
