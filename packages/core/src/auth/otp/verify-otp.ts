// Signs in with the six-digit code from the mail. Each try is counted against the user's live
// code before it is compared, so no more than `otpMaxAttempts` guesses ever reach a code.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { and, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { type Ctx, withTransaction } from "../../context.js";
import { audit } from "../audit.js";
import { findUserByEmail, resolveAuthCollection } from "../auth-collection.js";
import { consumeAuthToken, tokenId } from "../auth-token-store.js";
import type { SignInResult } from "../complete-sign-in.js";
import {
  invalidOtp,
  limitOtp,
  otpMaxAttempts,
  parseOtpEmail,
  requireOtpEnabled,
} from "./otp-policy.js";
import { finishEmailSignIn, sameEmail } from "./otp-sign-in.js";

export async function verifyOtp({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; email: unknown; code: unknown };
}): Promise<SignInResult> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  requireOtpEnabled(collection);
  const email = parseOtpEmail(input.email);
  // People paste "123 456".
  const code = typeof input.code === "string" ? input.code.replace(/\s+/g, "") : "";
  await limitOtp(ctx, { action: "verify", collection, email });

  const user = await findUserByEmail(ctx, collection, email);
  // An unknown address runs the same queries for a subject that cannot exist, so it answers
  // exactly like a wrong code, in about the same time.
  const attempt = await countAttempt(ctx, collection, user?.id ?? "");
  const encode = (text: string) => new TextEncoder().encode(text);
  const matches =
    attempt !== undefined &&
    user !== undefined &&
    /^\d{6}$/.test(code) &&
    constantTimeEqual(encode(attempt.id), encode(tokenId("otp", code, user.id))) &&
    sameEmail(attempt.email, user);
  if (matches) {
    return withTransaction(ctx, async (tx) => {
      // Marks the code used; a concurrent request that also matched loses here with a 400.
      await consumeAuthToken(tx, { kind: "otp", token: code, salt: user.id });
      return finishEmailSignIn(tx, { collection, user, method: "otp" });
    });
  }
  if (attempt && attempt.attempts >= otpMaxAttempts) {
    await ctx.db
      .update(schema.authTokens)
      .set({ usedAt: ctx.now() })
      .where(eq(schema.authTokens.id, attempt.id));
    await audit(ctx, {
      action: "auth.locked_out",
      collectionId: collection.id,
      subjectId: user?.id ?? null,
      detail: { method: "otp", attempts: attempt.attempts },
    });
  }
  await audit(ctx, {
    action: "auth.sign_in_failed",
    collectionId: collection.id,
    subjectId: user?.id ?? null,
    detail: { method: "otp" },
  });
  throw invalidOtp();
}

/** Counts one try against the newest live code of the subject; undefined when none is left. */
async function countAttempt(
  ctx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<{ id: string; email: string | null; attempts: number } | undefined> {
  const t = schema.authTokens;
  const now = ctx.now();
  const [live] = await ctx.db
    .select({ id: t.id })
    .from(t)
    .where(
      and(
        eq(t.kind, "otp"),
        eq(t.collectionId, collection.id),
        eq(t.subjectId, subjectId),
        isNull(t.usedAt),
        gt(t.expiresAt, now),
      ),
    )
    .orderBy(desc(t.created))
    .limit(1);
  // The conditions again, in the statement that counts: two requests cannot both take the
  // last try.
  const [row] = await ctx.db
    .update(t)
    .set({ attempts: sql`${t.attempts} + 1` })
    .where(
      and(
        eq(t.id, live?.id ?? ""),
        isNull(t.usedAt),
        gt(t.expiresAt, now),
        lt(t.attempts, otpMaxAttempts),
      ),
    )
    .returning({ id: t.id, email: t.email, attempts: t.attempts });
  return row;
}
