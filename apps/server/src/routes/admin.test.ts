// Superusers (first-run setup, sign-in, managing each other), API keys and their scopes,
// settings, the dev mailbox and the audit log.
import { createCtx, issueSetupLink } from "@cairn/core";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  apiCall(t.app, method, path, { body, headers });
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("first-run setup and superuser sign-in", () => {
  it("creates the first superuser from the setup link, once", async () => {
    const ctx = createCtx({
      database: t.database,
      collections: t.collections,
      baseUrl: "https://cairn.example.com",
    });
    const link = await issueSetupLink(ctx);
    expect(link).toMatch(/^https:\/\/cairn\.example\.com\/_\/setup\?token=[a-z2-7]+$/);
    const token = new URL(link!).searchParams.get("token");
    const weak = await call("POST", "/api/superusers/setup", {
      token,
      email: "root@example.com",
      password: "short",
    });
    expect(weak.status).toBe(400);
    const created = await call("POST", "/api/superusers/setup", {
      token,
      email: "root@example.com",
      password: "a long admin password",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await issueSetupLink(ctx)).toBeUndefined();
    const again = await call("POST", "/api/superusers/setup", {
      token,
      email: "x@example.com",
      password: "a long admin password",
    });
    expect(again.status).toBe(400);
  });

  it("signs in, answers /me, refuses a wrong password like an unknown email", async () => {
    const ok = await call("POST", "/api/superusers/sign-in", {
      email: "ROOT@example.com",
      password: "a long admin password",
    });
    expect(ok.status).toBe(200);
    admin = bearer(ok.body.token);
    expect((await call("GET", "/api/superusers/me", undefined, admin)).body.email).toBe(
      "root@example.com",
    );
    const wrong = await call("POST", "/api/superusers/sign-in", {
      email: "root@example.com",
      password: "nope",
    });
    const unknown = await call("POST", "/api/superusers/sign-in", {
      email: "nobody@example.com",
      password: "nope",
    });
    expect([wrong.status, unknown.status]).toEqual([400, 400]);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("adds and removes superusers, never the last one", async () => {
    const added = await call(
      "POST",
      "/api/superusers",
      { email: "ops@example.com", password: "another long password" },
      admin,
    );
    expect(added.status).toBe(201);
    expect((await call("GET", "/api/superusers", undefined, admin)).body.items).toHaveLength(2);
    expect(
      (await call("DELETE", `/api/superusers/${added.body.id}`, undefined, admin)).status,
    ).toBe(204);
    const me = (await call("GET", "/api/superusers", undefined, admin)).body.items[0];
    expect((await call("DELETE", `/api/superusers/${me.id}`, undefined, admin)).status).toBe(409);
  });

  it("signs out", async () => {
    const session = (
      await call("POST", "/api/superusers/sign-in", {
        email: "root@example.com",
        password: "a long admin password",
      })
    ).body;
    expect(
      (await call("POST", "/api/superusers/sign-out", undefined, bearer(session.token))).status,
    ).toBe(204);
    expect((await call("GET", "/api/superusers/me", undefined, bearer(session.token))).status).toBe(
      401,
    );
  });
});

describe("API keys", () => {
  beforeAll(async () => {
    for (const name of ["posts", "secrets"]) {
      const created = await call(
        "POST",
        "/api/collections",
        { name, fields: [{ name: "title", type: "text" }] },
        admin,
      );
      expect(created.status).toBe(201);
      await call("POST", `/api/collections/${name}/records`, { title: `a ${name} record` }, admin);
    }
  });

  it("are shown once, stored hashed, and listed without the key", async () => {
    const created = await call(
      "POST",
      "/api/api-keys",
      { name: "worker", scopes: ["posts:read"] },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^cairn_[a-z2-7]{64}$/);
    const list = await call("GET", "/api/api-keys", undefined, admin);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const stored = await t.database.rows<{ secret_hash: string }>(
      sql`select secret_hash from cairn.api_keys`,
    );
    expect(JSON.stringify(stored)).not.toContain(created.body.key);
  });

  it("enforce their scopes on records and collections", async () => {
    const reader = (
      await call("POST", "/api/api-keys", { name: "reader", scopes: ["posts:read"] }, admin)
    ).body.key;
    const writer = (
      await call("POST", "/api/api-keys", { name: "writer", scopes: ["posts:write"] }, admin)
    ).body.key;
    const full = (await call("POST", "/api/api-keys", { name: "ops", scopes: ["full"] }, admin))
      .body.key;
    // Collection rules are null (superusers only): only scopes let keys in.
    expect(
      (await call("GET", "/api/collections/posts/records", undefined, bearer(reader))).status,
    ).toBe(200);
    expect(
      (await call("POST", "/api/collections/posts/records", { title: "x" }, bearer(reader))).status,
    ).toBe(403);
    expect(
      (await call("GET", "/api/collections/secrets/records", undefined, bearer(reader))).status,
    ).toBe(403);
    expect(
      (await call("POST", "/api/collections/posts/records", { title: "x" }, bearer(writer))).status,
    ).toBe(201);
    expect((await call("GET", "/api/collections", undefined, bearer(writer))).status).toBe(403);
    expect((await call("GET", "/api/collections", undefined, bearer(full))).status).toBe(200);
    expect(
      (await call("GET", "/api/collections/secrets/records", undefined, bearer(full))).status,
    ).toBe(200);
    const used = await t.database.rows<{ n: number }>(
      sql`select count(*)::int as n from cairn.audit_log where action = 'api_key.used'`,
    );
    expect(used[0]?.n).toBeGreaterThan(0);
  });

  it("stop working the moment they are revoked, and when they expire", async () => {
    const created = (await call("POST", "/api/api-keys", { name: "temp", scopes: ["read"] }, admin))
      .body;
    expect(
      (await call("GET", "/api/collections/posts/records", undefined, bearer(created.key))).status,
    ).toBe(200);
    expect((await call("DELETE", `/api/api-keys/${created.id}`, undefined, admin)).status).toBe(
      204,
    );
    expect(
      (await call("GET", "/api/collections/posts/records", undefined, bearer(created.key))).status,
    ).toBe(401);
    const soon = (
      await call(
        "POST",
        "/api/api-keys",
        { name: "soon", scopes: ["read"], expiresAt: new Date(Date.now() + 1000).toISOString() },
        admin,
      )
    ).body;
    await t.database.rows(
      sql`update cairn.api_keys set expires_at = now() - interval '1 second' where id = ${soon.id}`,
    );
    expect(
      (await call("GET", "/api/collections/posts/records", undefined, bearer(soon.key))).status,
    ).toBe(401);
  });

  it("refuse bad scopes and non-superusers", async () => {
    const bad = await call(
      "POST",
      "/api/api-keys",
      { name: "x", scopes: ["admin", "nosuch:read"] },
      admin,
    );
    expect(bad.status).toBe(400);
    const key = (await call("POST", "/api/api-keys", { name: "k", scopes: ["full"] }, admin)).body
      .key;
    expect(
      (await call("POST", "/api/api-keys", { name: "y", scopes: ["full"] }, bearer(key))).status,
    ).toBe(403);
    expect((await call("GET", "/api/api-keys")).status).toBe(401);
  });
});

describe("settings, mailbox, audit log", () => {
  it("masks the SMTP password and keeps it when the mask is sent back", async () => {
    const patched = await call(
      "PATCH",
      "/api/settings",
      {
        app: { name: "Acme" },
        smtp: { host: "smtp.example.com", password: "s3cret", username: "u" },
      },
      admin,
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.app.name).toBe("Acme");
    expect(patched.body.smtp.password).toBe("••••••••");
    await call("PATCH", "/api/settings", { smtp: { password: "••••••••", port: 2525 } }, admin);
    const stored = await t.database.rows<{ value: { password: string; port: number } }>(
      sql`select value from cairn.settings where key = 'smtp'`,
    );
    expect(stored[0]?.value).toMatchObject({ password: "s3cret", port: 2525 });
    const invalid = await call(
      "PATCH",
      "/api/settings",
      { smtp: { port: "many" }, nosuch: {} },
      admin,
    );
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fields).sort()).toEqual(["nosuch", "smtp.port"]);
  });

  it("sends a test mail to the dev mailbox while SMTP is off, and lists it", async () => {
    const sent = await call("POST", "/api/settings/mail/test", { to: "me@example.com" }, admin);
    expect(sent.body).toEqual({ via: "mailbox" });
    const mailbox = await call("GET", "/api/mailbox?to=me@example.com", undefined, admin);
    expect(mailbox.body.items[0]).toMatchObject({
      to: "me@example.com",
      subject: "Acme: test mail",
    });
    expect((await call("DELETE", "/api/mailbox", undefined, admin)).status).toBe(204);
    expect((await call("GET", "/api/mailbox", undefined, admin)).body.total).toBe(0);
  });

  it("reports an unreachable SMTP server as 503 when testing it", async () => {
    const response = await call(
      "POST",
      "/api/settings/smtp/test",
      { to: "me@example.com", smtp: { host: "127.0.0.1", port: 1, enabled: true } },
      admin,
    );
    expect(response.status).toBe(503);
  });

  it("lists the audit log for superusers only", async () => {
    const log = await call("GET", "/api/audit-log?action=superuser.sign_in", undefined, admin);
    expect(log.body.items.length).toBeGreaterThan(0);
    expect((await call("GET", "/api/audit-log")).status).toBe(401);
  });
});

describe("the admin endpoints", () => {
  it("answer 401 without credentials and 403 to a key where keys are not accepted", async () => {
    const key = (await call("POST", "/api/api-keys", { name: "sweep", scopes: ["full"] }, admin))
      .body.key;
    const everyAdmin = [
      "/api/collections",
      "/api/settings",
      "/api/settings/oauth2",
      "/api/settings/security",
      "/api/settings/storage",
      "/api/settings/metrics",
      "/api/superusers",
      "/api/api-keys",
      "/api/audit-log",
      "/api/mailbox",
      "/api/webhooks",
      "/api/logs",
      "/api/backups",
    ];
    // Full-scope keys are refused by these; they manage the rest.
    const superusersOnly = new Set([
      "/api/settings/metrics",
      "/api/superusers",
      "/api/api-keys",
      "/api/logs",
      "/api/backups",
    ]);
    for (const path of everyAdmin) {
      const anonymous = await call("GET", path);
      expect([path, anonymous.status, anonymous.body.error.code]).toEqual([
        path,
        401,
        "UNAUTHORIZED",
      ]);
      const withKey = await call("GET", path, undefined, bearer(key));
      expect([path, withKey.status]).toEqual([path, superusersOnly.has(path) ? 403 : 200]);
      expect((await call("GET", path, undefined, admin)).status).toBe(200);
    }
  });
});

describe("the console's session cookie", () => {
  it("is HttpOnly and SameSite, authenticates reads, and needs this server's Origin for writes", async () => {
    const response = await t.app.request("/api/superusers/sign-in?cookie=true", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "root@example.com", password: "a long admin password" }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token?: string; superuser: { email: string } };
    expect(body.token).toBeUndefined();
    expect(body.superuser.email).toBe("root@example.com");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^cairn_session=[a-z2-7]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0]!;

    const read = await t.app.request("/api/superusers/me", { headers: { Cookie: cookie } });
    expect(read.status).toBe(200);
    const crossSite = await t.app.request("http://localhost/api/collections", {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: "https://evil.example",
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ name: "csrf" }),
    });
    expect(crossSite.status).toBe(403);
    const noOrigin = await t.app.request("http://localhost/api/collections", {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "csrf" }),
    });
    expect(noOrigin.status).toBe(403);
    const sameSite = await t.app.request("http://localhost/api/collections", {
      method: "POST",
      headers: { Cookie: cookie, Origin: "http://localhost", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "made_by_cookie" }),
    });
    expect(sameSite.status).toBe(201);

    const signOut = await t.app.request("http://localhost/api/superusers/sign-out", {
      method: "POST",
      headers: { Cookie: cookie, Origin: "http://localhost" },
    });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get("set-cookie")).toMatch(/cairn_session=;/);
    expect(
      (await t.app.request("/api/superusers/me", { headers: { Cookie: cookie } })).status,
    ).toBe(401);
  });
});
