// Resolves a bearer token to the actor behind it. Expired or unknown tokens fail closed.
import { type Db, schema } from "@cairn/db";
import { eq, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Actor, Ctx } from "../context.js";
import { errors } from "../errors.js";
import { rowToRecord } from "../records/record-codec.js";
import { tableSql } from "../records/record-sql.js";
import { apiKeyPrefix } from "./api-key-token.js";
import { audit } from "./audit.js";
import { authOptionsOf } from "./auth-collection.js";
import { notDisabledSql } from "./disabled-user-store.js";
import { sessionCacheOf } from "./session-cache.js";
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

/**
 * A user session's user, as JSON, read in the same statement as the session: the row of the
 * session's auth collection, unless the user is disabled (their sessions were deleted; this also
 * closes the race with a sign-in checked just before the disable committed). One per schema.
 */
const subjectSqlOf = new WeakMap<CollectionLookup, SQL>();
function subjectSql(lookup: CollectionLookup): SQL {
  let subject = subjectSqlOf.get(lookup);
  if (!subject) {
    const cases = lookup
      .all()
      .filter((collection) => collection.type === "auth")
      .map(
        (collection) =>
          sql`WHEN ${collection.id} THEN (SELECT to_jsonb(u) FROM ${tableSql(collection)} AS u WHERE u."id" = ${schema.sessions.subjectId} AND ${notDisabledSql(collection.id, sql`u."id"`)})`,
      );
    subject =
      cases.length === 0
        ? sql`NULL::jsonb`
        : sql`CASE ${schema.sessions.collectionId} ${sql.join(cases, sql` `)} END`;
    subjectSqlOf.set(lookup, subject);
  }
  return subject;
}

/** A session with its user (see subjectSql), by the session's id. */
function sessionQuery(db: Db, lookup: CollectionLookup, id: string | Placeholder) {
  return db
    .select({
      session: schema.sessions,
      subject: sql<Record<string, unknown> | null>`${subjectSql(lookup)}`,
    })
    .from(schema.sessions)
    .where(eq(schema.sessions.id, id));
}

type SessionQuery = ReturnType<ReturnType<typeof sessionQuery>["prepare"]>;
const sessionQueries = new WeakMap<Db, WeakMap<CollectionLookup, SessionQuery>>();

function preparedSessionQuery(db: Db, lookup: CollectionLookup): SessionQuery {
  let ofDb = sessionQueries.get(db);
  if (!ofDb) {
    ofDb = new WeakMap();
    sessionQueries.set(db, ofDb);
  }
  let query = ofDb.get(lookup);
  if (!query) {
    query = sessionQuery(db, lookup, sql.placeholder("id")).prepare("cairn_session_actor");
    ofDb.set(lookup, query);
  }
  return query;
}

/**
 * The actor of a live session, by the session's id (the hash of its token). Outside transactions
 * it comes from the process's session cache when a recent read is still true (session-cache.ts).
 */
export async function actorOfSession(ctx: Ctx, id: string): Promise<Actor> {
  const lookup = await ctx.collections.current(ctx.db);
  if (ctx.inTransaction) return (await readSession(ctx, lookup, id)).actor;
  const cache = sessionCacheOf(ctx.database);
  const cached = cache.get(id, lookup, ctx.now().getTime());
  if (cached) return cached;
  const read = cache.begin(id);
  let found: { actor: Actor; until: number } | undefined;
  try {
    found = await readSession(ctx, lookup, id);
    return found.actor;
  } finally {
    cache.store(read, found && { ...found, lookup, readAt: ctx.now().getTime() });
  }
}

/** The session and its subject from the database; `until`: see CachedSession. */
async function readSession(
  ctx: Ctx,
  lookup: CollectionLookup,
  id: string,
): Promise<{ actor: Actor; until: number }> {
  const invalid = () =>
    errors.unauthorized("The session is invalid or has expired; sign in again.");
  // Requests authenticate outside transactions: the statement is built once per schema.
  const [found] = ctx.inTransaction
    ? await sessionQuery(ctx.db, lookup, id)
    : await preparedSessionQuery(ctx.db, lookup).execute({ id });
  const session = found?.session;
  const now = ctx.now();
  if (!session || session.expiresAt <= now) {
    if (session) await ctx.db.delete(schema.sessions).where(eq(schema.sessions.id, id));
    throw invalid();
  }
  const collection = session.collectionId ? lookup.byId(session.collectionId) : undefined;
  // Sliding expiry (not for impersonation sessions, which end when they end); last-used is
  // kept to the minute so reads do not write on every request.
  let lifetimeMs = sessionLifetimeMs;
  if (session.subjectKind === "user" && collection) {
    lifetimeMs = authOptionsOf(collection).sessionLifetimeSeconds * 1000;
  }
  const renew =
    !session.impersonator && session.expiresAt.getTime() - now.getTime() < lifetimeMs / 2;
  let expiresAt = session.expiresAt.getTime();
  let lastUsed = session.lastUsed.getTime();
  if (renew || now.getTime() - lastUsed > lastUsedStepMs) {
    if (renew) expiresAt = now.getTime() + lifetimeMs;
    lastUsed = now.getTime();
    await ctx.db
      .update(schema.sessions)
      .set({ lastUsed: now, ...(renew ? { expiresAt: new Date(expiresAt) } : {}) })
      .where(eq(schema.sessions.id, id));
  }
  const until = Math.min(
    expiresAt,
    session.impersonator ? expiresAt : expiresAt - lifetimeMs / 2,
    lastUsed + lastUsedStepMs,
  );

  if (session.subjectKind === "superuser") {
    const [superuser] = await ctx.db
      .select({ id: schema.superusers.id, email: schema.superusers.email })
      .from(schema.superusers)
      .where(eq(schema.superusers.id, session.subjectId));
    if (!superuser) throw invalid();
    const actor: Actor = {
      kind: "superuser",
      id: superuser.id,
      email: superuser.email,
      sessionId: session.id,
    };
    return { actor, until };
  }
  if (collection?.type !== "auth" || !found.subject) throw invalid();
  const actor: Actor = {
    kind: "user",
    id: session.subjectId,
    collectionId: collection.id,
    collectionName: collection.name,
    record: rowToRecord(collection, found.subject),
    sessionId: session.id,
    impersonator: session.impersonator ?? undefined,
  };
  return { actor, until };
}

/** How stale a session's last-used time may get before a request writes it. */
const lastUsedStepMs = 60_000;

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
