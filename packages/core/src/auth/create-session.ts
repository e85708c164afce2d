import { schema } from "@cairn/db";
import type { Ctx } from "../context.js";
import { assertNotDisabled } from "./disabled-user-store.js";
import { generateSessionToken, sessionIdOf, sessionLifetimeMs } from "./session-token.js";

export type SessionSubject =
  | { kind: "superuser"; id: string }
  | { kind: "user"; collectionId: string; id: string };

/** Starts a session and returns its token: the only time the token exists outside the client. */
export async function createSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    subject: SessionSubject;
    /** Default 30 days; auth collections set their own. */
    lifetimeMs?: number | undefined;
    userAgent?: string | undefined;
    ip?: string | undefined;
    /** The superuser opening this session as the user. */
    impersonator?: string | undefined;
  };
}): Promise<{ token: string; expiresAt: Date }> {
  // The one door every user session passes (MFA completion, impersonation included).
  if (input.subject.kind === "user") {
    await assertNotDisabled(ctx, input.subject.collectionId, input.subject.id);
  }
  const token = generateSessionToken();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + (input.lifetimeMs ?? sessionLifetimeMs));
  await ctx.db.insert(schema.sessions).values({
    id: sessionIdOf(token),
    subjectKind: input.subject.kind,
    collectionId: input.subject.kind === "user" ? input.subject.collectionId : null,
    subjectId: input.subject.id,
    expiresAt,
    created: now,
    lastUsed: now,
    userAgent: input.userAgent?.slice(0, 500) ?? null,
    ip: input.ip ?? null,
    impersonator: input.impersonator ?? null,
  });
  return { token, expiresAt };
}
