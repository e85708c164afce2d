// Resolves a bearer token to the actor behind it. Expired or unknown tokens fail closed.
import { queryRows, schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import type { Actor, Ctx } from "../context.js";
import { errors } from "../errors.js";
import { rowToRecord } from "../records/record-codec.js";
import { tableSql } from "../records/record-sql.js";
import { apiKeyPrefix } from "./api-key-token.js";
import { audit } from "./audit.js";
import { authOptionsOf } from "./auth-collection.js";
import { notDisabledSql } from "./disabled-user-store.js";
import { sessionIdOf, sessionLifetimeMs } from "./session-token.js";

export async function authenticate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<Actor> {
  const invalid = () =>
    errors.unauthorized("The session is invalid or has expired; sign in again.");
  if (input.token.startsWith(apiKeyPrefix)) {
    if (input.token.length > 200)
      throw errors.unauthorized("The API key is invalid, revoked or expired.");
    return actorOfApiKey(ctx, { secretHash: sessionIdOf(input.token) });
  }
  if (!/^[a-z2-7]{16,64}$/.test(input.token)) throw invalid();
  return actorOfSession(ctx, sessionIdOf(input.token));
}

/** The actor of a live session, by the session's id (the hash of its token). */
export async function actorOfSession(ctx: Ctx, id: string): Promise<Actor> {
  const invalid = () =>
    errors.unauthorized("The session is invalid or has expired; sign in again.");
  const [session] = await ctx.db.select().from(schema.sessions).where(eq(schema.sessions.id, id));
  const now = ctx.now();
  if (!session || session.expiresAt <= now) {
    if (session) await ctx.db.delete(schema.sessions).where(eq(schema.sessions.id, id));
    throw invalid();
  }
  // Sliding expiry (not for impersonation sessions, which end when they end); last-used is
  // kept to the minute so reads do not write on every request.
  let lifetimeMs = sessionLifetimeMs;
  if (session.subjectKind === "user" && session.collectionId) {
    const owner = (await ctx.collections.current(ctx.db)).byId(session.collectionId);
    if (owner) lifetimeMs = authOptionsOf(owner).sessionLifetimeSeconds * 1000;
  }
  const renew =
    !session.impersonator && session.expiresAt.getTime() - now.getTime() < lifetimeMs / 2;
  if (renew || now.getTime() - session.lastUsed.getTime() > 60_000) {
    await ctx.db
      .update(schema.sessions)
      .set({ lastUsed: now, ...(renew ? { expiresAt: new Date(now.getTime() + lifetimeMs) } : {}) })
      .where(eq(schema.sessions.id, id));
  }

  if (session.subjectKind === "superuser") {
    const [superuser] = await ctx.db
      .select({ id: schema.superusers.id, email: schema.superusers.email })
      .from(schema.superusers)
      .where(eq(schema.superusers.id, session.subjectId));
    if (!superuser) throw invalid();
    return { kind: "superuser", id: superuser.id, email: superuser.email, sessionId: session.id };
  }
  const lookup = await ctx.collections.current(ctx.db);
  const collection = session.collectionId ? lookup.byId(session.collectionId) : undefined;
  if (collection?.type !== "auth") throw invalid();
  const [row] = await queryRows(
    ctx.db,
    // A disabled user's sessions were deleted; this also closes the race with a sign-in that
    // was checked just before the disable committed.
    sql`SELECT * FROM ${tableSql(collection)} WHERE "id" = ${session.subjectId} AND ${notDisabledSql(collection.id, sql`${session.subjectId}`)}`,
  );
  if (!row) throw invalid();
  return {
    kind: "user",
    id: session.subjectId,
    collectionId: collection.id,
    collectionName: collection.name,
    record: rowToRecord(collection, row),
    sessionId: session.id,
    impersonator: session.impersonator ?? undefined,
  };
}

/** The actor of a usable API key, by the hash of its secret (or its id). */
export async function actorOfApiKey(
  ctx: Ctx,
  by: { secretHash: string } | { id: string },
): Promise<Actor> {
  const invalid = () => errors.unauthorized("The API key is invalid, revoked or expired.");
  const [key] = await ctx.db
    .select()
    .from(schema.apiKeys)
    .where(
      "id" in by ? eq(schema.apiKeys.id, by.id) : eq(schema.apiKeys.secretHash, by.secretHash),
    );
  const now = ctx.now();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) throw invalid();
  const actor: Actor = {
    kind: "apiKey",
    id: key.id,
    name: key.name,
    scopes: key.scopes as string[],
  };
  // Last use (and its audit entry) to the minute: a busy key must not write on every request.
  if (!key.lastUsed || now.getTime() - key.lastUsed.getTime() > 60_000) {
    await ctx.db.update(schema.apiKeys).set({ lastUsed: now }).where(eq(schema.apiKeys.id, key.id));
    await audit({ ...ctx, actor }, { action: "api_key.used", detail: { name: key.name } });
  }
  return actor;
}
