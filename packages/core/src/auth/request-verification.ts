import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { resolveAuthCollection, type UserRow } from "./auth-collection.js";
import { mailFlowLink, userForMailRequest } from "./auth-mail.js";

export const verificationTtlMs = 3 * 24 * 60 * 60 * 1000;

export async function sendVerification(
  ctx: Ctx,
  collection: Collection,
  user: UserRow,
): Promise<void> {
  await mailFlowLink(ctx, {
    collection,
    user,
    to: user.email!,
    kind: "verify_email",
    ttlMs: verificationTtlMs,
    page: "confirm-verification",
    template: "verification",
  });
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
  const user = await userForMailRequest(ctx, { collection, email: input.email, scope: "verify" });
  if (user && !user.verified && user.email) await sendVerification(ctx, collection, user);
}
