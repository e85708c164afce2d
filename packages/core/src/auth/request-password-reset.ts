import type { Ctx } from "../context.js";
import { cairnUrl, sendMail } from "../mail/send-mail.js";
import { findUserByEmail, resolveAuthCollection } from "./auth-collection.js";
import { issueAuthToken } from "./auth-token-store.js";
import { consumeRateLimit } from "./rate-limit.js";

export const passwordResetTtlMs = 60 * 60 * 1000;

/** Mails a reset link when the email belongs to a user; the answer is the same either way. */
export async function requestPasswordReset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; email: unknown };
}): Promise<void> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  if (typeof input.email !== "string" || input.email.length > 254) return;
  await consumeRateLimit(ctx, {
    key: `reset:${collection.id}:${input.email.toLowerCase()}`,
    limit: 5,
    windowMs: 3_600_000,
  });
  const user = await findUserByEmail(ctx, collection, input.email);
  if (!user?.email) return;
  const { token } = await issueAuthToken(ctx, {
    kind: "reset_password",
    collectionId: collection.id,
    subjectId: user.id,
    email: user.email,
    ttlMs: passwordResetTtlMs,
    replace: true,
  });
  const link = `${cairnUrl(ctx)}/_/auth/confirm-password-reset?collection=${encodeURIComponent(collection.name)}&token=${token}`;
  await sendMail(ctx, { to: user.email, template: "passwordReset", vars: { link, token } });
}
