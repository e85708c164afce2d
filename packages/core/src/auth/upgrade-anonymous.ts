import { sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { withTransaction } from "../context.js";
import { errors } from "../errors.js";
import type { ApiRecord } from "../records/record-codec.js";
import { tableSql } from "../records/record-sql.js";
import { validateValue } from "../records/record-validate.js";
import { pgErrorOf } from "../sql.js";
import { audit } from "./audit.js";
import { findUserById, ownRecord } from "./auth-collection.js";
import { requireUser } from "./current-user.js";
import { hashPassword, maxPasswordLength } from "./passwords.js";
import { sendVerification } from "./request-verification.js";
import { forgetSubjectAfterCommit } from "./session-cache.js";

/** Turns the signed-in guest into a full account with email and password; same id, same data. */
export async function upgradeAnonymous({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; email: unknown; password: unknown };
}): Promise<ApiRecord> {
  const { collection, userId } = await requireUser(ctx, input.collection);
  const current = await findUserById(ctx, collection, userId);
  if (!current || current.email)
    throw errors.badRequest("Only guests (users without an email) can be upgraded.");
  const problems: Record<string, { code: string; message: string }> = {};
  const email = validateValue(
    collection.fields.find((f) => f.name === "email")!,
    input.email ?? "",
    "email",
    (k, code, message) => {
      problems[k] = { code, message };
    },
  );
  const min = collection.auth?.minPasswordLength ?? 8;
  if (
    typeof input.password !== "string" ||
    [...input.password].length < min ||
    input.password.length > maxPasswordLength
  ) {
    problems.password = {
      code: "too_short",
      message: `Must be ${min} to ${maxPasswordLength} characters.`,
    };
  }
  if (typeof email !== "string" || email === "")
    problems.email ??= { code: "required", message: "Is required." };
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  const hash = await hashPassword(input.password as string);
  return withTransaction(ctx, async (tx) => {
    try {
      await tx.db.execute(
        sql`UPDATE ${tableSql(collection)} SET "email" = ${email as string}, "password" = ${hash}, "updated" = ${tx.now().toISOString()}::timestamptz WHERE "id" = ${userId}`,
      );
      forgetSubjectAfterCommit(tx, userId);
    } catch (error) {
      if (pgErrorOf(error)?.code === "23505") {
        throw errors.validation({
          email: { code: "not_unique", message: "That email address is already in use." },
        });
      }
      throw error;
    }
    const user = (await findUserById(tx, collection, userId))!;
    await sendVerification(tx, collection, user);
    await audit(tx, {
      action: "auth.anonymous_upgraded",
      collectionId: collection.id,
      subjectId: userId,
    });
    return ownRecord(collection, user);
  });
}
