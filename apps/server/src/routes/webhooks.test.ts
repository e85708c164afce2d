// /api/webhooks: who may use it, validation in the error envelope, secrets answered only where
// they must be (and never logged), patch semantics, test events, the delivery log and
// redelivery, with a worker over the same database and a receiver on loopback.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookWorker, maskedSecret, type WebhookWorker } from "@cairn/core";
import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
let user: Record<string, string>;
let worker: WebhookWorker;
const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
let status = 200;
const receiver = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    received.push({ path: request.url ?? "", headers: request.headers, body });
    response.writeHead(status).end("thanks");
  });
});
let receiverUrl: string;

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(t.app, method, path, { body, headers });
const create = (body: Record<string, unknown>) => call("POST", "/api/webhooks", body);

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  user = (await signUpUser(t, { superuser: admin.Authorization!.slice(7) })).headers;
  await call("POST", "/api/collections", {
    name: "posts",
    fields: [{ name: "title", type: "text" }],
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  worker = createWebhookWorker({ database: t.database, maxIdleMs: 3_600_000 });
});

afterAll(async () => {
  await worker?.stop({ graceMs: 0 });
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await t?.close();
});

describe("access", () => {
  it("is for superusers and full API keys only", async () => {
    expect((await call("GET", "/api/webhooks", undefined, {})).status).toBe(401);
    const asUser = await call("GET", "/api/webhooks", undefined, user);
    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe("FORBIDDEN");
    const reader = (await call("POST", "/api/api-keys", { name: "r", scopes: ["read"] })).body.key;
    const full = (await call("POST", "/api/api-keys", { name: "f", scopes: ["full"] })).body.key;
    const readKey = { Authorization: `Bearer ${reader}` };
    expect((await call("GET", "/api/webhooks", undefined, readKey)).status).toBe(403);
    expect((await call("POST", "/api/webhooks/wh_x/test", undefined, readKey)).status).toBe(403);
    expect((await call("GET", "/api/webhooks/settings", undefined, readKey)).status).toBe(403);
    const fullKey = { Authorization: `Bearer ${full}` };
    expect((await call("GET", "/api/webhooks", undefined, fullKey)).status).toBe(200);
    const created = await call(
      "POST",
      "/api/webhooks",
      { url: "https://hooks.example.com/a", events: ["*"] },
      fullKey,
    );
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toMatch(/^api_key:/);
    expect((await call("DELETE", `/api/webhooks/${created.body.id}`)).status).toBe(204);
  });
});

describe("endpoints", () => {
  it("creates one and answers its secret only at creation and on reveal, never in a log", async () => {
    const created = await create({
      url: "https://hooks.example.com/posts",
      events: ["posts.created", "posts.updated"],
      filter: 'title != ""',
      headers: { Authorization: "Bearer receiver-token" },
      description: "Posts to the CRM",
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    expect(id).toMatch(/^wh_/);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({
      url: "https://hooks.example.com/posts",
      events: ["posts.created", "posts.updated"],
      filter: 'title != ""',
      headers: { Authorization: maskedSecret },
      enabled: true,
      disabledReason: null,
      description: "Posts to the CRM",
    });
    const list = await call("GET", "/api/webhooks");
    const one = await call("GET", `/api/webhooks/${id}`);
    expect(one.body).toEqual({ ...created.body, secret: undefined });
    for (const answer of [list, one]) {
      expect(JSON.stringify(answer.body)).not.toContain(secret);
      expect(JSON.stringify(answer.body)).not.toContain("receiver-token");
    }
    const revealed = await apiCall(t.app, "GET", `/api/webhooks/${id}/secret`, { headers: admin });
    expect(revealed.body).toEqual({ secret, previousSecret: null, previousSecretExpires: null });
    const raw = await t.app.request(`/api/webhooks/${id}/secret`, { headers: admin });
    expect(raw.headers.get("cache-control")).toBe("no-store");

    const rotated = await call("POST", `/api/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    const after = await call("GET", `/api/webhooks/${id}/secret`);
    expect(after.body).toMatchObject({ secret: rotated.body.secret, previousSecret: secret });
    expect((await call("GET", `/api/webhooks/${id}`)).body.previousSecretExpires).toBe(
      rotated.body.previousSecretExpires,
    );
    const chosen = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    expect(
      (await call("POST", `/api/webhooks/${id}/rotate-secret`, { secret: chosen })).body.secret,
    ).toBe(chosen);
    const logged = JSON.stringify(t.logs);
    for (const value of [secret, rotated.body.secret, chosen]) expect(logged).not.toContain(value);
    expect(logged).toContain("webhook secret revealed");
  });

  it("changes only what is sent; the masked header value keeps the stored one", async () => {
    const { id } = (
      await create({
        url: "https://hooks.example.com/x",
        events: ["*"],
        headers: { Authorization: "Bearer keep-me" },
      })
    ).body;
    const patched = await call("PATCH", `/api/webhooks/${id}`, {
      description: "renamed",
      headers: { Authorization: maskedSecret, "X-Tenant": "acme" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      url: "https://hooks.example.com/x",
      events: ["*"],
      description: "renamed",
      headers: { Authorization: maskedSecret, "X-Tenant": maskedSecret },
    });
    const [row] = await t.database.db
      .select()
      .from(schema.webhooks)
      .where(eq(schema.webhooks.id, id));
    const headers = row!.headers;
    expect(headers).toEqual({ Authorization: "Bearer keep-me", "X-Tenant": "acme" });

    const disabled = await call("PATCH", `/api/webhooks/${id}`, { enabled: false });
    expect(disabled.body).toMatchObject({
      enabled: false,
      disabledReason: "Disabled by an admin.",
    });
    const enabled = await call("PATCH", `/api/webhooks/${id}`, { enabled: true, filter: null });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, filter: null });
    expect((await call("DELETE", `/api/webhooks/${id}`)).status).toBe(204);
    expect((await call("GET", `/api/webhooks/${id}`)).status).toBe(404);
    expect((await call("DELETE", `/api/webhooks/${id}`)).status).toBe(404);
  });

  it("refuses bad input with field errors in the envelope", async () => {
    const invalid = async (body: unknown, field: string, code?: string) => {
      const answer = await call("POST", "/api/webhooks", body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.error.code).toBe("VALIDATION_FAILED");
      expect(answer.body.error.requestId).toBeTruthy();
      expect(answer.body.error.fields?.[field], JSON.stringify(answer.body)).toBeTruthy();
      if (code) expect(answer.body.error.fields[field].code).toBe(code);
      return answer.body.error.fields[field].message as string;
    };
    const ok = { url: "https://hooks.example.com/", events: ["*"] };
    await invalid({ events: ["*"] }, "url");
    await invalid({ ...ok, url: "ftp://hooks.example.com/" }, "url", "invalid_url");
    await invalid({ ...ok, url: "not a url" }, "url", "invalid_url");
    await invalid({ ...ok, url: "https://user:pw@hooks.example.com/" }, "url", "invalid_url");
    // Private addresses are refused while the setting says so.
    for (const url of [
      "http://127.0.0.1:8080/",
      "http://localhost/",
      "http://10.0.0.5/",
      "http://169.254.169.254/latest",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[fd00:ec2::254]/",
    ]) {
      expect(await invalid({ ...ok, url }, "url", "invalid_url")).toMatch(/private/);
    }
    await invalid({ url: ok.url }, "events");
    await invalid({ ...ok, events: [] }, "events");
    await invalid({ ...ok, events: ["posts.renamed"] }, "events.0", "invalid_event");
    await invalid({ ...ok, events: ["*", "nope.created"] }, "events.1", "not_found");
    expect(await invalid({ ...ok, filter: "title = " }, "filter", "invalid_filter")).toMatch(
      /line 1/,
    );
    expect(
      await invalid({ ...ok, events: ["posts.created"], filter: 'titel = "x"' }, "filter"),
    ).toMatch(/titel.*"posts"/s);
    await invalid({ ...ok, events: ["posts.*"], filter: "@request.auth.id != ''" }, "filter");
    for (const name of [
      "Connection",
      "Transfer-Encoding",
      "Host",
      "webhook-signature",
      "Webhook-Id",
      "Content-Type",
    ]) {
      await invalid({ ...ok, headers: { [name]: "x" } }, `headers.${name}`, "reserved");
    }
    await invalid({ ...ok, headers: { "X-Bad": "a\r\nInjected: 1" } }, "headers.X-Bad");
    await invalid({ ...ok, headers: { "X-Emoji": "🙂" } }, "headers.X-Emoji");
    await invalid({ ...ok, headers: { "bad name": "x" } }, "headers.bad name");
    await invalid({ ...ok, headers: { "X-New": maskedSecret } }, "headers.X-New");
    await invalid({ ...ok, secret: "whsec_short" }, "secret");
    await invalid({ ...ok, colour: "red" }, "colour", "unknown_field");
    await invalid({ ...ok, enabled: "yes" }, "enabled");

    const notJson = await t.app.request("/api/webhooks", {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe("INVALID_JSON");

    const { id } = (await create(ok)).body;
    const patch = await call("PATCH", `/api/webhooks/${id}`, {
      events: ["posts.*"],
      filter: "x =",
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields.filter).toBeTruthy();
    expect(
      (await call("PATCH", `/api/webhooks/${id}`, { secret: "whsec_x" })).body.error.fields.secret
        .code,
    ).toBe("unknown_field");
    expect(
      (await call("POST", `/api/webhooks/${id}/rotate-secret`, { secret: "nope" })).status,
    ).toBe(400);
    await call("DELETE", `/api/webhooks/${id}`);
  });

  it("answers 404 for unknown ids", async () => {
    for (const [method, path] of [
      ["GET", "/api/webhooks/wh_nope"],
      ["PATCH", "/api/webhooks/wh_nope"],
      ["GET", "/api/webhooks/wh_nope/secret"],
      ["POST", "/api/webhooks/wh_nope/rotate-secret"],
      ["POST", "/api/webhooks/wh_nope/test"],
      ["POST", "/api/webhooks/wh_nope/redeliver"],
      ["GET", "/api/webhooks/deliveries/msg_nope"],
      ["POST", "/api/webhooks/deliveries/msg_nope/redeliver"],
    ] as const) {
      const answer = await call(method, path, method === "PATCH" ? {} : undefined);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error.code).toBe("NOT_FOUND");
    }
  });
});

describe("settings", () => {
  it("reads and changes the webhook settings", async () => {
    expect((await call("GET", "/api/webhooks/settings")).body).toEqual({
      allowPrivateAddresses: false,
      deliveryRetentionDays: 30,
    });
    const bad = await call("PATCH", "/api/webhooks/settings", {
      allowPrivateAddresses: "yes",
      nope: 1,
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["allowPrivateAddresses", "nope"]);
    const changed = await call("PATCH", "/api/webhooks/settings", { deliveryRetentionDays: 7 });
    expect(changed.body).toEqual({ allowPrivateAddresses: false, deliveryRetentionDays: 7 });
  });
});

describe("test events, the delivery log and redelivery", () => {
  it("sends a signed test event, logs it, and redelivers failed deliveries", async () => {
    await call("PATCH", "/api/webhooks/settings", { allowPrivateAddresses: true });
    const created = (await create({ url: `${receiverUrl}/hook`, events: ["posts.created"] })).body;
    const queued = await call("POST", `/api/webhooks/${created.id}/test`);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({
      webhookId: created.id,
      eventType: "webhook.test",
      status: "pending",
      attempts: 0,
    });
    await worker.drain();
    const [request] = received;
    expect(request?.headers["webhook-id"]).toBe(queued.body.id);
    const payload = new Webhook(created.secret).verify(
      request!.body,
      request!.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ type: "webhook.test", data: { webhookId: created.id } });

    const delivery = await call("GET", `/api/webhooks/deliveries/${queued.body.id}`);
    expect(delivery.body).toMatchObject({
      status: "succeeded",
      attempts: 1,
      lastStatus: 200,
      payload: { type: "webhook.test" },
      attemptLog: [
        { attempt: 1, status: 200, response: "thanks", error: null, url: `${receiverUrl}/hook` },
      ],
    });

    // A failing receiver: the record's event waits for a retry; disabling fails it.
    status = 500;
    await call("POST", "/api/collections/posts/records", { title: "one" });
    await worker.drain();
    const pending = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${created.id}&status=pending`,
    );
    expect(pending.body.items).toHaveLength(1);
    expect(pending.body.items[0]).toMatchObject({
      eventType: "posts.created",
      attempts: 1,
      lastStatus: 500,
    });
    await call("PATCH", `/api/webhooks/${created.id}`, { enabled: false });
    const failed = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${created.id}&status=failed`,
    );
    expect(failed.body.items.map((d: { id: string }) => d.id)).toEqual([pending.body.items[0].id]);
    expect((await call("POST", `/api/webhooks/${created.id}/redeliver`)).status).toBe(409);
    expect(
      (await call("POST", `/api/webhooks/deliveries/${failed.body.items[0].id}/redeliver`)).status,
    ).toBe(409);

    status = 200;
    await call("PATCH", `/api/webhooks/${created.id}`, { enabled: true });
    const redelivered = await call("POST", `/api/webhooks/${created.id}/redeliver`);
    expect(redelivered).toMatchObject({ status: 202, body: { count: 1 } });
    await worker.drain();
    const done = await call("GET", `/api/webhooks/deliveries/${failed.body.items[0].id}`);
    expect(done.body).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(done.body.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    const ids = received.map((r) => r.headers["webhook-id"]);
    expect(ids.filter((x) => x === failed.body.items[0].id)).toHaveLength(2);

    // One delivery again, and the log pages back with `before`.
    const again = await call("POST", `/api/webhooks/deliveries/${queued.body.id}/redeliver`);
    expect(again).toMatchObject({ status: 202, body: { status: "pending" } });
    await worker.drain();
    const page1 = await call("GET", `/api/webhooks/deliveries?webhookId=${created.id}&limit=1`);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${created.id}&limit=5&before=${page1.body.next}`,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.next).toBeNull();
    expect((await call("GET", "/api/webhooks/deliveries?status=bogus")).status).toBe(400);
    expect((await call("GET", "/api/webhooks/deliveries?limit=0")).status).toBe(400);
    expect((await call("GET", "/api/webhooks/deliveries?limit=x")).status).toBe(400);
  });
});

describe("the delivery log's list", () => {
  it("carries the latest attempt's latency, status and count, in one query per page", async () => {
    await call("PATCH", "/api/webhooks/settings", { allowPrivateAddresses: true });
    const hook = (await create({ url: `${receiverUrl}/latency`, events: ["posts.created"] })).body;
    const never = (await call("POST", `/api/webhooks/${hook.id}/test`)).body;
    expect(never).toMatchObject({ attempts: 0, lastStatus: null, lastLatencyMs: null });
    await worker.drain();
    status = 500;
    const failing = (await call("POST", `/api/webhooks/${hook.id}/test`)).body;
    await worker.drain();
    status = 200;
    const again = await call("POST", `/api/webhooks/deliveries/${failing.id}/redeliver`);
    // Still the previous attempt's numbers while the redelivery waits.
    expect(again.body).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    expect(again.body.lastLatencyMs).toEqual(expect.any(Number));
    await worker.drain();

    const listed = await call("GET", `/api/webhooks/deliveries?webhookId=${hook.id}`);
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.items.map((d: { id: string }) => [d.id, d]));
    const detail = (await call("GET", `/api/webhooks/deliveries/${failing.id}`)).body;
    expect(detail.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    const lastAttempt = detail.attemptLog.at(-1);
    expect(byId.get(failing.id)).toMatchObject({
      status: "succeeded",
      attempts: 2,
      lastStatus: 200,
      lastLatencyMs: lastAttempt.latencyMs,
    });
    expect(detail.lastLatencyMs).toBe(lastAttempt.latencyMs);
    expect(byId.get(never.id)).toMatchObject({ attempts: 1, lastStatus: 200 });
    for (const item of listed.body.items) {
      expect(item.lastLatencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("pages back with `before` through every delivery once, under every filter", async () => {
    const hook = (await create({ url: `${receiverUrl}/pages`, events: ["posts.created"] })).body;
    const queued: string[] = [];
    for (let i = 0; i < 5; i++) {
      queued.push((await call("POST", `/api/webhooks/${hook.id}/test`)).body.id);
    }
    // Pending ones stay so until the worker runs: five pending test events, newest first.
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 5; page++) {
      const query = `webhookId=${hook.id}&limit=2${before ? `&before=${before}` : ""}`;
      const answer = await call("GET", `/api/webhooks/deliveries?${query}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((d: { id: string }) => d.id));
      before = answer.body.next;
      if (!before) break;
    }
    expect(seen).toEqual([...queued].reverse());
    expect(before).toBeNull();

    const first = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${hook.id}&status=pending&limit=3`,
    );
    const rest = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${hook.id}&status=pending&limit=3&before=${first.body.next}`,
    );
    expect([...first.body.items, ...rest.body.items].map((d: { id: string }) => d.id)).toEqual(
      [...queued].reverse(),
    );
    expect(rest.body.next).toBeNull();

    // Another endpoint gets a post (fanned out by the worker) and a test event: by event type.
    const other = (await create({ url: `${receiverUrl}/types`, events: ["*"] })).body;
    await call("POST", "/api/collections/posts/records", { title: "typed" });
    await worker.drain();
    await call("POST", `/api/webhooks/${other.id}/test`);
    const posts = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${other.id}&eventType=posts.created&status=succeeded`,
    );
    expect(posts.body.items.map((d: { eventType: string }) => d.eventType)).toEqual([
      "posts.created",
    ]);
    const tests = await call(
      "GET",
      `/api/webhooks/deliveries?webhookId=${other.id}&eventType=webhook.test&status=pending`,
    );
    expect(tests.body.items).toHaveLength(1);
    expect(tests.body.items[0].eventType).toBe("webhook.test");

    // Mistakes are 400s in the envelope; an unknown cursor is an empty page, not an error.
    const badType = await call("GET", "/api/webhooks/deliveries?eventType=");
    expect(badType.status).toBe(400);
    expect(badType.body.error.fields.eventType.code).toBe("invalid");
    const long = await call("GET", `/api/webhooks/deliveries?eventType=${"x".repeat(201)}`);
    expect(long.status).toBe(400);
    const unknown = await call("GET", "/api/webhooks/deliveries?before=msg_nope");
    expect(unknown).toMatchObject({ status: 200, body: { items: [], next: null } });
    const asUser = await call("GET", "/api/webhooks/deliveries", undefined, user);
    expect(asUser.status).toBe(403);
    await worker.drain();
  });
});
