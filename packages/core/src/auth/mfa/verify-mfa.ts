// Finishes a sign-in that answered `mfaRequired`: the MFA token plus an authenticator code or
// a recovery code opens the session. Each try counts against the token (and the user) first.
import { type Ctx, withTransaction } from "../../context.js";
import { errors } from "../../errors.js";
import { audit } from "../audit.js";
import { findUserById, resolveAuthCollection } from "../auth-collection.js";
import { consumeAuthToken } from "../auth-token-store.js";
import { type SignInResult, startSession } from "../complete-sign-in.js";
import { checkSecondFactor, findFactor } from "./mfa-factor-store.js";
import { countMfaTokenAttempt } from "./mfa-pending.js";
import {
  invalidMfaToken,
  limitMfaByIp,
  limitMfaByUser,
  mfaTokenMaxAttempts,
  parseSecondFactor,
  wrongMfaCode,
} from "./mfa-policy.js";

export async function verifyMfa({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; mfaToken: unknown; code?: unknown; recoveryCode?: unknown };
}): Promise<Extract<SignInResult, { token: string }>> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  await limitMfaByIp(ctx);
  const proof = parseSecondFactor(input);
  const pending = await countMfaTokenAttempt(ctx, collection, input.mfaToken);
  await limitMfaByUser(ctx, collection, pending.subjectId);
  const user = await findUserById(ctx, collection, pending.subjectId);
  if (!user) throw invalidMfaToken();
  const factor = await findFactor(ctx, collection, user.id);
  if (!factor?.confirmedAt) {
    throw errors.badRequest(
      "This account has no authenticator yet: enrol one with mfa/enroll and mfa/confirm, passing this mfaToken.",
    );
  }
  const session = await withTransaction(ctx, async (tx) => {
    if (!(await checkSecondFactor(tx, { collection, factor, proof }))) return undefined;
    await consumeAuthToken(tx, { kind: "mfa_pending", token: input.mfaToken as string });
    return startSession(tx, { collection, user, method: "mfa" });
  });
  if (session) return session;
  await audit(ctx, {
    action: "auth.sign_in_failed",
    collectionId: collection.id,
    subjectId: user.id,
    detail: { method: "mfa", proof: proof.kind },
  });
  if (pending.attempts >= mfaTokenMaxAttempts) {
    await audit(ctx, {
      action: "auth.locked_out",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { method: "mfa", attempts: pending.attempts },
    });
  }
  throw wrongMfaCode();
}
