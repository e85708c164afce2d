// The delivery worker against a real database (PGlite, or Postgres with TEST_DATABASE_URL) and
// a receiver on loopback. The clock is injected: retries are checked by moving it, not waiting.
import { openPostgres, schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Ctx, createCtx } from "../context.js";
import { createRecord } from "../records/create-record.js";
import { updateRecord } from "../records/update-record.js";
import { putSetting } from "../settings/settings-store.js";
import { createWebhook } from "./create-webhook.js";
import { getWebhook } from "./get-webhook.js";
import { getWebhookDelivery } from "./get-webhook-delivery.js";
import { listWebhookDeliveries } from "./list-webhook-deliveries.js";
import { revealWebhookSecret } from "./reveal-webhook-secret.js";
import { rotateWebhookSecret } from "./rotate-webhook-secret.js";
import type { Resolve } from "./webhook-address.js";
import { claimDeliveries } from "./webhook-dispatch.js";
import { fanOutEvents } from "./webhook-fan-out.js";
import { createWebhookSender } from "./webhook-http.js";
import { retryDelaysMs } from "./webhook-schedule.js";
import { startReceiver, type TestReceiver } from "./webhook-test-receiver.js";
import {
  createWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from "./webhook-worker.js";

let database: TestDatabase;
let ctx: Ctx;
let receiver: TestReceiver;
/** The test's clock; undefined: the real one. */
let clock: Date | undefined;
const now = () => clock ?? new Date();
const advance = (ms: number) => {
  clock = new Date(now().getTime() + ms);
};
const workers: WebhookWorker[] = [];
const resolve: Resolve = async (hostname) => {
  if (hostname === "rebind.test") return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

function worker(options: Partial<WebhookWorkerOptions> = {}): WebhookWorker {
  const created = createWebhookWorker({
    database,
    now,
    random: () => 0.5,
    maxIdleMs: 3_600_000,
    resolve,
    ...options,
  });
  workers.push(created);
  return created;
}

const allowPrivate = (allow: boolean) =>
  putSetting(ctx, "webhooks", { allowPrivateAddresses: allow, deliveryRetentionDays: 30 });

async function endpoint(path: string, input: Record<string, unknown> = {}) {
  return createWebhook({ ctx, input: { url: `${receiver.url}${path}`, events: ["*"], ...input } });
}

const post = (body: Record<string, unknown>) =>
  createRecord({ ctx, input: { collection: "posts", body } });

const at = (path: string) => receiver.requests.filter((r) => r.path === path);

beforeAll(async () => {
  database = await testDatabase();
  ctx = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "s", email: "s@example.com" },
    now,
  });
  await createCollection({
    ctx,
    input: {
      name: "posts",
      fields: [
        { name: "title", type: "text" },
        { name: "status", type: "text" },
        { name: "secret", type: "text", hidden: true },
      ],
    },
  });
  await createCollection({ ctx, input: { name: "members", type: "auth" } });
  await allowPrivate(true);
  receiver = await startReceiver();
  // The consumer starts where the outbox is now; the setup's own events are not for us.
  await worker().drain();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
  await database.db.delete(schema.webhooks);
  receiver.requests.length = 0;
  receiver.answer = () => ({ status: 200, body: "ok" });
  clock = undefined;
  vi.useRealTimers();
});

afterAll(async () => {
  await receiver?.close();
  await database?.close();
});

describe("fan-out", () => {
  it("sends each event to the endpoints whose patterns and filter match, signed", async () => {
    const created = await endpoint("/created", { events: ["posts.created"] });
    const published = await endpoint("/published", {
      events: ["posts.*"],
      filter: 'status = "published" && secret != "hide"',
    });
    const auth = await endpoint("/auth", { events: ["auth.*"] });
    const titled = await endpoint("/titled", { events: ["*"], filter: 'title ~ "hello"' });
    await endpoint("/off", { events: ["*"], enabled: false });

    const draft = await post({ title: "hello world", status: "draft" });
    await post({ title: "other", status: "published", secret: "hide" });
    await updateRecord({
      ctx,
      input: { collection: "posts", id: draft.id, body: { status: "published" } },
    });
    await createRecord({
      ctx,
      input: {
        collection: "members",
        body: { email: "m@example.com", password: "long password 1" },
      },
    });
    await worker().drain();

    expect(at("/created").map((r) => JSON.parse(r.body).type)).toEqual([
      "posts.created",
      "posts.created",
    ]);
    const publishedBodies = at("/published").map((r) => JSON.parse(r.body));
    expect(publishedBodies.map((b) => b.type)).toEqual(["posts.updated"]);
    expect(publishedBodies[0]).toMatchObject({
      data: { record: { id: draft.id, status: "published" }, before: { status: "draft" } },
    });
    expect(at("/auth").map((r) => JSON.parse(r.body).type)).toEqual(["auth.user.created"]);
    expect(JSON.stringify(at("/auth"))).not.toContain("argon2");
    // A wildcard filter on a field the members collection lacks: their events do not pass.
    expect(at("/titled").map((r) => JSON.parse(r.body).type)).toEqual([
      "posts.created",
      "posts.updated",
    ]);
    expect(at("/off")).toEqual([]);

    // Standard Webhooks, verified with the reference implementation.
    for (const [hook, path] of [
      [created, "/created"],
      [published, "/published"],
      [auth, "/auth"],
      [titled, "/titled"],
    ] as const) {
      const { secret } = await revealWebhookSecret({ ctx, input: { id: hook.id } });
      for (const request of at(path)) {
        const body = new Webhook(secret).verify(
          request.body,
          request.headers as Record<string, string>,
        );
        expect(body).toMatchObject({ type: expect.any(String), timestamp: expect.any(String) });
        expect(request.headers["content-type"]).toBe("application/json");
        expect(request.headers["webhook-id"]).toMatch(/^msg_[a-z2-7]{24}$/);
      }
    }
    const ids = receiver.requests.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sends custom headers", async () => {
    await endpoint("/headers", { headers: { Authorization: "Bearer abc", "X-Tenant": "acme" } });
    await post({ title: "h" });
    await worker().drain();
    expect(at("/headers")[0]?.headers).toMatchObject({
      authorization: "Bearer abc",
      "x-tenant": "acme",
    });
  });
});

describe("retries", () => {
  it("follows the schedule with the same webhook-id, then fails for good", async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    receiver.answer = () => ({ status: 500, body: "down" });
    const hook = await endpoint("/retry");
    await post({ title: "r" });
    const w = worker();
    await w.drain();
    expect(at("/retry")).toHaveLength(1);
    for (const [index, delay] of retryDelaysMs.slice(1).entries()) {
      // Not before it is due (the jitter is ±10 %; random() is 0.5 here)…
      advance(delay - 1_000);
      await w.drain();
      expect(at("/retry")).toHaveLength(index + 1);
      // …and right when it is.
      advance(1_000);
      await w.drain();
      expect(at("/retry")).toHaveLength(index + 2);
    }
    advance(48 * 3_600_000);
    await w.drain();
    expect(at("/retry")).toHaveLength(10);
    expect(new Set(at("/retry").map((r) => r.headers["webhook-id"])).size).toBe(1);

    const { items } = await listWebhookDeliveries({ ctx, input: { webhookId: hook.id } });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      status: "failed",
      attempts: 10,
      lastStatus: 500,
      nextAttemptAt: null,
    });
    const delivery = await getWebhookDelivery({ ctx, input: { id: items[0]!.id } });
    expect(delivery.attemptLog.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(delivery.attemptLog[0]).toMatchObject({ status: 500, response: "down", error: null });
    expect(delivery.attemptLog[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("counts only 2xx as success: a redirect is retried like an error", async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    let answers = 0;
    receiver.answer = () =>
      answers++ === 0
        ? { status: 301, headers: { location: "http://127.0.0.1:1/" } }
        : { status: 204 };
    await endpoint("/redirect");
    await post({ title: "3xx" });
    const w = worker();
    await w.drain();
    advance(5_500);
    await w.drain();
    const { items } = await listWebhookDeliveries({ ctx, input: {} });
    expect(items[0]).toMatchObject({ status: "succeeded", attempts: 2, lastStatus: 204 });
  });

  it("honours Retry-After, capped at 24 h", async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    const asked = ["3600", String(7 * 86_400)];
    receiver.answer = () => {
      const after = asked.shift();
      return after ? { status: 503, headers: { "retry-after": after } } : { status: 200 };
    };
    await endpoint("/later");
    await post({ title: "busy" });
    const w = worker();
    await w.drain();
    advance(5_500); // the schedule alone would retry now
    await w.drain();
    expect(at("/later")).toHaveLength(1);
    advance(3_600_000 - 5_500);
    await w.drain();
    expect(at("/later")).toHaveLength(2);
    // A week asked for: a day given.
    advance(24 * 3_600_000 - 1_000);
    await w.drain();
    expect(at("/later")).toHaveLength(2);
    advance(1_000);
    await w.drain();
    expect(at("/later")).toHaveLength(3);
  });
});

describe("disabling", () => {
  it("a 410 disables the endpoint and ends what waits for it", async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    receiver.answer = (request) => (request.path === "/gone" ? { status: 410 } : { status: 200 });
    const hook = await endpoint("/gone");
    await post({ title: "one" });
    const w = worker({ concurrency: 1, batchSize: 1 });
    await post({ title: "two" });
    await w.drain();
    expect(at("/gone")).toHaveLength(1);
    expect(await getWebhook({ ctx, input: { id: hook.id } })).toMatchObject({
      enabled: false,
      disabledReason: "The receiver answered 410 Gone.",
      disabledAt: clock.toISOString(),
    });
    const { items } = await listWebhookDeliveries({ ctx, input: { webhookId: hook.id } });
    expect(items.map((d) => d.status)).toEqual(["failed", "failed"]);
    await post({ title: "three" });
    await w.drain();
    expect(at("/gone")).toHaveLength(1);
  });

  it("an endpoint failing for 5 days with no success is disabled; a success resets the count", async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    let healthy = false;
    receiver.answer = (request) =>
      request.path === "/flaky" && healthy ? { status: 200 } : { status: 500 };
    const broken = await endpoint("/broken");
    const flaky = await endpoint("/flaky");
    const w = worker();
    await post({ title: "a" });
    await w.drain();
    advance(3 * 86_400_000);
    healthy = true;
    await post({ title: "b" });
    await w.drain();
    healthy = false;
    advance(2 * 86_400_000 + 60_000);
    await post({ title: "c" });
    await w.drain();
    expect(await getWebhook({ ctx, input: { id: broken.id } })).toMatchObject({
      enabled: false,
      disabledReason: "Every attempt failed for 5 days.",
      failingSince: "2030-01-01T00:00:00.000Z",
    });
    expect(await getWebhook({ ctx, input: { id: flaky.id } })).toMatchObject({ enabled: true });
    const pending = await listWebhookDeliveries({
      ctx,
      input: { webhookId: broken.id, status: "pending" },
    });
    expect(pending.items).toEqual([]);
  });
});

describe("the SSRF guard in the worker", () => {
  it("refuses loopback and names resolving to it while private addresses are not allowed", async () => {
    const direct = await endpoint("/direct");
    const named = await createWebhook({
      ctx,
      input: { url: `http://rebind.test:${receiver.port}/named`, events: ["*"] },
    });
    await allowPrivate(false);
    try {
      await post({ title: "ssrf" });
      await worker().drain();
      expect(receiver.requests).toEqual([]);
      for (const hook of [direct, named]) {
        const { items } = await listWebhookDeliveries({ ctx, input: { webhookId: hook.id } });
        const delivery = await getWebhookDelivery({ ctx, input: { id: items[0]!.id } });
        expect(delivery.attemptLog[0]).toMatchObject({ status: null });
        expect(delivery.attemptLog[0]!.error).toMatch(/^Refused to connect/);
      }
    } finally {
      await allowPrivate(true);
    }
  });
});

describe("secret rotation", () => {
  it("signs with both secrets for 24 h, then with the new one only", async () => {
    // Date alone is faked, so the reference verifier's clock moves with the worker's.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    const hook = await endpoint("/rotate");
    const { secret: old } = await revealWebhookSecret({ ctx, input: { id: hook.id } });
    const { secret: rotated } = await rotateWebhookSecret({ ctx, input: { id: hook.id } });
    expect(rotated).not.toBe(old);
    expect(await revealWebhookSecret({ ctx, input: { id: hook.id } })).toMatchObject({
      secret: rotated,
      previousSecret: old,
    });
    const w = worker();
    await post({ title: "during" });
    await w.drain();
    const during = at("/rotate")[0]!;
    const headers = during.headers as Record<string, string>;
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(old).verify(during.body, headers)).toBeTruthy();
    expect(new Webhook(rotated).verify(during.body, headers)).toBeTruthy();

    vi.setSystemTime(Date.now() + 24 * 3_600_000 + 1_000);
    await post({ title: "after" });
    await w.drain();
    const after = at("/rotate")[1]!;
    const afterHeaders = after.headers as Record<string, string>;
    expect(afterHeaders["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(new Webhook(rotated).verify(after.body, afterHeaders)).toBeTruthy();
    expect(() => new Webhook(old).verify(after.body, afterHeaders)).toThrow();
    expect((await revealWebhookSecret({ ctx, input: { id: hook.id } })).previousSecret).toBeNull();
  });
});

describe("several workers", () => {
  it("never deliver one delivery twice when claiming concurrently", async () => {
    // On Postgres, each worker has connections of its own, as replicas would.
    const others = database.url
      ? [openPostgres(database.url, { poolSize: 4 }), openPostgres(database.url, { poolSize: 4 })]
      : [];
    try {
      await endpoint("/many");
      const count = 300;
      for (let i = 0; i < count; i++) await post({ title: `p${i}` });
      // Queued first, so that both find due deliveries to fight over.
      expect((await fanOutEvents(ctx, { limit: 1_000 })).deliveries).toBe(count);
      // Each worker counts what it sends: both must take part.
      const sent = [0, 0];
      const [a, b] = [0, 1].map((n) => {
        const inner = createWebhookSender({ resolve });
        return worker({
          ...(others[n] ? { database: others[n] } : {}),
          batchSize: 20,
          concurrency: 40,
          sender: {
            send: (input) => {
              sent[n]! += 1;
              return inner.send(input);
            },
            close: () => inner.close(),
          },
        });
      });
      await Promise.all([a!.drain(), b!.drain(), a!.drain(), b!.drain()]);
      expect(sent[0]! + sent[1]!).toBe(count);
      expect(Math.min(...sent)).toBeGreaterThan(0);
      const ids = at("/many").map((r) => r.headers["webhook-id"]);
      expect(ids).toHaveLength(count);
      expect(new Set(ids).size).toBe(count);
      const rows = await database.db.select().from(schema.webhookDeliveries);
      expect(rows.every((row) => row.status === "succeeded" && row.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
      await Promise.all(others.map((db) => db.close()));
    }
  });

  it("fan out each event once, however many replicas try at the same time", async () => {
    const others = database.url
      ? [openPostgres(database.url, { poolSize: 2 }), openPostgres(database.url, { poolSize: 2 })]
      : [database, database];
    try {
      const hook = await endpoint("/fan");
      const count = 120;
      for (let i = 0; i < count; i++) await post({ title: `f${i}` });
      const replicas = others.map((db) =>
        createCtx({ database: db, collections: new CollectionRegistry(db), now }),
      );
      let busy = 0;
      let created = 0;
      await Promise.all(
        replicas.map(async (replica) => {
          for (;;) {
            const result = await fanOutEvents(replica, { limit: 10 });
            created += result.deliveries;
            if (result.busy) busy++;
            else if (result.events === 0) return;
          }
        }),
      );
      expect(created).toBe(count);
      const rows = await database.db
        .select()
        .from(schema.webhookDeliveries)
        .where(eq(schema.webhookDeliveries.webhookId, hook.id));
      expect(new Set(rows.map((row) => row.eventPosition)).size).toBe(count);
      // On Postgres the replicas really overlap: one finds the consumer locked by the other.
      if (database.url) expect(busy).toBeGreaterThan(0);
    } finally {
      if (database.url) await Promise.all(others.map((db) => db.close()));
    }
  });

  it("a crashed worker's claims come back once the lease runs out", async () => {
    clock = new Date("2030-01-01T00:00:00Z");
    const hook = await endpoint("/lease");
    await post({ title: "lease" });
    const w = worker({ leaseMs: 20_000 });
    // Fan out without delivering, then claim as a worker that dies before sending.
    await w.drain().catch(() => {});
    receiver.requests.length = 0;
    await database.db
      .update(schema.webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: clock, completedAt: null })
      .where(eq(schema.webhookDeliveries.webhookId, hook.id));
    const claimed = await claimDeliveries(ctx, { limit: 10, leaseMs: 20_000 });
    expect(claimed).toHaveLength(1);
    await w.drain();
    expect(at("/lease")).toEqual([]);
    advance(20_000);
    await w.drain();
    expect(at("/lease")).toHaveLength(1);
  });
});
