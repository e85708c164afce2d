import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { tableSql } from "../records/record-sql.js";
import { audit } from "./audit.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { consumeAuthToken } from "./auth-token-store.js";
import { forgetSubjectAfterCommit } from "./session-cache.js";

/** Marks the email verified, if it is still the address the link was sent to. */
export async function confirmVerification({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; token: unknown };
}): Promise<void> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const row = await consumeAuthToken(ctx, {
    kind: "verify_email",
    token: String(input.token ?? ""),
  });
  if (row.collectionId !== collection.id)
    throw errors.badRequest("The link or code is invalid or has expired.");
  await ctx.db.execute(
    sql`UPDATE ${tableSql(collection)} SET "verified" = true WHERE "id" = ${row.subjectId} AND lower("email") = lower(${row.email})`,
  );
  if (row.subjectId) forgetSubjectAfterCommit(ctx, row.subjectId);
  await audit(ctx, {
    action: "auth.verified",
    collectionId: collection.id,
    subjectId: row.subjectId,
  });
}
