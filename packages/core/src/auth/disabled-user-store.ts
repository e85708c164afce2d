// Reading and clearing the `disabled_users` rows behind disableUser / enableUser. Every way to a
// session (createSession, completeSignIn, actorOfSession) asks `assertNotDisabled` or joins here.
import { schema } from "@cairn/db";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { revokeSessionsOf } from "./revoke-sessions.js";

export const disabledMessage = "This account is disabled.";

export async function isUserDisabled(
  ctx: Ctx,
  collectionId: string,
  userId: string,
): Promise<boolean> {
  const t = schema.disabledUsers;
  const rows = await ctx.db
    .select({ userId: t.userId })
    .from(t)
    .where(and(eq(t.collectionId, collectionId), eq(t.userId, userId)));
  return rows.length > 0;
}

/**
 * Call only once the user has proven who they are (a right password, code, link or provider):
 * before that, a disabled account must answer like any other failure, or the answer would tell
 * which addresses have accounts.
 */
export async function assertNotDisabled(
  ctx: Ctx,
  collectionId: string,
  userId: string,
): Promise<void> {
  if (await isUserDisabled(ctx, collectionId, userId)) throw errors.forbidden(disabledMessage);
}

/** SQL true when the user is NOT disabled, for queries that read the user's row anyway. */
export function notDisabledSql(collectionId: string, userId: SQL): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${schema.disabledUsers} WHERE ${schema.disabledUsers.collectionId} = ${collectionId} AND ${schema.disabledUsers.userId} = ${userId})`;
}

/**
 * What a deleted user leaves behind here: the disabled row (ids can be chosen on create, so one
 * could come back) and their sessions, which could no longer be used anyway.
 */
export async function forgetDeletedUser(
  ctx: Ctx,
  collectionId: string,
  userId: string,
): Promise<void> {
  const t = schema.disabledUsers;
  await ctx.db.delete(t).where(and(eq(t.collectionId, collectionId), eq(t.userId, userId)));
  await revokeSessionsOf(ctx, { kind: "user", collectionId, id: userId });
}

/** The audit actor's name, kept with the row so the console can say who disabled the user. */
export function disabledByOf(ctx: Ctx): string {
  const actor = ctx.actor;
  switch (actor.kind) {
    case "superuser":
      return `superuser:${actor.email}`;
    case "apiKey":
      return `api_key:${actor.id}`;
    case "user":
      return `user:${actor.collectionName}/${actor.id}`;
    case "anonymous":
      return "anonymous";
  }
}

/** Superusers and full-scope API keys (a server banning a user), as for resetMfa. */
export function assertUserAdmin(ctx: Ctx, task: string): void {
  requireAdmin(ctx, { task, apiKeys: true });
}
