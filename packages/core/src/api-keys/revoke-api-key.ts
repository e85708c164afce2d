import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { requireSuperuser } from "./api-key-shared.js";

/** Takes effect on the key's next request: keys are checked on every request. */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<void> {
  requireSuperuser(ctx);
  const [row] = await ctx.db
    .update(schema.apiKeys)
    .set({ revokedAt: ctx.now() })
    .where(eq(schema.apiKeys.id, input.id))
    .returning();
  if (!row) throw errors.notFound("No such API key.");
  await audit(ctx, { action: "api_key.revoked", subjectId: row.id, detail: { name: row.name } });
}
