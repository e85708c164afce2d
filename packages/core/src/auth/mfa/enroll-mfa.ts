// Starts enrolling an authenticator: a new secret for the user, unconfirmed until a first code
// from the app matches (confirm-mfa). Enrolling again before confirming replaces the secret.
import { schema } from "@cairn/db";
import { isNull } from "drizzle-orm";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { newRecordId } from "../../ids.js";
import { getSetting } from "../../settings/settings-store.js";
import { resolveAuthCollection } from "../auth-collection.js";
import { limitMfaByIp } from "./mfa-policy.js";
import { enrollingUser } from "./mfa-subject.js";
import { newTotpSecret, totpUri } from "./mfa-totp.js";

export async function enrollMfa({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; mfaToken?: unknown };
}): Promise<{ secret: string; uri: string }> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  await limitMfaByIp(ctx);
  const { user } = await enrollingUser(ctx, {
    collection,
    mfaToken: input.mfaToken,
    countAttempt: false,
  });
  const secret = newTotpSecret();
  const t = schema.mfaFactors;
  // A confirmed factor is never overwritten: the conflict update only touches unconfirmed ones.
  const [factor] = await ctx.db
    .insert(t)
    .values({
      id: newRecordId(),
      collectionId: collection.id,
      subjectId: user.id,
      secret,
      created: ctx.now(),
    })
    .onConflictDoUpdate({
      target: [t.collectionId, t.subjectId],
      set: { secret, created: ctx.now(), lastStep: null },
      setWhere: isNull(t.confirmedAt),
    })
    .returning({ id: t.id });
  if (!factor) {
    throw errors.conflict("An authenticator is already enabled; disable it first (DELETE mfa).");
  }
  const app = await getSetting(ctx, "app");
  return { secret, uri: totpUri({ issuer: app.name, label: user.email ?? user.id, secret }) };
}
