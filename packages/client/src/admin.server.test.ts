// @cairn/client/admin against a real server process: superuser sign-in (bearer and cookie),
// superusers, collections, schema as code, users' sessions and impersonation, settings, the
// mailbox, the audit log, API keys and webhooks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import {
  adminEmail,
  adminFor,
  adminPassword,
  appClient,
  uniqueEmail,
} from "../test/sdk-fixtures.js";
import { startWebhookReceiver } from "../test/webhook-receiver.js";
import { type AdminClient, createAdmin } from "./admin.js";
import { memoryStorage } from "./auth-storage.js";
import { createClient } from "./client.js";

let server: TestServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startCairn("admin.server");
  ({ admin } = await adminFor(server));
});

afterAll(async () => {
  await server?.stop();
});

describe("admin", () => {
  it("superusers: me, list, create, delete; wrong password refused", async () => {
    expect(await admin.me()).toMatchObject({ email: adminEmail });
    const ops = await admin.superusers.create({
      email: "ops@example.com",
      password: adminPassword,
    });
    expect((await admin.superusers.list()).map((s) => s.email)).toContain("ops@example.com");
    await admin.superusers.delete(ops.id);
    const other = createAdmin(appClient(server));
    await expect(
      other.signIn({ email: adminEmail, password: "wrong password!" }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it("cookie mode: the session lives in an HttpOnly cookie, writes need the Origin", async () => {
    let cookie = "";
    const client = createClient(server.url, {
      auth: { storage: memoryStorage() },
      // A browser's cookie jar and Origin header, by hand.
      fetch: async (input, init) => {
        const headers: Record<string, string> = {
          ...(init?.headers as Record<string, string>),
          Origin: server.url,
        };
        if (cookie) headers.Cookie = cookie;
        const response = await fetch(input, { ...init, headers });
        const set = response.headers.get("set-cookie");
        if (set) cookie = set.split(";")[0]!;
        return response;
      },
    });
    const cookieAdmin = createAdmin(client);
    const session = await cookieAdmin.signIn({
      email: adminEmail,
      password: adminPassword,
      cookie: true,
    });
    expect(session).toMatchObject({ kind: "superuser", token: "", record: { email: adminEmail } });
    expect(cookie).toMatch(/^cairn_session=/);
    expect(await cookieAdmin.me()).toMatchObject({ email: adminEmail });
    await cookieAdmin.mailbox.clear();
    await cookieAdmin.signOut();
    expect(client.auth.session).toBeNull();
    await expect(cookieAdmin.me()).rejects.toMatchObject({ status: 401 });
  });

  it("collections and schema as code", async () => {
    const created = await admin.collections.create({
      name: "notes",
      fields: [{ name: "title", type: "text", required: true }],
      listRule: "",
    });
    expect(created.fields.map((f) => f.name)).toContain("title");
    const updated = await admin.collections.update("notes", { viewRule: "" });
    expect(updated.viewRule).toBe("");
    expect((await admin.collections.get("notes")).id).toBe(created.id);
    expect((await admin.collections.list()).map((c) => c.name)).toContain("notes");

    const document = await admin.schema.export();
    const withTags = {
      ...document,
      collections: [
        ...document.collections,
        { name: "tags", fields: [{ name: "label", type: "text" as const }] },
      ],
    };
    const plan = await admin.schema.plan(withTags);
    expect(plan.steps.some((s) => s.description.includes('"tags"'))).toBe(true);
    await admin.schema.apply(withTags);
    await expect(admin.schema.apply(document)).rejects.toMatchObject({ status: 409 });
    await admin.schema.apply(document, { allowDestructive: true });
    expect((await admin.collections.list()).map((c) => c.name)).not.toContain("tags");

    const check = await admin.schema.validateRule({ text: "titel = 'x'", collection: "notes" });
    expect(check.valid).toBe(false);
    await admin.collections.delete("notes");
    await expect(admin.collections.get("notes")).rejects.toMatchObject({ status: 404 });
  });

  it("users: sessions, impersonation, revoking, resetting MFA", async () => {
    await admin.collections.create({ name: "members", type: "auth", createRule: "" });
    const app = appClient(server, { auth: { collection: "members" } });
    const signedUp = await app.auth.signUp({ email: uniqueEmail(), password: "long enough pw" });
    if (signedUp.status !== "signedIn") throw new Error("expected a session");
    const userId = signedUp.record.id as string;

    const impersonated = await admin.users.impersonate("members", userId);
    const asUser = appClient(server, { auth: { collection: "members" } });
    asUser.auth.setSession({
      kind: "user",
      collection: "members",
      issuedAt: new Date().toISOString(),
      ...impersonated,
    });
    expect(await asUser.auth.me()).toMatchObject({ id: userId });
    const sessions = await admin.users.sessions("members", userId);
    expect(sessions.some((s) => s.impersonatedBy)).toBe(true);

    await admin.users.resetMfa("members", userId);
    await admin.users.revokeSessions("members", userId);
    await expect(app.auth.me()).rejects.toMatchObject({ status: 401 });
    expect(app.auth.session).toBeNull();
  });

  it("settings, OAuth2 settings, mailbox and audit log", async () => {
    await admin.settings.update({ app: { name: "Acme" } });
    expect((await admin.settings.get()).app).toMatchObject({ name: "Acme" });
    await admin.settings.testMail({ to: "me@example.com" });
    const { items } = await admin.mailbox.list({ to: "me@example.com" });
    expect(items[0]?.template).toBe("test");
    await admin.mailbox.clear();
    expect((await admin.mailbox.list()).total).toBe(0);

    const oauth2 = await admin.settings.updateOAuth2({
      github: { enabled: true, clientId: "id", clientSecret: "secret" },
    });
    expect(oauth2.github).toMatchObject({ enabled: true, clientSecret: "••••••••" });
    expect((await admin.settings.oauth2()).github?.enabled).toBe(true);

    const log = await admin.auditLog.list({ action: "superuser.sign_in" });
    expect(log.length).toBeGreaterThan(0);
  });

  it("storage settings: read masked, test, validation errors, update", async () => {
    expect(await admin.storage.get()).toMatchObject({ kind: "local", s3: { secretAccessKey: "" } });
    expect(await admin.storage.test({ kind: "local" })).toEqual({ ok: true, kind: "local" });
    await expect(admin.storage.update({ kind: "s3", s3: { bucket: "B" } })).rejects.toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      fields: { "s3.bucket": { code: "invalid" } },
    });
    const saved = await admin.storage.update({
      s3: { bucket: "acme-files", accessKeyId: "AKIA", secretAccessKey: "secret" },
    });
    expect(saved).toMatchObject({ kind: "local", s3: { secretAccessKey: "••••••••" } });
    await expect(
      admin.storage.test({
        kind: "s3",
        s3: { endpoint: "http://127.0.0.1:9", forcePathStyle: true },
      }),
    ).rejects.toMatchObject({ status: 503 });
    await admin.storage.update({ s3: { bucket: "", accessKeyId: "", secretAccessKey: "" } });
  });

  it("API keys: created once, used, revoked", async () => {
    await admin.collections.create({ name: "orders", fields: [{ name: "total", type: "number" }] });
    const created = await admin.apiKeys.create({ name: "worker", scopes: ["orders:write"] });
    expect(created.key).toMatch(/^cairn_/);
    const worker = appClient(server, { headers: { Authorization: `Bearer ${created.key}` } });
    await worker.collection("orders").create({ total: 5 });
    expect((await admin.apiKeys.list()).map((k) => k.id)).toContain(created.id);
    await admin.apiKeys.revoke(created.id);
    await expect(worker.collection("orders").list()).rejects.toMatchObject({ status: 401 });
  });

  it("webhooks: endpoints, secrets, a test event and its log, redelivery, settings", async () => {
    const receiver = await startWebhookReceiver();
    const { url, received } = receiver;
    try {
      await expect(admin.webhooks.create({ url, events: ["*"] })).rejects.toMatchObject({
        status: 400,
        code: "VALIDATION_FAILED",
        fields: { url: { code: "invalid_url" } },
      });
      expect(await admin.webhooks.updateSettings({ allowPrivateAddresses: true })).toEqual({
        allowPrivateAddresses: true,
        deliveryRetentionDays: 30,
      });
      expect((await admin.webhooks.settings()).allowPrivateAddresses).toBe(true);

      const created = await admin.webhooks.create({
        url,
        events: ["*"],
        headers: { "X-Tenant": "acme" },
        description: "SDK test",
      });
      expect(created.secret).toMatch(/^whsec_/);
      expect(created.headers).toEqual({ "X-Tenant": "••••••••" });
      expect((await admin.webhooks.list()).map((w) => w.id)).toContain(created.id);
      expect(await admin.webhooks.get(created.id)).not.toHaveProperty("secret");
      expect((await admin.webhooks.revealSecret(created.id)).secret).toBe(created.secret);
      const rotated = await admin.webhooks.rotateSecret(created.id);
      expect(await admin.webhooks.revealSecret(created.id)).toMatchObject({
        secret: rotated.secret,
        previousSecret: created.secret,
      });

      // The server's worker delivers the test event; signed with both secrets during rotation.
      const queued = await admin.webhooks.test(created.id);
      expect(queued).toMatchObject({ status: "pending", eventType: "webhook.test" });
      const delivered = await until(async () => {
        const detail = await admin.webhooks.delivery(queued.id);
        return detail.status === "succeeded" ? detail : undefined;
      });
      expect(delivered.attemptLog).toMatchObject([{ attempt: 1, status: 200 }]);
      expect(delivered.payload.type).toBe("webhook.test");
      expect(received[0]).toMatchObject({ "webhook-id": queued.id, "x-tenant": "acme" });
      expect(String(received[0]?.["webhook-signature"]).split(" ")).toHaveLength(2);

      const { items } = await admin.webhooks.deliveries({
        webhookId: created.id,
        status: "succeeded",
      });
      expect(items.map((d) => d.id)).toEqual([queued.id]);
      receiver.status = 410;
      expect((await admin.webhooks.redeliver(queued.id)).status).toBe("pending");
      const gone = await until(async () => {
        const hook = await admin.webhooks.get(created.id);
        return hook.enabled ? undefined : hook;
      });
      expect(gone.disabledReason).toMatch(/410/);
      await expect(admin.webhooks.redeliverFailed(created.id)).rejects.toMatchObject({
        status: 409,
      });
      receiver.status = 200;
      await admin.webhooks.update(created.id, { enabled: true });
      expect(await admin.webhooks.redeliverFailed(created.id, { waiting: true })).toEqual({
        count: 1,
      });
      await until(async () =>
        (await admin.webhooks.delivery(queued.id)).status === "succeeded" ? true : undefined,
      );
      await admin.webhooks.delete(created.id);
      await expect(admin.webhooks.get(created.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await receiver.close();
    }
  });
});

/** Polls `check` until it answers something (the server's worker is asynchronous). */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
