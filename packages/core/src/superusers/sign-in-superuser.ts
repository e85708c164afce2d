import { schema } from "@cairn/db";
import { sql } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import { createSession } from "../auth/create-session.js";
import { assertNotLocked, clearFailures, lockoutKey, recordFailure } from "../auth/lockout.js";
import { verifyPassword } from "../auth/passwords.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { SuperuserInfo } from "./superuser-shared.js";

/** Superuser sessions last 14 days (sliding), shorter than app users' default. */
export const superuserSessionMs = 14 * 24 * 60 * 60 * 1000;

export async function signInSuperuser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: unknown; password: unknown };
}): Promise<{ token: string; expiresAt: string; superuser: SuperuserInfo }> {
  if (
    typeof input.email !== "string" ||
    typeof input.password !== "string" ||
    input.email.length > 254
  ) {
    throw errors.validation({ email: { code: "required", message: "Send email and password." } });
  }
  const key = lockoutKey("superuser", input.email);
  await assertNotLocked(ctx, key);
  const [row] = await ctx.db
    .select()
    .from(schema.superusers)
    .where(sql`lower(${schema.superusers.email}) = lower(${input.email})`);
  const ok = await verifyPassword(row?.passwordHash, input.password.slice(0, 1024));
  if (!row || !ok) {
    await recordFailure(ctx, key);
    await audit(ctx, { action: "superuser.sign_in_failed", subjectId: row?.id ?? null });
    throw errors.badRequest("Invalid email or password.");
  }
  await clearFailures(ctx, key);
  const { token, expiresAt } = await createSession({
    ctx,
    input: {
      subject: { kind: "superuser", id: row.id },
      lifetimeMs: superuserSessionMs,
      userAgent: ctx.request.headers.user_agent,
      ip: ctx.request.ip,
    },
  });
  await audit(
    { ...ctx, actor: { kind: "superuser", id: row.id, email: row.email } },
    { action: "superuser.sign_in", subjectId: row.id },
  );
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    superuser: { id: row.id, email: row.email, created: row.created.toISOString() },
  };
}
