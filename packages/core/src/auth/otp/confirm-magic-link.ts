// Signs in with the token from a magic link. The link itself points at the app, which posts
// the token here: a GET that signed in would be spent by mail scanners that open links.
import { type Ctx, withTransaction } from "../../context.js";
import { isCairnError } from "../../errors.js";
import { audit } from "../audit.js";
import { findUserById, resolveAuthCollection } from "../auth-collection.js";
import { consumeAuthToken } from "../auth-token-store.js";
import type { SignInResult } from "../complete-sign-in.js";
import { invalidOtp, limitOtp, requireOtpEnabled } from "./otp-policy.js";
import { finishEmailSignIn, sameEmail } from "./otp-sign-in.js";

export async function confirmMagicLink({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; token: unknown };
}): Promise<SignInResult> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  requireOtpEnabled(collection);
  await limitOtp(ctx, { action: "magicLink", collection });
  if (typeof input.token !== "string") throw invalidOtp();
  const token = input.token;
  try {
    return await withTransaction(ctx, async (tx) => {
      const row = await consumeAuthToken(tx, { kind: "magic_link", token });
      if (row.collectionId !== collection.id || !row.subjectId) throw invalidOtp();
      const user = await findUserById(tx, collection, row.subjectId);
      if (!user || !sameEmail(row.email, user)) throw invalidOtp();
      return finishEmailSignIn(tx, { collection, user, method: "magic_link" });
    });
  } catch (error) {
    // Recorded outside the transaction, which the refusal rolled back.
    if (isCairnError(error) && error.code === "BAD_REQUEST") {
      await audit(ctx, {
        action: "auth.sign_in_failed",
        collectionId: collection.id,
        detail: { method: "magic_link" },
      });
    }
    throw error;
  }
}
