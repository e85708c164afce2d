// Who a provider identity signs in as: the user it is linked to; else the user with the same
// email, but only when the provider vouches for that email; else a new user. Never links
// through an unverified email: whoever controls the provider account would take the user's.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../context.js";
import { errors, isCairnError } from "../../errors.js";
import { createRecord } from "../../records/create-record.js";
import { tableSql } from "../../records/record-sql.js";
import { audit } from "../audit.js";
import { findUserByEmail, findUserById, type UserRow } from "../auth-collection.js";
import { revokeSessionsOf } from "../revoke-sessions.js";
import type { OAuth2Profile, OAuth2ProviderName } from "./oauth2-provider.js";

export type IdentityOutcome =
  | { kind: "user"; user: UserRow; isNew: boolean }
  /** An account has the provider's email, which the provider does not vouch for. */
  | { kind: "emailTaken"; userId: string };

/** Runs inside the sign-in's transaction, so a refused sign-up leaves nothing behind. */
export async function userForIdentity(
  tx: Ctx,
  input: {
    collection: Collection;
    provider: OAuth2ProviderName;
    profile: OAuth2Profile;
    /** Extra fields for a new user (its email always comes from the provider). */
    createData?: Record<string, unknown> | undefined;
  },
): Promise<IdentityOutcome> {
  const { collection, provider, profile } = input;
  const identity = and(
    eq(schema.oauthAccounts.collectionId, collection.id),
    eq(schema.oauthAccounts.provider, provider),
    eq(schema.oauthAccounts.providerUserId, profile.id),
  );
  const [link] = await tx.db.select().from(schema.oauthAccounts).where(identity);
  if (link) {
    const user = await findUserById(tx, collection, link.subjectId);
    if (user) return { kind: "user", user, isNew: false };
    // The user was deleted since; the link is stale and the identity starts afresh.
    await tx.db.delete(schema.oauthAccounts).where(identity);
  }

  const existing = profile.email ? await findUserByEmail(tx, collection, profile.email) : undefined;
  if (existing) {
    if (!profile.emailVerified) return { kind: "emailTaken", userId: existing.id };
    const wasVerified = existing.verified;
    if (!wasVerified) {
      // Whoever set this account's password never proved they own the address; the provider
      // just did. Drop the password and sessions, so a squatter who pre-registered the address
      // does not share the account (pre-hijacking).
      await tx.db.execute(
        sql`UPDATE ${tableSql(collection)} SET "verified" = true, "password" = NULL, "updated" = ${tx.now().toISOString()}::timestamptz WHERE "id" = ${existing.id}`,
      );
      await revokeSessionsOf(tx, { kind: "user", collectionId: collection.id, id: existing.id });
    }
    await linkIdentity(tx, collection, provider, profile.id, existing.id);
    await audit(tx, {
      action: "auth.oauth_linked",
      collectionId: collection.id,
      subjectId: existing.id,
      detail: { provider, via: "verified_email", accountWasVerified: wasVerified },
    });
    return { kind: "user", user: (await findUserById(tx, collection, existing.id))!, isNew: false };
  }

  if (!profile.email) {
    throw errors.badRequest(
      `The provider shared no email address, and every user of "${collection.name}" needs one; allow access to your email and try again.`,
    );
  }
  // New users go through the create rule, like any sign-up (PocketBase does the same): a
  // collection closed to sign-ups stays closed to OAuth2 sign-ups.
  let created: { id: string };
  try {
    created = await createRecord({
      ctx: tx,
      input: { collection: collection.name, body: { ...input.createData, email: profile.email } },
    });
  } catch (error) {
    if (isCairnError(error) && error.code === "FORBIDDEN") {
      throw errors.forbidden(
        `"${collection.name}" does not take new sign-ups (its create rule refused this account).`,
      );
    }
    throw error;
  }
  if (profile.emailVerified) {
    await tx.db.execute(
      sql`UPDATE ${tableSql(collection)} SET "verified" = true WHERE "id" = ${created.id}`,
    );
  }
  await linkIdentity(tx, collection, provider, profile.id, created.id);
  await audit(tx, {
    action: "auth.sign_up",
    collectionId: collection.id,
    subjectId: created.id,
    detail: { method: "oauth2", provider },
  });
  await audit(tx, {
    action: "auth.oauth_linked",
    collectionId: collection.id,
    subjectId: created.id,
    detail: { provider, via: "sign_up" },
  });
  return { kind: "user", user: (await findUserById(tx, collection, created.id))!, isNew: true };
}

async function linkIdentity(
  tx: Ctx,
  collection: Collection,
  provider: OAuth2ProviderName,
  providerUserId: string,
  userId: string,
): Promise<void> {
  const inserted = await tx.db
    .insert(schema.oauthAccounts)
    .values({
      collectionId: collection.id,
      subjectId: userId,
      provider,
      providerUserId,
      created: tx.now(),
    })
    .onConflictDoNothing()
    .returning({ subjectId: schema.oauthAccounts.subjectId });
  // Two sign-ins of the same new identity at once: the other one won; this one rolls back.
  if (inserted.length === 0) {
    throw errors.conflict("This account was being linked at the same moment; try again.");
  }
}
