import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { ApiRecord } from "../records/record-codec.js";
import { audit } from "./audit.js";
import { findUserById, ownRecord, resolveAuthCollection } from "./auth-collection.js";
import { createSession } from "./create-session.js";

export const impersonationLifetimeMs = 60 * 60 * 1000;

/**
 * A superuser opens a short-lived session as a user, to see what they see. The session is
 * marked with who opened it, cannot be extended, and the event is audited.
 */
export async function impersonate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; userId: string };
}): Promise<{ token: string; expiresAt: string; record: ApiRecord }> {
  const admin = requireAdmin(ctx, { task: "impersonate users", apiKeys: false });
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const user = await findUserById(ctx, collection, input.userId);
  if (!user) throw errors.notFound(`No "${collection.name}" user "${input.userId}".`);
  const { token, expiresAt } = await createSession({
    ctx,
    input: {
      subject: { kind: "user", collectionId: collection.id, id: user.id },
      lifetimeMs: impersonationLifetimeMs,
      impersonator: admin.email,
      userAgent: ctx.request.headers.user_agent,
      ip: ctx.request.ip,
    },
  });
  await audit(ctx, {
    action: "auth.impersonated",
    collectionId: collection.id,
    subjectId: user.id,
  });
  return { token, expiresAt: expiresAt.toISOString(), record: ownRecord(collection, user) };
}
