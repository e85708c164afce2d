// Looking up auth collections and their users, for the sign-in flows. Users are read directly
// (not through the collection's rules): a flow decides who may do what on its own terms.
import { queryRows } from "@cairn/db";
import { type AuthOptions, authOptionsSchema, type Collection } from "@cairn/schema";
import { sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type ApiRecord, presentRecord, rowToRecord } from "../records/record-codec.js";
import { tableSql } from "../records/record-sql.js";

export function authOptionsOf(collection: Collection): AuthOptions {
  return collection.auth ?? authOptionsSchema.parse({});
}

export async function resolveAuthCollection(
  ctx: Ctx,
  name: string,
): Promise<{ collection: Collection; lookup: CollectionLookup; options: AuthOptions }> {
  const lookup = await ctx.collections.current(ctx.db);
  const collection = lookup.byName(name) ?? lookup.byId(name);
  if (collection?.type !== "auth") throw errors.notFound(`No auth collection "${name}".`);
  return { collection, lookup, options: authOptionsOf(collection) };
}

/** A user in API form with every field (password hash included): for the flows only. */
export type UserRow = ApiRecord & {
  email: string | null;
  password: string | null;
  verified: boolean;
};

export async function findUserByEmail(
  ctx: Ctx,
  collection: Collection,
  email: string,
): Promise<UserRow | undefined> {
  const [row] = await queryRows(
    ctx.db,
    sql`SELECT * FROM ${tableSql(collection)} WHERE lower("email") = lower(${email}) LIMIT 1`,
  );
  return row ? (rowToRecord(collection, row) as UserRow) : undefined;
}

export async function findUserById(
  ctx: Ctx,
  collection: Collection,
  id: string,
): Promise<UserRow | undefined> {
  const [row] = await queryRows(
    ctx.db,
    sql`SELECT * FROM ${tableSql(collection)} WHERE "id" = ${id}`,
  );
  return row ? (rowToRecord(collection, row) as UserRow) : undefined;
}

/** What a user sees of their own record. */
export function ownRecord(collection: Collection, user: ApiRecord): ApiRecord {
  return presentRecord(collection, user, { isSuperuser: false, viewerId: user.id });
}
