// admin.webhooks.deliveries against a real server process: each delivery carries its latest
// attempt's status and latency, `eventType` and `status` filter, and `before` pages back
// through every delivery once, the signature unchanged for callers that pass none of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor } from "../test/sdk-fixtures.js";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver.js";
import type { AdminClient } from "./admin.js";

let server: TestServer;
let admin: AdminClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  server = await startCairn("admin-webhooks.server");
  ({ admin } = await adminFor(server));
  receiver = await startWebhookReceiver();
  await admin.webhooks.updateSettings({ allowPrivateAddresses: true });
});

afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("admin.webhooks.deliveries", () => {
  it("answers latency and last status, filters by event type and status, pages with before", async () => {
    const hook = await admin.webhooks.create({ url: receiver.url, events: ["*"] });
    receiver.status = 500;
    const failing = await admin.webhooks.test(hook.id);
    expect(failing).toMatchObject({ attempts: 0, lastStatus: null, lastLatencyMs: null });
    const tried = await until(async () => {
      const { items } = await admin.webhooks.deliveries({ webhookId: hook.id });
      return items.find((d) => d.id === failing.id && d.attempts > 0);
    });
    expect(tried).toMatchObject({ status: "pending", lastStatus: 500 });
    expect(tried.lastLatencyMs).toEqual(expect.any(Number));
    const detail = await admin.webhooks.delivery(failing.id);
    expect(detail.lastLatencyMs).toBe(detail.attemptLog.at(-1)?.latencyMs);

    receiver.status = 200;
    const queued: string[] = [failing.id];
    for (let i = 0; i < 4; i++) queued.push((await admin.webhooks.test(hook.id)).id);
    await admin.webhooks.redeliver(failing.id);
    await until(async () => {
      const { items } = await admin.webhooks.deliveries({ webhookId: hook.id, status: "pending" });
      return items.length === 0 ? true : undefined;
    });

    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await admin.webhooks.deliveries({
        webhookId: hook.id,
        eventType: "webhook.test",
        status: "succeeded",
        limit: 2,
        ...(before && { before }),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const delivery of page.items) {
        expect(delivery.lastStatus).toBe(200);
        expect(delivery.lastLatencyMs).toBeGreaterThanOrEqual(0);
      }
      seen.push(...page.items.map((d) => d.id));
      before = page.next ?? undefined;
    } while (before);
    expect(seen).toEqual([...queued].reverse());
    expect(
      (await admin.webhooks.deliveries({ webhookId: hook.id, eventType: "posts.created" })).items,
    ).toEqual([]);
    // The old call, with no query at all, still answers the newest first.
    expect((await admin.webhooks.deliveries()).items[0]?.id).toBe(queued.at(-1));
    await expect(admin.webhooks.deliveries({ eventType: "" })).rejects.toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      fields: { eventType: { code: "invalid" } },
    });
    await admin.webhooks.delete(hook.id);
  });
});
