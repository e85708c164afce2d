import { schema } from "@cairn/db";
import type { Ctx } from "../context.js";
import { emitEvent } from "../events/emit-event.js";
import type { EventType } from "../events/event-types.js";

export type AuditAction =
  | "auth.sign_in"
  | "auth.sign_in_failed"
  | "auth.sign_out"
  | "auth.sign_up"
  | "auth.password_changed"
  | "auth.password_reset"
  | "auth.email_changed"
  | "auth.verified"
  | "auth.mfa_enabled"
  | "auth.mfa_disabled"
  | "auth.mfa_reset"
  | "auth.mfa_recovery_codes_regenerated"
  | "auth.locked_out"
  | "auth.sessions_revoked"
  | "auth.impersonated"
  | "auth.user_disabled"
  | "auth.user_enabled"
  | "auth.oauth_linked"
  | "auth.anonymous_upgraded"
  | "superuser.created"
  | "superuser.sign_in"
  | "superuser.sign_in_failed"
  | "api_key.created"
  | "api_key.revoked"
  | "api_key.used"
  | "webhook.created"
  | "webhook.updated"
  | "webhook.deleted"
  | "webhook.secret_revealed"
  | "webhook.secret_rotated";

/** Records a security event. Never pass tokens, passwords or codes in `detail`. */
export async function audit(
  ctx: Ctx,
  input: {
    action: AuditAction;
    collectionId?: string | null;
    subjectId?: string | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  const actor =
    ctx.actor.kind === "superuser"
      ? `superuser:${ctx.actor.email}`
      : ctx.actor.kind === "user"
        ? `user:${ctx.actor.collectionName}/${ctx.actor.id}`
        : ctx.actor.kind === "apiKey"
          ? `api_key:${ctx.actor.id}`
          : "anonymous";
  await ctx.db.insert(schema.auditLog).values({
    action: input.action,
    actor,
    collectionId: input.collectionId ?? null,
    subjectId: input.subjectId ?? null,
    ip: ctx.request.ip ?? null,
    userAgent: ctx.request.headers.user_agent?.slice(0, 500) ?? null,
    detail: input.detail ?? {},
    at: ctx.now(),
  });
  const type = userEvents[input.action];
  if (type && input.collectionId && input.subjectId) {
    const collection = (await ctx.collections.current(ctx.db)).byId(input.collectionId);
    if (collection) {
      await emitEvent(ctx, {
        type,
        collection,
        recordId: input.subjectId,
        data: {
          userId: input.subjectId,
          collectionId: collection.id,
          collectionName: collection.name,
          ...(input.detail ? { detail: input.detail } : {}),
        },
      });
    }
  }
}

/** The audited actions that are also events (webhooks, realtime) about a user. */
const userEvents: Partial<Record<AuditAction, EventType>> = {
  "auth.verified": "auth.user.verified",
  "auth.sign_in": "auth.user.signed_in",
  "auth.password_changed": "auth.user.password_changed",
  "auth.password_reset": "auth.user.password_changed",
  "auth.user_disabled": "auth.user.disabled",
  "auth.user_enabled": "auth.user.enabled",
};
