import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { tableSql } from "../records/record-sql.js";
import { audit } from "./audit.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { consumeAuthToken } from "./auth-token-store.js";
import { hashPassword, maxPasswordLength } from "./passwords.js";
import { revokeSessionsOf } from "./revoke-sessions.js";

/** Sets a new password from a reset link; every session of the user ends. */
export async function confirmPasswordReset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; token: unknown; password: unknown };
}): Promise<void> {
  const { collection, options } = await resolveAuthCollection(ctx, input.collection);
  const password = input.password;
  if (
    typeof password !== "string" ||
    [...password].length < options.minPasswordLength ||
    password.length > maxPasswordLength
  ) {
    throw errors.validation({
      password: {
        code: "too_short",
        message: `Must be ${options.minPasswordLength} to ${maxPasswordLength} characters.`,
      },
    });
  }
  const row = await consumeAuthToken(ctx, {
    kind: "reset_password",
    token: String(input.token ?? ""),
  });
  if (row.collectionId !== collection.id || !row.subjectId)
    throw errors.badRequest("The link or code is invalid or has expired.");
  // Proving access to the mailbox also verifies the address.
  await ctx.db.execute(
    sql`UPDATE ${tableSql(collection)} SET "password" = ${await hashPassword(password)}, "verified" = true WHERE "id" = ${row.subjectId}`,
  );
  await revokeSessionsOf(ctx, { kind: "user", collectionId: collection.id, id: row.subjectId });
  await audit(ctx, {
    action: "auth.password_reset",
    collectionId: collection.id,
    subjectId: row.subjectId,
  });
}
