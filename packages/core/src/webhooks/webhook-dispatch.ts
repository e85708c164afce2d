// Claiming due deliveries and recording what their attempts did. Claims take rows with
// FOR UPDATE SKIP LOCKED (replicas never claim the same row) and stamp a lease: the HTTP
// request runs outside any transaction, and if its worker dies the lease runs out and the
// delivery is claimed again. Only the claim holding the lease may record the outcome.
import { randomUUID } from "node:crypto";
import { queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { testEventType } from "./webhook-events.js";
import type { SendOutcome } from "./webhook-http.js";
import { disableAfterMs, parseRetryAfter, retryDelay } from "./webhook-schedule.js";
import { failPendingDeliveries } from "./webhook-shared.js";

export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  payload: string;
  attempts: number;
  scheduleBase: number;
  lockToken: string;
  url: string;
  headers: Record<string, string>;
  /** The secrets that sign: the current one, and the previous one during a rotation. */
  secrets: string[];
}

interface ClaimRow extends Record<string, unknown> {
  id: string;
  webhook_id: string;
  payload: string;
  attempts: number;
  schedule_base: number;
  url: string;
  headers: unknown;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires: string | Date | null;
}

/**
 * Disabled endpoints get only test events. (Disabling fails what waits; this covers a delivery a
 * fan-out queued at the moment an admin disabled the endpoint.)
 */
const deliverable = sql`(q."event_type" = ${testEventType} OR EXISTS (
  SELECT 1 FROM cairn.webhooks AS e WHERE e."id" = q."webhook_id" AND e."enabled"))`;

const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

/** Up to `limit` due deliveries, leased to the caller for `leaseMs`. */
export async function claimDeliveries(
  ctx: Ctx,
  options: { limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const now = ctx.now();
  const at = now.toISOString();
  const until = new Date(now.getTime() + options.leaseMs).toISOString();
  const token = randomUUID();
  const rows = await queryRows<ClaimRow>(
    ctx.db,
    sql`UPDATE cairn.webhook_deliveries AS d
        SET "locked_until" = ${until}::timestamptz, "lock_token" = ${token}
        FROM (
          SELECT q."id" FROM cairn.webhook_deliveries AS q
          WHERE q."status" = 'pending' AND q."next_attempt_at" <= ${at}::timestamptz
            AND (q."locked_until" IS NULL OR q."locked_until" <= ${at}::timestamptz)
            AND ${deliverable}
          ORDER BY q."next_attempt_at"
          LIMIT ${options.limit}
          FOR UPDATE OF q SKIP LOCKED
        ) AS due, cairn.webhooks AS w
        WHERE d."id" = due."id" AND w."id" = d."webhook_id"
        RETURNING d."id", d."webhook_id", d."payload", d."attempts", d."schedule_base",
                  w."url", w."headers", w."secret", w."previous_secret", w."previous_secret_expires"`,
  );
  return rows.map((row) => {
    const previousExpires = row.previous_secret_expires
      ? new Date(row.previous_secret_expires)
      : null;
    const secrets = [row.secret];
    if (row.previous_secret && previousExpires && previousExpires > now)
      secrets.push(row.previous_secret);
    return {
      id: row.id,
      webhookId: row.webhook_id,
      payload: row.payload,
      attempts: Number(row.attempts),
      scheduleBase: Number(row.schedule_base),
      lockToken: token,
      url: row.url,
      headers: json(row.headers) as Record<string, string>,
      secrets,
    };
  });
}

export interface AttemptResult {
  delivery: ClaimedDelivery;
  outcome: SendOutcome;
  /** When the attempt started (the worker's clock). */
  at: Date;
}

/** How a counted attempt ended: delivered, failed for good, or rescheduled. */
export interface RecordedAttempt {
  result: "succeeded" | "failed" | "retry";
  latencyMs: number;
}

const goneReason = "The receiver answered 410 Gone.";
const failingReason = "Every attempt failed for 5 days.";

/**
 * Records a batch of attempts in one transaction: each delivery succeeds, fails for good or is
 * rescheduled; the attempt log grows; endpoints note success or failure, and those answering
 * 410 or failing for 5 days are disabled. Attempts cut short by a stopping worker give their
 * lease back without counting.
 */
export async function recordAttempts(
  ctx: Ctx,
  results: readonly AttemptResult[],
  options: { random?: () => number } = {},
): Promise<RecordedAttempt[]> {
  if (results.length === 0) return [];
  const now = ctx.now();
  const random = options.random ?? Math.random;
  const released = results.filter((r) => r.outcome.aborted);
  const done = results.filter((r) => !r.outcome.aborted);

  const updates = done.map(({ delivery, outcome, at }) => {
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const gone = outcome.status === 410;
    let status = ok ? "succeeded" : "failed";
    let next: string | null = null;
    if (!ok && !gone) {
      const delay = retryDelay(delivery.attempts + 1 - delivery.scheduleBase, random);
      if (delay !== null) {
        const asked = parseRetryAfter(outcome.retryAfter, now) ?? 0;
        status = "pending";
        next = new Date(now.getTime() + Math.max(delay, asked)).toISOString();
      }
    }
    return {
      id: delivery.id,
      token: delivery.lockToken,
      status,
      next,
      completed: status === "pending" ? null : now.toISOString(),
      at: at.toISOString(),
      last_status: outcome.status,
      last_error:
        outcome.error ??
        (ok ? null : outcome.status !== null ? `HTTP ${outcome.status}` : "No answer."),
    };
  });
  const attempts = done.map(({ delivery, outcome, at }) => ({
    delivery_id: delivery.id,
    webhook_id: delivery.webhookId,
    attempt: delivery.attempts + 1,
    at: at.toISOString(),
    url: delivery.url,
    status: outcome.status,
    latency_ms: outcome.latencyMs,
    response: outcome.response,
    error: outcome.error,
  }));
  const succeeded = new Set<string>();
  const failing = new Set<string>();
  const gone = new Set<string>();
  for (const { delivery, outcome } of done) {
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    (ok ? succeeded : failing).add(delivery.webhookId);
    if (outcome.status === 410) gone.add(delivery.webhookId);
  }
  for (const id of succeeded) failing.delete(id);
  const ids = (set: Set<string>) => JSON.stringify([...set]);
  const inIds = (set: Set<string>) =>
    sql`(SELECT jsonb_array_elements_text(${ids(set)}::text::jsonb))`;
  const at = now.toISOString();

  await withTransaction(ctx, async (tx) => {
    if (updates.length > 0) {
      await tx.db.execute(sql`
        UPDATE cairn.webhook_deliveries AS d
        SET "status" = v."status", "attempts" = d."attempts" + 1,
            "next_attempt_at" = COALESCE(v."next", d."next_attempt_at"),
            "locked_until" = NULL, "lock_token" = NULL,
            "last_attempt_at" = v."at", "last_status" = v."last_status",
            "last_error" = v."last_error", "completed_at" = v."completed"
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::text::jsonb) AS v(
          "id" text, "token" text, "status" text, "next" timestamptz, "completed" timestamptz,
          "at" timestamptz, "last_status" integer, "last_error" text)
        WHERE d."id" = v."id" AND d."lock_token" = v."token"`);
      await tx.db.execute(sql`
        INSERT INTO cairn.webhook_attempts
          ("delivery_id", "webhook_id", "attempt", "at", "url", "status", "latency_ms", "response", "error")
        SELECT v."delivery_id", v."webhook_id", v."attempt", v."at", v."url", v."status",
               v."latency_ms", v."response", v."error"
        FROM jsonb_to_recordset(${JSON.stringify(attempts)}::text::jsonb) AS v(
          "delivery_id" text, "webhook_id" text, "attempt" integer, "at" timestamptz,
          "url" text, "status" integer, "latency_ms" integer, "response" text, "error" text)
        WHERE EXISTS (SELECT 1 FROM cairn.webhook_deliveries AS d WHERE d."id" = v."delivery_id")`);
    }
    if (released.length > 0) {
      await tx.db.execute(sql`
        UPDATE cairn.webhook_deliveries AS d SET "locked_until" = NULL, "lock_token" = NULL
        FROM jsonb_to_recordset(${JSON.stringify(released.map((r) => ({ id: r.delivery.id, token: r.delivery.lockToken })))}::text::jsonb)
          AS v("id" text, "token" text)
        WHERE d."id" = v."id" AND d."lock_token" = v."token"`);
    }
    if (succeeded.size > 0) {
      await tx.db.execute(sql`
        UPDATE cairn.webhooks SET "last_success_at" = ${at}::timestamptz, "failing_since" = NULL
        WHERE "id" IN ${inIds(succeeded)}`);
    }
    const disabled: string[] = [];
    if (failing.size > 0) {
      await tx.db.execute(sql`
        UPDATE cairn.webhooks SET "failing_since" = COALESCE("failing_since", ${at}::timestamptz)
        WHERE "id" IN ${inIds(failing)}`);
      const since = new Date(now.getTime() - disableAfterMs).toISOString();
      const rows = await queryRows<{ id: string }>(
        tx.db,
        sql`UPDATE cairn.webhooks
            SET "enabled" = false, "disabled_reason" = ${failingReason},
                "disabled_at" = ${at}::timestamptz, "updated" = ${at}::timestamptz
            WHERE "id" IN ${inIds(failing)} AND "enabled"
              AND "failing_since" <= ${since}::timestamptz
            RETURNING "id"`,
      );
      disabled.push(...rows.map((row) => row.id));
    }
    if (gone.size > 0) {
      const rows = await queryRows<{ id: string }>(
        tx.db,
        sql`UPDATE cairn.webhooks
            SET "enabled" = false, "disabled_reason" = ${goneReason},
                "disabled_at" = ${at}::timestamptz, "updated" = ${at}::timestamptz
            WHERE "id" IN ${inIds(gone)} AND "enabled"
            RETURNING "id"`,
      );
      disabled.push(...rows.map((row) => row.id));
    }
    for (const id of disabled) ctx.log.warn({ webhookId: id }, "webhook endpoint disabled");
    // Every endpoint of this batch that is disabled, also earlier or by an admin meanwhile:
    // what this batch just rescheduled for it ends here.
    const touched = [...new Set(done.map((r) => r.delivery.webhookId))];
    await failPendingDeliveries(tx.db, touched, now);
  });
  // For the metrics: each counted attempt's outcome ("retry": rescheduled).
  return updates.map((update, index) => ({
    result: update.status === "pending" ? "retry" : (update.status as "succeeded" | "failed"),
    latencyMs: done[index]!.outcome.latencyMs,
  }));
}

/** When the next pending delivery falls due (or its lease runs out); null when none waits. */
export async function nextDue(ctx: Ctx): Promise<Date | null> {
  const [row] = await queryRows<{ due: string | Date | null }>(
    ctx.db,
    sql`SELECT min(GREATEST(q."next_attempt_at", q."locked_until")) AS "due"
        FROM cairn.webhook_deliveries AS q WHERE q."status" = 'pending' AND ${deliverable}`,
  );
  return row?.due ? new Date(row.due) : null;
}
