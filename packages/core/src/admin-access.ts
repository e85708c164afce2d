// Who may use the admin verbs (schema, settings, superusers, API keys, webhooks, backups, logs,
// metrics): one rule and one pair of answers for all of them.
import type { Actor, Ctx } from "./context.js";
import { errors } from "./errors.js";

type Superuser = Extract<Actor, { kind: "superuser" }>;
type ApiKey = Extract<Actor, { kind: "apiKey" }>;

/**
 * Lets superusers through, and API keys with the "full" scope where `apiKeys` says so. Anyone
 * else is refused: 401 without credentials (sign in first), 403 with credentials that are not
 * enough. `task` completes "… to <task>" and "Only superusers … can <task>".
 */
export function requireAdmin(ctx: Ctx, access: { task: string; apiKeys: false }): Superuser;
export function requireAdmin(ctx: Ctx, access: { task: string; apiKeys: true }): Superuser | ApiKey;
export function requireAdmin(
  ctx: Ctx,
  access: { task: string; apiKeys: boolean },
): Superuser | ApiKey {
  const { actor } = ctx;
  if (actor.kind === "superuser") return actor;
  if (access.apiKeys && actor.kind === "apiKey" && actor.scopes.includes("full")) return actor;
  if (actor.kind === "anonymous") {
    throw errors.unauthorized(`Sign in as a superuser to ${access.task}.`);
  }
  throw errors.forbidden(
    access.apiKeys
      ? `Only superusers and API keys with the full scope can ${access.task}.`
      : `Only superusers can ${access.task}.`,
  );
}
