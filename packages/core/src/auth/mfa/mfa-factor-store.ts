// A user's TOTP factor: reading it, checking a code against it (each time step once), and
// removing it with its recovery codes. The secret never leaves this module after enrolment.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Ctx } from "../../context.js";
import type { SecondFactor } from "./mfa-policy.js";
import { deleteRecoveryCodes, useRecoveryCode } from "./mfa-recovery-codes.js";
import { matchTotp } from "./mfa-totp.js";

export type MfaFactor = typeof schema.mfaFactors.$inferSelect;

export async function findFactor(
  ctx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<MfaFactor | undefined> {
  const [factor] = await ctx.db
    .select()
    .from(schema.mfaFactors)
    .where(
      and(
        eq(schema.mfaFactors.collectionId, collection.id),
        eq(schema.mfaFactors.subjectId, subjectId),
      ),
    );
  return factor;
}

/**
 * Checks an authenticator code and records its time step, in the statement that also checks
 * no later step was taken meanwhile: a code (even one seen over a shoulder) works once.
 */
export async function acceptTotp(ctx: Ctx, factor: MfaFactor, code: string): Promise<boolean> {
  const step = matchTotp({
    secret: factor.secret,
    code,
    now: ctx.now(),
    afterStep: factor.lastStep === null ? null : Number(factor.lastStep),
  });
  if (step === undefined) return false;
  const t = schema.mfaFactors;
  const updated = await ctx.db
    .update(t)
    .set({ lastStep: String(step) })
    .where(and(eq(t.id, factor.id), or(isNull(t.lastStep), lt(sql`${t.lastStep}::bigint`, step))))
    .returning({ id: t.id });
  return updated.length === 1;
}

/** An authenticator code or a recovery code, against a confirmed factor. */
export async function checkSecondFactor(
  tx: Ctx,
  input: { collection: Collection; factor: MfaFactor; proof: SecondFactor },
): Promise<boolean> {
  const { collection, factor, proof } = input;
  return proof.kind === "totp"
    ? acceptTotp(tx, factor, proof.code)
    : useRecoveryCode(tx, collection, factor.subjectId, proof.code);
}

/** Removes the factor (confirmed or not) and the recovery codes; whether there was one. */
export async function removeFactor(
  tx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<boolean> {
  const removed = await tx.db
    .delete(schema.mfaFactors)
    .where(
      and(
        eq(schema.mfaFactors.collectionId, collection.id),
        eq(schema.mfaFactors.subjectId, subjectId),
      ),
    )
    .returning({ confirmedAt: schema.mfaFactors.confirmedAt });
  await deleteRecoveryCodes(tx, collection, subjectId);
  return removed.some((row) => row.confirmedAt !== null);
}
