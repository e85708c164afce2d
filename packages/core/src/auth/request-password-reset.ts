import type { Ctx } from "../context.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { mailFlowLink, userForMailRequest } from "./auth-mail.js";

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
  const user = await userForMailRequest(ctx, { collection, email: input.email, scope: "reset" });
  if (!user?.email) return;
  await mailFlowLink(ctx, {
    collection,
    user,
    to: user.email,
    kind: "reset_password",
    ttlMs: passwordResetTtlMs,
    page: "confirm-password-reset",
    template: "passwordReset",
  });
}
