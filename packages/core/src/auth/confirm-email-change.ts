import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { tableSql } from "../records/record-sql.js";
import { pgErrorOf } from "../sql.js";
import { audit } from "./audit.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { consumeAuthToken } from "./auth-token-store.js";
import { revokeSessionsOf } from "./revoke-sessions.js";
import { forgetSubjectAfterCommit } from "./session-cache.js";

/** Changes the email to the confirmed address (now verified); every session of the user ends. */
export async function confirmEmailChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; token: unknown };
}): Promise<void> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const row = await consumeAuthToken(ctx, {
    kind: "change_email",
    token: String(input.token ?? ""),
  });
  if (row.collectionId !== collection.id || !row.subjectId || !row.email) {
    throw errors.badRequest("The link or code is invalid or has expired.");
  }
  try {
    await ctx.db.execute(
      sql`UPDATE ${tableSql(collection)} SET "email" = ${row.email}, "verified" = true WHERE "id" = ${row.subjectId}`,
    );
    forgetSubjectAfterCommit(ctx, row.subjectId);
  } catch (error) {
    if (pgErrorOf(error)?.code === "23505")
      throw errors.conflict("That email address is already in use.");
    throw error;
  }
  await revokeSessionsOf(ctx, { kind: "user", collectionId: collection.id, id: row.subjectId });
  await audit(ctx, {
    action: "auth.email_changed",
    collectionId: collection.id,
    subjectId: row.subjectId,
  });
}
