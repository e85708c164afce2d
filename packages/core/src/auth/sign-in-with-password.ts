import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { audit } from "./audit.js";
import { findUserByEmail, resolveAuthCollection } from "./auth-collection.js";
import { completeSignIn, type SignInResult } from "./complete-sign-in.js";
import { assertNotLocked, clearFailures, lockoutKey, recordFailure } from "./lockout.js";
import { verifyPassword } from "./passwords.js";

/**
 * Email and password. Unknown emails and wrong passwords answer alike, in about the same time
 * (a decoy hash is checked), and both count towards the account's lockout.
 */
export async function signInWithPassword({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; email: unknown; password: unknown };
}): Promise<SignInResult> {
  const { collection, options } = await resolveAuthCollection(ctx, input.collection);
  if (!options.password)
    throw errors.badRequest(`"${collection.name}" does not allow signing in with a password.`);
  if (
    typeof input.email !== "string" ||
    typeof input.password !== "string" ||
    input.email.length > 254
  ) {
    throw errors.validation({ email: { code: "required", message: "Send email and password." } });
  }
  const key = lockoutKey(`user:${collection.id}`, input.email);
  await assertNotLocked(ctx, key);
  const user = await findUserByEmail(ctx, collection, input.email);
  const ok = await verifyPassword(user?.password, input.password.slice(0, 1024));
  if (!user || !ok) {
    const locked = await recordFailure(ctx, key);
    await audit(ctx, {
      action: locked ? "auth.locked_out" : "auth.sign_in_failed",
      collectionId: collection.id,
      subjectId: user?.id ?? null,
      detail: { method: "password" },
    });
    throw errors.badRequest("Invalid email or password.");
  }
  await clearFailures(ctx, key);
  return completeSignIn(ctx, { collection, user, method: "password" });
}
