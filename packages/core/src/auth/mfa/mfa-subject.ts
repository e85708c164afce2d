// Who an MFA request is about: the signed-in user of this collection, or (for enrolment only)
// the user of a pending sign-in whose collection requires MFA and who has no authenticator yet.
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { authOptionsOf, findUserById, type UserRow } from "../auth-collection.js";
import { hasConfirmedFactor } from "../complete-sign-in.js";
import { countMfaTokenAttempt, type PendingSignIn, peekMfaToken } from "./mfa-pending.js";
import { invalidMfaToken } from "./mfa-policy.js";

/**
 * The user behind the request's session. An impersonating superuser is refused: an
 * authenticator belongs to the person who holds it (superusers have the reset instead).
 */
export async function sessionUser(ctx: Ctx, collection: Collection): Promise<UserRow> {
  const actor = ctx.actor;
  if (actor.kind === "anonymous") throw errors.unauthorized("Sign in first.");
  if (actor.kind !== "user" || actor.collectionId !== collection.id) {
    throw errors.forbidden(`Only a signed-in "${collection.name}" user manages their own MFA.`);
  }
  if (actor.impersonator) {
    throw errors.forbidden("MFA cannot be changed while impersonating a user.");
  }
  const user = await findUserById(ctx, collection, actor.id);
  if (!user) throw errors.unauthorized("Sign in first.");
  return user;
}

export type EnrollingUser =
  | { via: "session"; user: UserRow }
  | { via: "mfaToken"; user: UserRow; token: string; pending: PendingSignIn };

/**
 * Enrolment and confirmation: with an MFA token when one is given, else the session.
 * `countAttempt` (confirmation) counts a code try against the token.
 */
export async function enrollingUser(
  ctx: Ctx,
  input: { collection: Collection; mfaToken: unknown; countAttempt: boolean },
): Promise<EnrollingUser> {
  const { collection, mfaToken } = input;
  if (mfaToken === undefined || mfaToken === null) {
    return { via: "session", user: await sessionUser(ctx, collection) };
  }
  const pending = input.countAttempt
    ? await countMfaTokenAttempt(ctx, collection, mfaToken)
    : await peekMfaToken(ctx, collection, mfaToken);
  const user = await findUserById(ctx, collection, pending.subjectId);
  if (!user) throw invalidMfaToken();
  if (await hasConfirmedFactor(ctx, collection, user.id)) {
    throw errors.conflict(
      "This account already has an authenticator: finish the sign-in with mfa/verify.",
    );
  }
  if (authOptionsOf(collection).mfa !== "required") {
    throw errors.forbidden(
      "An MFA token enrols an authenticator only where the collection requires MFA; sign in and enrol with the session.",
    );
  }
  return { via: "mfaToken", user, token: mfaToken as string, pending };
}
