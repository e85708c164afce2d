import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { cairnUrl, sendMail } from "../mail/send-mail.js";
import { findUserByEmail, resolveAuthCollection, type UserRow } from "./auth-collection.js";
import { issueAuthToken } from "./auth-token-store.js";
import { consumeRateLimit } from "./rate-limit.js";

export const verificationTtlMs = 3 * 24 * 60 * 60 * 1000;

export async function sendVerification(
  ctx: Ctx,
  collection: Collection,
  user: UserRow,
): Promise<void> {
  const { token } = await issueAuthToken(ctx, {
    kind: "verify_email",
    collectionId: collection.id,
    subjectId: user.id,
    email: user.email,
    ttlMs: verificationTtlMs,
    replace: true,
  });
  const link = `${cairnUrl(ctx)}/_/auth/confirm-verification?collection=${encodeURIComponent(collection.name)}&token=${token}`;
  await sendMail(ctx, { to: user.email!, template: "verification", vars: { link, token } });
}

/** Sends a verification mail if the address belongs to an unverified user; says nothing either way. */
export async function requestVerification({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; email: unknown };
}): Promise<void> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  if (typeof input.email !== "string" || input.email.length > 254) return;
  await consumeRateLimit(ctx, {
    key: `verify:${collection.id}:${input.email.toLowerCase()}`,
    limit: 5,
    windowMs: 3_600_000,
  });
  const user = await findUserByEmail(ctx, collection, input.email);
  if (user && !user.verified && user.email) await sendVerification(ctx, collection, user);
}
