// Short-lived file tokens: what an <img src> can carry instead of an Authorization header.
// Reusable until they expire (one page shows many files), stored only as a hash, and tied to
// the session or API key that asked: signing out or revoking the key ends them too.
import { schema } from "@cairn/db";
import { and, eq, gt } from "drizzle-orm";
import { issueAuthToken, tokenId } from "../auth/auth-token-store.js";
import { actorOfApiKey, actorOfSession } from "../auth/authenticate.js";
import type { Actor, Ctx } from "../context.js";
import { CairnError, errors } from "../errors.js";

export const fileTokenTtlMs = 2 * 60 * 1000;

export async function createFileToken({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ token: string; expiresAt: string }> {
  const actor = ctx.actor;
  let payload: Record<string, unknown>;
  if (actor.kind === "apiKey") payload = { apiKeyId: actor.id };
  else if (actor.kind !== "anonymous" && actor.sessionId) payload = { sessionId: actor.sessionId };
  else throw errors.unauthorized("Sign in to get a file token.");
  const issued = await issueAuthToken(ctx, { kind: "file", payload, ttlMs: fileTokenTtlMs });
  return { token: issued.token, expiresAt: issued.expiresAt.toISOString() };
}

/** Who a file token stands for; 403 when it is unknown, expired or its session has ended. */
export async function actorOfFileToken(ctx: Ctx, token: string): Promise<Actor> {
  const invalid = () => errors.forbidden("The file token is invalid or has expired.");
  if (!/^[a-z2-7]{16,64}$/.test(token)) throw invalid();
  const [row] = await ctx.db
    .select({ payload: schema.authTokens.payload })
    .from(schema.authTokens)
    .where(
      and(
        eq(schema.authTokens.id, tokenId("file", token)),
        eq(schema.authTokens.kind, "file"),
        gt(schema.authTokens.expiresAt, ctx.now()),
      ),
    );
  if (!row) throw invalid();
  const payload = row.payload as { sessionId?: string; apiKeyId?: string };
  try {
    if (payload.apiKeyId) return await actorOfApiKey(ctx, { id: payload.apiKeyId });
    if (payload.sessionId) return await actorOfSession(ctx, payload.sessionId);
  } catch (error) {
    if (error instanceof CairnError && error.code === "UNAUTHORIZED") throw invalid();
    throw error;
  }
  throw invalid();
}
