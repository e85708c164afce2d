// MFA tokens (the "mfa_pending" auth tokens completeSignIn hands out after a first factor):
// read without using them, count code tries against them, and retire them.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { and, eq, gt, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../../context.js";
import { tokenId } from "../auth-token-store.js";
import { invalidMfaToken, mfaTokenMaxAttempts } from "./mfa-policy.js";

export interface PendingSignIn {
  id: string;
  subjectId: string;
  attempts: number;
}

function liveToken(ctx: Ctx, collection: Collection, token: unknown): SQL {
  const t = schema.authTokens;
  if (typeof token !== "string" || token === "" || token.length > 200) throw invalidMfaToken();
  return and(
    eq(t.id, tokenId("mfa_pending", token)),
    eq(t.kind, "mfa_pending"),
    eq(t.collectionId, collection.id),
    isNull(t.usedAt),
    gt(t.expiresAt, ctx.now()),
    lt(t.attempts, mfaTokenMaxAttempts),
  )!;
}

/** The pending sign-in behind a token, leaving the token as it is (enrolment). */
export async function peekMfaToken(
  ctx: Ctx,
  collection: Collection,
  token: unknown,
): Promise<PendingSignIn> {
  const t = schema.authTokens;
  const [row] = await ctx.db
    .select({ id: t.id, subjectId: t.subjectId, attempts: t.attempts })
    .from(t)
    .where(liveToken(ctx, collection, token));
  if (!row?.subjectId) throw invalidMfaToken();
  return { id: row.id, subjectId: row.subjectId, attempts: row.attempts };
}

/**
 * Counts one code try against the token, before the code is compared, in one statement: no
 * more than `mfaTokenMaxAttempts` tries ever reach a code through one token.
 */
export async function countMfaTokenAttempt(
  ctx: Ctx,
  collection: Collection,
  token: unknown,
): Promise<PendingSignIn> {
  const t = schema.authTokens;
  const [row] = await ctx.db
    .update(t)
    .set({ attempts: sql`${t.attempts} + 1` })
    .where(liveToken(ctx, collection, token))
    .returning({ id: t.id, subjectId: t.subjectId, attempts: t.attempts });
  if (!row?.subjectId) throw invalidMfaToken();
  return { id: row.id, subjectId: row.subjectId, attempts: row.attempts };
}

/** Marks one token, or every live one of a user, used. */
export async function retireMfaTokens(
  ctx: Ctx,
  collection: Collection,
  which: { id: string } | { subjectId: string },
): Promise<void> {
  const t = schema.authTokens;
  await ctx.db
    .update(t)
    .set({ usedAt: ctx.now() })
    .where(
      and(
        eq(t.kind, "mfa_pending"),
        eq(t.collectionId, collection.id),
        isNull(t.usedAt),
        "id" in which ? eq(t.id, which.id) : eq(t.subjectId, which.subjectId),
      ),
    );
}
