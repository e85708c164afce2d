import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { createRecord } from "../records/create-record.js";
import { findUserById, resolveAuthCollection } from "./auth-collection.js";
import { completeSignIn, type SignInResult } from "./complete-sign-in.js";
import { sendVerification } from "./request-verification.js";

export type SignUpResult =
  | SignInResult
  | { record: Record<string, unknown>; verificationRequired: true };

/**
 * Creates a user with email and password (through the collection's create rule, like any
 * record), sends the verification mail, and signs them in unless the collection requires a
 * verified email first.
 */
export async function signUp({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; body: Record<string, unknown> };
}): Promise<SignUpResult> {
  const { collection, options } = await resolveAuthCollection(ctx, input.collection);
  if (!options.password)
    throw errors.badRequest(`"${collection.name}" does not allow signing up with a password.`);
  const missing: Record<string, { code: string; message: string }> = {};
  if (typeof input.body.email !== "string" || input.body.email === "")
    missing.email = { code: "required", message: "Is required." };
  if (typeof input.body.password !== "string" || input.body.password === "") {
    missing.password = { code: "required", message: "Is required." };
  }
  if (Object.keys(missing).length > 0) throw errors.validation(missing);
  const created = await createRecord({
    ctx,
    input: { collection: collection.name, body: input.body },
  });
  const user = (await findUserById(ctx, collection, created.id))!;
  if (!user.verified && user.email) await sendVerification(ctx, collection, user);
  if (options.requireVerifiedEmail && !user.verified) {
    return { record: created, verificationRequired: true };
  }
  return completeSignIn(ctx, { collection, user, method: "password" });
}
