// The last step of every sign-in method: either a session, or (when the user has an
// authenticator, or the collection requires one) a short-lived MFA token to finish with a code.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { ApiRecord } from "../records/record-codec.js";
import { audit } from "./audit.js";
import { authOptionsOf, ownRecord, type UserRow } from "./auth-collection.js";
import { issueAuthToken } from "./auth-token-store.js";
import { createSession } from "./create-session.js";
import { assertNotDisabled } from "./disabled-user-store.js";

export type SignInMethod = "password" | "otp" | "magic_link" | "oauth2" | "anonymous" | "mfa";

export type SignInResult =
  | { token: string; expiresAt: string; record: ApiRecord }
  | { mfaRequired: true; mfaToken: string; enrollRequired: boolean };

export const mfaPendingTtlMs = 5 * 60 * 1000;

export async function hasConfirmedFactor(
  ctx: Ctx,
  collection: Collection,
  userId: string,
): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: schema.mfaFactors.id })
    .from(schema.mfaFactors)
    .where(
      and(
        eq(schema.mfaFactors.collectionId, collection.id),
        eq(schema.mfaFactors.subjectId, userId),
        isNotNull(schema.mfaFactors.confirmedAt),
      ),
    );
  return rows.length > 0;
}

export async function completeSignIn(
  ctx: Ctx,
  input: { collection: Collection; user: UserRow; method: SignInMethod },
): Promise<SignInResult> {
  const { collection, user, method } = input;
  const options = authOptionsOf(collection);
  // Every method has proven the user by now, so saying "disabled" gives nothing away.
  await assertNotDisabled(ctx, collection.id, user.id);
  if (method === "password" && options.requireVerifiedEmail && !user.verified) {
    throw errors.forbidden("Verify your email address before signing in.");
  }
  if (method !== "anonymous") {
    const hasFactor = await hasConfirmedFactor(ctx, collection, user.id);
    if (hasFactor || options.mfa === "required") {
      const { token } = await issueAuthToken(ctx, {
        kind: "mfa_pending",
        collectionId: collection.id,
        subjectId: user.id,
        payload: { method },
        ttlMs: mfaPendingTtlMs,
      });
      return { mfaRequired: true, mfaToken: token, enrollRequired: !hasFactor };
    }
  }
  return startSession(ctx, { collection, user, method });
}

/** Opens the session once every factor has been checked. */
export async function startSession(
  ctx: Ctx,
  input: { collection: Collection; user: UserRow; method: SignInMethod },
): Promise<{ token: string; expiresAt: string; record: ApiRecord }> {
  const { collection, user, method } = input;
  const options = authOptionsOf(collection);
  const { token, expiresAt } = await createSession({
    ctx,
    input: {
      subject: { kind: "user", collectionId: collection.id, id: user.id },
      lifetimeMs: options.sessionLifetimeSeconds * 1000,
      userAgent: ctx.request.headers.user_agent,
      ip: ctx.request.ip,
    },
  });
  await audit(ctx, {
    action: "auth.sign_in",
    collectionId: collection.id,
    subjectId: user.id,
    detail: { method },
  });
  return { token, expiresAt: expiresAt.toISOString(), record: ownRecord(collection, user) };
}
