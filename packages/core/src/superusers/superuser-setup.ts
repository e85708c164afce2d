// First run: while no superuser exists, the server hands out a setup link (one-time token,
// 24 h) that lets whoever holds it create the first superuser.
import { schema } from "@cairn/db";
import { count } from "drizzle-orm";
import { issueAuthToken } from "../auth/auth-token-store.js";
import type { Ctx } from "../context.js";

export const setupTtlMs = 24 * 60 * 60 * 1000;

export async function hasSuperusers(ctx: Ctx): Promise<boolean> {
  const [row] = await ctx.db.select({ n: count() }).from(schema.superusers);
  return (row?.n ?? 0) > 0;
}

/** A setup link, or undefined when a superuser already exists. */
export async function issueSetupLink(ctx: Ctx): Promise<string | undefined> {
  if (await hasSuperusers(ctx)) return undefined;
  const { token } = await issueAuthToken(ctx, { kind: "superuser_setup", ttlMs: setupTtlMs });
  return `${ctx.baseUrl.replace(/\/+$/, "")}/_/setup?token=${token}`;
}
