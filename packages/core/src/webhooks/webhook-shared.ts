// Webhooks: endpoints admins configure at runtime, each receiving the outbox events its patterns
// (and filter) select, signed per Standard Webhooks and retried with backoff; every attempt is
// logged. Shared by the admin verbs. Secrets never appear in an answer but the ones that exist
// to show them (create, rotate, reveal), nor in a log.
import { type Db, queryRows, type schema } from "@cairn/db";
import { sql } from "drizzle-orm";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { maskedSecret } from "../settings/settings-shared.js";

export type WebhookRow = typeof schema.webhooks.$inferSelect;
export type DeliveryRow = typeof schema.webhookDeliveries.$inferSelect;
export type AttemptRow = typeof schema.webhookAttempts.$inferSelect;

export interface WebhookInfo {
  id: string;
  url: string;
  description: string;
  events: string[];
  filter: string | null;
  /** Names and masked values: a header often carries a credential. */
  headers: Record<string, string>;
  enabled: boolean;
  /** Why it is disabled (an admin, a 410 answer, failing for days); null while enabled. */
  disabledReason: string | null;
  disabledAt: string | null;
  /** The first failed attempt since the last success; null while healthy. */
  failingSince: string | null;
  lastSuccessAt: string | null;
  /** Until when the previous secret still signs, after a rotation. */
  previousSecretExpires: string | null;
  createdBy: string;
  created: string;
  updated: string;
}

export type DeliveryStatus = "pending" | "succeeded" | "failed";
export const deliveryStatuses: readonly DeliveryStatus[] = ["pending", "succeeded", "failed"];

export interface DeliveryInfo {
  /** The `webhook-id` the receiver sees, the same on every retry. */
  id: string;
  webhookId: string;
  /** e.g. "posts.created", or "webhook.test". */
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** When it is due next, while pending. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  /** How long the latest attempt took (ms); null before the first attempt. */
  lastLatencyMs: number | null;
  lastError: string | null;
  created: string;
  completedAt: string | null;
}

export interface AttemptInfo {
  attempt: number;
  at: string;
  url: string;
  status: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
}

/** Superusers and API keys with the "full" scope. */
export function requireWebhookAdmin(ctx: Ctx): string {
  const actor = requireAdmin(ctx, { task: "manage webhooks", apiKeys: true });
  return actor.kind === "superuser" ? `superuser:${actor.email}` : `api_key:${actor.id}`;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function webhookInfo(row: WebhookRow): WebhookInfo {
  const headers = Object.fromEntries(
    Object.keys(row.headers as Record<string, string>).map((name) => [name, maskedSecret]),
  );
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as string[],
    filter: row.filter,
    headers,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    lastSuccessAt: iso(row.lastSuccessAt),
    previousSecretExpires: row.previousSecret ? iso(row.previousSecretExpires) : null,
    createdBy: row.createdBy,
    created: row.created.toISOString(),
    updated: row.updated.toISOString(),
  };
}

/**
 * The latest attempt's latency, as a column of a query on cairn.webhook_deliveries: a correlated
 * subquery the (delivery_id, attempt) index answers with one probe per row, so a page of the log
 * stays one query (the table keeps no copy of it, and attempts are the one record of it).
 * Written out in full: drizzle renders a column unqualified, which would bind to `a."id"`.
 */
export const lastLatencyMs = sql<number | null>`(
  SELECT a."latency_ms" FROM cairn.webhook_attempts a
  WHERE a."delivery_id" = cairn.webhook_deliveries."id"
  ORDER BY a."attempt" DESC LIMIT 1)`;

/** A delivery row; `lastLatencyMs` when the query selected it (see `lastLatencyMs`). */
export function deliveryInfo(row: DeliveryRow & { lastLatencyMs?: number | null }): DeliveryInfo {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventType: row.eventType,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? iso(row.nextAttemptAt) : null,
    lastAttemptAt: iso(row.lastAttemptAt),
    lastStatus: row.lastStatus,
    lastLatencyMs: row.lastLatencyMs ?? null,
    lastError: row.lastError,
    created: row.created.toISOString(),
    completedAt: iso(row.completedAt),
  };
}

export function attemptInfo(row: AttemptRow): AttemptInfo {
  return {
    attempt: row.attempt,
    at: row.at.toISOString(),
    url: row.url,
    status: row.status,
    latencyMs: row.latencyMs,
    response: row.response,
    error: row.error,
  };
}

/** Ids the receiver sees as `webhook-id`: `msg_` and 24 random base32 characters. */
export function newDeliveryId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "msg_";
  for (const byte of crypto.getRandomValues(new Uint8Array(24))) out += alphabet[byte % 32];
  return out;
}

export function newWebhookId(): string {
  return `wh_${newDeliveryId().slice(4, 20)}`;
}

export function notFound(): never {
  throw errors.notFound("No such webhook.");
}

/**
 * Ends the pending deliveries of disabled endpoints as failed (redeliver them once the endpoint
 * is enabled again). Deliveries a worker holds right now are left to it: it fails them when it
 * records the attempt.
 */
export async function failPendingDeliveries(
  db: Db,
  webhookIds: readonly string[],
  now: Date,
): Promise<void> {
  if (webhookIds.length === 0) return;
  // Usually every endpoint is enabled: find that out cheaply before touching deliveries.
  const disabled = await queryRows<{ id: string }>(
    db,
    sql`SELECT "id" FROM cairn.webhooks
        WHERE "id" IN (SELECT jsonb_array_elements_text(${JSON.stringify(webhookIds)}::text::jsonb))
          AND NOT "enabled"`,
  );
  if (disabled.length === 0) return;
  await db.execute(sql`
    UPDATE cairn.webhook_deliveries
    SET "status" = 'failed', "completed_at" = ${now.toISOString()}::timestamptz,
        "last_error" = COALESCE("last_error" || ' ', '') || '(The endpoint is disabled.)'
    WHERE "webhook_id" IN (SELECT jsonb_array_elements_text(${JSON.stringify(disabled.map((row) => row.id))}::text::jsonb))
      AND "status" = 'pending' AND "lock_token" IS NULL`);
}
