import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import { type Ctx, withTransaction } from "../context.js";
import { parseWebhookInput } from "./webhook-input.js";
import {
  failPendingDeliveries,
  notFound,
  requireWebhookAdmin,
  type WebhookInfo,
  webhookInfo,
} from "./webhook-shared.js";

/**
 * Changes the fields sent; the rest keep their value (a masked header value keeps the stored
 * one). Enabling starts afresh (the failure streak is forgotten); disabling fails what was
 * still waiting to be delivered.
 */
export async function updateWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; body: unknown };
}): Promise<WebhookInfo> {
  const by = requireWebhookAdmin(ctx);
  return withTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select()
      .from(schema.webhooks)
      .where(eq(schema.webhooks.id, input.id))
      .for("update");
    if (!current) notFound();
    const fields = await parseWebhookInput(tx, "update", input.body, {
      events: current.events as string[],
      filter: current.filter,
      headers: current.headers as Record<string, string>,
    });
    const now = tx.now();
    const enabling = fields.enabled === true && !current.enabled;
    const disabling = fields.enabled === false && current.enabled;
    const [row] = await tx.db
      .update(schema.webhooks)
      .set({
        ...fields,
        ...(enabling ? { disabledReason: null, disabledAt: null, failingSince: null } : {}),
        ...(disabling ? { disabledReason: "Disabled by an admin.", disabledAt: now } : {}),
        updated: now,
      })
      .where(eq(schema.webhooks.id, input.id))
      .returning();
    if (disabling) await failPendingDeliveries(tx.db, [input.id], now);
    tx.log.info({ webhookId: input.id, by, changed: Object.keys(fields) }, "webhook updated");
    await audit(tx, {
      action: "webhook.updated",
      detail: { webhookId: input.id, changed: Object.keys(fields) },
    });
    return webhookInfo(row!);
  });
}
