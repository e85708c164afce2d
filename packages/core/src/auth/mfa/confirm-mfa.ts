// Confirms an enrolment with a first code from the app: the factor is on, ten recovery codes
// are made (and shown this once). Enrolling with an MFA token also finishes that sign-in.
import { schema } from "@cairn/db";
import { and, eq, isNull } from "drizzle-orm";
import { type Ctx, withTransaction } from "../../context.js";
import { errors } from "../../errors.js";
import type { ApiRecord } from "../../records/record-codec.js";
import { audit } from "../audit.js";
import { resolveAuthCollection } from "../auth-collection.js";
import { consumeAuthToken } from "../auth-token-store.js";
import { startSession } from "../complete-sign-in.js";
import { acceptTotp, findFactor } from "./mfa-factor-store.js";
import { limitMfaByIp, limitMfaByUser, parseTotpCode, wrongMfaCode } from "./mfa-policy.js";
import { replaceRecoveryCodes } from "./mfa-recovery-codes.js";
import { enrollingUser } from "./mfa-subject.js";

export type ConfirmMfaResult =
  | { recoveryCodes: string[] }
  | { recoveryCodes: string[]; token: string; expiresAt: string; record: ApiRecord };

export async function confirmMfa({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; code: unknown; mfaToken?: unknown };
}): Promise<ConfirmMfaResult> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  await limitMfaByIp(ctx);
  const code = parseTotpCode(input.code);
  const subject = await enrollingUser(ctx, {
    collection,
    mfaToken: input.mfaToken,
    countAttempt: true,
  });
  const { user } = subject;
  await limitMfaByUser(ctx, collection, user.id);
  const factor = await findFactor(ctx, collection, user.id);
  if (!factor) throw errors.badRequest("Nothing to confirm: start with mfa/enroll.");
  if (factor.confirmedAt) throw errors.conflict("The authenticator is already confirmed.");

  const result = await withTransaction(ctx, async (tx): Promise<ConfirmMfaResult | undefined> => {
    if (!(await acceptTotp(tx, factor, code))) return undefined;
    const t = schema.mfaFactors;
    const confirmed = await tx.db
      .update(t)
      .set({ confirmedAt: tx.now() })
      .where(and(eq(t.id, factor.id), isNull(t.confirmedAt)))
      .returning({ id: t.id });
    if (confirmed.length === 0) throw errors.conflict("The authenticator is already confirmed.");
    const recoveryCodes = await replaceRecoveryCodes(tx, collection, user.id);
    await audit(tx, {
      action: "auth.mfa_enabled",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { factor: "totp", via: subject.via },
    });
    if (subject.via === "session") return { recoveryCodes };
    await consumeAuthToken(tx, { kind: "mfa_pending", token: subject.token });
    return { recoveryCodes, ...(await startSession(tx, { collection, user, method: "mfa" })) };
  });
  if (!result) throw wrongMfaCode();
  return result;
}
