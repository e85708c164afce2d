import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { newRecordId } from "../ids.js";
import { tableSql } from "../records/record-sql.js";
import { findUserById, resolveAuthCollection } from "./auth-collection.js";
import { completeSignIn, type SignInResult } from "./complete-sign-in.js";
import { consumeRateLimit } from "./rate-limit.js";

/**
 * A guest: a user without email or password, signed in at once. Their records are theirs like
 * anyone's; `upgradeAnonymous` later gives them an email and password, keeping their id.
 * Guests are created by the flow itself, not through the create rule: the collection's
 * `auth.anonymous` option is the switch.
 */
export async function signInAnonymously({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<SignInResult> {
  const { collection, options } = await resolveAuthCollection(ctx, input.collection);
  if (!options.anonymous) throw errors.badRequest(`"${collection.name}" does not allow guests.`);
  await consumeRateLimit(ctx, {
    key: `anonymous:${ctx.request.ip ?? "?"}`,
    limit: 30,
    windowMs: 3_600_000,
  });
  const id = newRecordId();
  const now = ctx.now().toISOString();
  await ctx.db.execute(
    sql`INSERT INTO ${tableSql(collection)} ("id", "created", "updated") VALUES (${id}, ${now}::timestamptz, ${now}::timestamptz)`,
  );
  const user = (await findUserById(ctx, collection, id))!;
  return completeSignIn(ctx, { collection, user, method: "anonymous" });
}
