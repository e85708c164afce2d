// The shared end of a code or magic-link sign-in: the mail was read, so the address is proven
// (the user becomes verified), every other live code and link of the user dies, and the
// sign-in completes (a session, or the MFA step).
import { queryRows, schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../../context.js";
import { rowToRecord } from "../../records/record-codec.js";
import { tableSql, valueSql } from "../../records/record-sql.js";
import { autodateValues } from "../../records/record-write.js";
import { audit } from "../audit.js";
import type { UserRow } from "../auth-collection.js";
import { completeSignIn, type SignInResult } from "../complete-sign-in.js";
import { forgetSubjectAfterCommit } from "../session-cache.js";

export async function retireEmailSignInTokens(
  ctx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<void> {
  await ctx.db
    .update(schema.authTokens)
    .set({ usedAt: ctx.now() })
    .where(
      and(
        inArray(schema.authTokens.kind, ["otp", "magic_link"]),
        eq(schema.authTokens.collectionId, collection.id),
        eq(schema.authTokens.subjectId, subjectId),
        isNull(schema.authTokens.usedAt),
      ),
    );
}

/** The token was sent to the address the user has now (not one they have since left). */
export function sameEmail(tokenEmail: string | null, user: UserRow): boolean {
  return (
    tokenEmail !== null &&
    user.email !== null &&
    tokenEmail.toLowerCase() === user.email.toLowerCase()
  );
}

/** Call inside the sign-in's transaction. */
export async function finishEmailSignIn(
  tx: Ctx,
  input: { collection: Collection; user: UserRow; method: "otp" | "magic_link" },
): Promise<SignInResult> {
  const { collection, method } = input;
  let user = input.user;
  await retireEmailSignInTokens(tx, collection, user.id);
  if (!user.verified) {
    const sets: SQL[] = [sql`"verified" = true`];
    for (const [field, value] of autodateValues(collection, "update", tx.now())) {
      sets.push(sql`${sql.identifier(field.name)} = ${valueSql(field, value)}`);
    }
    const [row] = await queryRows(
      tx.db,
      sql`UPDATE ${tableSql(collection)} SET ${sql.join(sets, sql`, `)} WHERE "id" = ${user.id} RETURNING *`,
    );
    if (row) user = rowToRecord(collection, row) as UserRow;
    forgetSubjectAfterCommit(tx, user.id);
    await audit(tx, {
      action: "auth.verified",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { method },
    });
  }
  return completeSignIn(tx, { collection, user, method });
}
