// Disabling app users over HTTP: sessions and pending tokens end at once, no sign-in method works
// (password only says "disabled" once the password is right), enabling lets them back in, only
// superusers and full-scope keys may do it, audit rows and events, and the row goes with the user.
import { createHash } from "node:crypto";
import {
  completeSignIn,
  createCtx,
  findUserById,
  resolveAuthCollection,
  type SignInMethod,
} from "@cairn/core";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
const password = "correct horse battery";

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  apiCall(t.app, method, path, { body, headers });
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const base = "/api/collections/members/auth";

beforeAll(async () => {
  t = await createTestApp();
  admin = auth(await superuserToken(t));
  for (const [name, options] of [
    ["members", { otp: true }],
    ["staff", { mfa: "required" }],
  ] as const) {
    const created = await call(
      "POST",
      "/api/collections",
      { name, type: "auth", auth: options },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});
afterAll(() => t.close());

let userCount = 0;
async function createUser(collection = "members"): Promise<{ id: string; email: string }> {
  const email = `dis${++userCount}.${Date.now()}@example.com`;
  const response = await call(
    "POST",
    `/api/collections/${collection}/records`,
    { email, password, verified: true },
    admin,
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { id: response.body.id, email };
}

const signIn = (email: string, pw = password, collection = "members") =>
  call("POST", `/api/collections/${collection}/auth/sign-in`, { email, password: pw });

async function lastMailId(): Promise<number> {
  const [row] = await t.database.rows<{ id: number | null }>(
    sql`select max(id)::int as id from cairn.mailbox`,
  );
  return row?.id ?? 0;
}

/** The sign-in mail sent after `after`, waited for (requests answer before it is sent). */
async function readMail(email: string, after: number, waitMs = 2000) {
  for (let waited = 0; waited < waitMs; waited += 20) {
    const [mail] = await t.database.rows<{ text: string }>(
      sql`select text from cairn.mailbox where lower("to") = lower(${email}) and id > ${after} order by id limit 1`,
    );
    if (mail) {
      return {
        code: /Your code is (\d{6})/.exec(mail.text)?.[1] ?? "",
        token: new URL(
          /sign in with this link: (\S+)/.exec(mail.text)?.[1] ?? "http://x/",
        ).searchParams.get("magicToken"),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

async function requestCode(email: string) {
  const after = await lastMailId();
  const response = await call("POST", `${base}/otp/request`, { email });
  expect(response.status).toBe(204);
  return readMail(email, after);
}

async function auditOf(subjectId: string) {
  return t.database.rows<{ action: string; actor: string; detail: Record<string, unknown> }>(
    sql`select action, actor, detail from cairn.audit_log where subject_id = ${subjectId} order by id`,
  );
}

async function sessionCount(subjectId: string): Promise<number> {
  const [row] = await t.database.rows<{ n: number }>(
    sql`select count(*)::int as n from cairn.sessions where subject_id = ${subjectId}`,
  );
  return row!.n;
}

async function apiKey(scopes: string[]): Promise<string> {
  const token = `cairn_test${Math.random().toString(36).slice(2)}${Date.now()}`;
  const hash = createHash("sha256").update(token).digest("hex");
  await t.database.rows(
    sql`insert into cairn.api_keys (id, name, secret_hash, scopes, created_by)
        values (${`key${Date.now()}${scopes[0]}`}, 'test', ${hash}, ${JSON.stringify(scopes)}::jsonb, 'test')`,
  );
  return token;
}

describe("disabling a user", () => {
  it("ends their sessions at once and refuses every sign-in until enabled", async () => {
    const user = await createUser();
    const first = await signIn(user.email);
    const second = await signIn(user.email);
    expect(first.status).toBe(200);
    expect((await call("GET", `${base}/me`, undefined, auth(first.body.token))).status).toBe(200);

    const disabled = await call(
      "POST",
      `${base}/users/${user.id}/disable`,
      { reason: "Chargeback fraud" },
      admin,
    );
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body).toMatchObject({
      userId: user.id,
      reason: "Chargeback fraud",
      sessionsRevoked: 2,
      disabledBy: expect.stringMatching(/^superuser:/),
    });
    expect(await sessionCount(user.id)).toBe(0);
    for (const token of [first.body.token, second.body.token]) {
      expect((await call("GET", `${base}/me`, undefined, auth(token))).status).toBe(401);
      expect((await call("POST", `${base}/refresh`, undefined, auth(token))).status).toBe(401);
    }

    // The right password: now, and only now, the answer says why.
    const refused = await signIn(user.email);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: "FORBIDDEN",
      message: "This account is disabled.",
    });
    // A wrong password answers exactly as for an unknown address: nothing to learn.
    const wrong = await signIn(user.email, "wrong password!");
    const unknown = await signIn("nobody.here@example.com", "wrong password!");
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.body.error.code).toBe(unknown.body.error.code);
    expect(await sessionCount(user.id)).toBe(0);

    // Impersonation is refused too: a superuser enables the user first.
    const impersonated = await call(
      "POST",
      `${base}/users/${user.id}/impersonate`,
      undefined,
      admin,
    );
    expect(impersonated.status).toBe(403);

    const enabled = await call("POST", `${base}/users/${user.id}/enable`, undefined, admin);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toEqual({ wasDisabled: true });
    const back = await signIn(user.email);
    expect(back.status).toBe(200);
    expect((await call("GET", `${base}/me`, undefined, auth(back.body.token))).status).toBe(200);
    // The sessions ended by the disable stay ended.
    expect((await call("GET", `${base}/me`, undefined, auth(first.body.token))).status).toBe(401);
  });

  it("takes an empty body, and disabling twice only updates the reason", async () => {
    const user = await createUser();
    const once = await t.app.request(`${base}/users/${user.id}/disable`, {
      method: "POST",
      headers: admin,
    });
    expect(once.status).toBe(200);
    expect(await once.json()).toMatchObject({ reason: null, sessionsRevoked: 0 });
    const twice = await call(
      "POST",
      `${base}/users/${user.id}/disable`,
      { reason: "  spam " },
      admin,
    );
    expect(twice.status).toBe(200);
    expect(twice.body.reason).toBe("spam");
    const list = await call("GET", `${base}/disabled-users?ids=${user.id}`, undefined, admin);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ userId: user.id, reason: "spam" });
  });

  it("refuses a one-time code and a magic link, and sends no mail while disabled", async () => {
    const user = await createUser();
    const mail = await requestCode(user.email);
    expect(mail?.code).toMatch(/^\d{6}$/);
    await call("POST", `${base}/users/${user.id}/disable`, {}, admin);

    // The code and link sent before the disable were spent by it.
    const code = await call("POST", `${base}/otp/verify`, { email: user.email, code: mail!.code });
    expect(code.status).toBe(400);
    const link = await call("POST", `${base}/magic-link/confirm`, { token: mail!.token });
    expect(link.status).toBe(400);

    // While disabled, asking for a code answers 204 as for anyone, and no mail goes out.
    const after = await lastMailId();
    await call("POST", `${base}/otp/request`, { email: user.email });
    expect(await readMail(user.email, after, 300)).toBeUndefined();

    // Enabled: codes work again.
    await call("POST", `${base}/users/${user.id}/enable`, undefined, admin);
    const fresh = await requestCode(user.email);
    const ok = await call("POST", `${base}/otp/verify`, { email: user.email, code: fresh!.code });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it("ends a sign-in waiting for its MFA code", async () => {
    const user = await createUser("staff");
    const first = await signIn(user.email, password, "staff");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfaRequired: true, enrollRequired: true });
    await call("POST", `/api/collections/staff/auth/users/${user.id}/disable`, {}, admin);
    const enrol = await call("POST", "/api/collections/staff/auth/mfa/enroll", {
      mfaToken: first.body.mfaToken,
    });
    expect(enrol.status).toBeGreaterThanOrEqual(400);
    expect(enrol.status).toBeLessThan(500);
    // A new first factor stops before MFA.
    expect((await signIn(user.email, password, "staff")).status).toBe(403);
  });

  it("is checked at the end of every sign-in method (OAuth2 and MFA included)", async () => {
    const user = await createUser();
    await call("POST", `${base}/users/${user.id}/disable`, {}, admin);
    const ctx = createCtx({ database: t.database, collections: t.collections });
    const { collection } = await resolveAuthCollection(ctx, "members");
    const row = await findUserById(ctx, collection, user.id);
    const methods: SignInMethod[] = ["password", "otp", "magic_link", "oauth2", "mfa"];
    for (const method of methods) {
      await expect(completeSignIn(ctx, { collection, user: row!, method })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: "This account is disabled.",
      });
    }
    expect(await sessionCount(user.id)).toBe(0);
  });

  it("writes audit rows and events", async () => {
    const user = await createUser();
    await call("POST", `${base}/users/${user.id}/disable`, { reason: "abuse" }, admin);
    await call("POST", `${base}/users/${user.id}/enable`, undefined, admin);
    const rows = (await auditOf(user.id)).filter((r) => r.action.startsWith("auth.user_"));
    expect(rows.map((r) => r.action)).toEqual(["auth.user_disabled", "auth.user_enabled"]);
    expect(rows[0]).toMatchObject({
      actor: expect.stringMatching(/^superuser:/),
      detail: { reason: "abuse", sessionsRevoked: 0 },
    });
    const events = await t.database.rows<{ type: string }>(
      sql`select type from cairn.events where record_id = ${user.id} and type like 'auth.user.%abled' order by position`,
    );
    expect(events.map((e) => e.type)).toEqual(["auth.user.disabled", "auth.user.enabled"]);
  });
});

describe("who may disable, and what is refused", () => {
  it("is for superusers and full-scope API keys only", async () => {
    const user = await createUser();
    const other = await createUser();
    const session = await signIn(other.email);
    const asUser = auth(session.body.token);
    expect((await call("POST", `${base}/users/${user.id}/disable`, {}, asUser)).status).toBe(403);
    expect((await call("POST", `${base}/users/${user.id}/enable`, {}, asUser)).status).toBe(403);
    expect((await call("GET", `${base}/disabled-users`, undefined, asUser)).status).toBe(403);
    // A user cannot disable themselves either.
    expect((await call("POST", `${base}/users/${other.id}/disable`, {}, asUser)).status).toBe(403);
    expect((await call("POST", `${base}/users/${user.id}/disable`, {})).status).toBe(401);
    const readKey = auth(await apiKey(["read"]));
    expect((await call("POST", `${base}/users/${user.id}/disable`, {}, readKey)).status).toBe(403);
    const fullKey = auth(await apiKey(["full"]));
    const byKey = await call("POST", `${base}/users/${user.id}/disable`, {}, fullKey);
    expect(byKey.status).toBe(200);
    expect(byKey.body.disabledBy).toMatch(/^api_key:/);
  });

  it("answers 404 for unknown users and collections, 400 for bad input", async () => {
    expect((await call("POST", `${base}/users/nope/disable`, {}, admin)).status).toBe(404);
    expect((await call("POST", `${base}/users/nope/enable`, {}, admin)).status).toBe(404);
    expect(
      (await call("POST", "/api/collections/nothing/auth/users/x/disable", {}, admin)).status,
    ).toBe(404);
    const user = await createUser();
    for (const reason of [42, "x".repeat(501), "a\u0000b"]) {
      const bad = await call("POST", `${base}/users/${user.id}/disable`, { reason }, admin);
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.reason).toBeDefined();
    }
    const notJson = await call("POST", `${base}/users/${user.id}/disable`, [1], admin);
    expect(notJson.status).toBe(400);
    expect((await call("GET", `${base}/disabled-users?perPage=0`, undefined, admin)).status).toBe(
      400,
    );
    expect(await sessionCount(user.id)).toBe(0);
  });

  it("lists disabled users in pages, and by ids", async () => {
    const users = [await createUser(), await createUser(), await createUser()];
    for (const user of users) await call("POST", `${base}/users/${user.id}/disable`, {}, admin);
    const page = await call("GET", `${base}/disabled-users?perPage=2`, undefined, admin);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.totalItems).toBeGreaterThanOrEqual(3);
    const byIds = await call(
      "GET",
      `${base}/disabled-users?ids=${users[0]!.id},${users[2]!.id},unknown`,
      undefined,
      admin,
    );
    expect(byIds.body.items.map((i: { userId: string }) => i.userId).sort()).toEqual(
      [users[0]!.id, users[2]!.id].sort(),
    );
    expect(byIds.body.totalItems).toBe(2);
  });
});

describe("deleting a disabled user", () => {
  it("removes the disabled row and their sessions with the user", async () => {
    const user = await createUser();
    await call("POST", `${base}/users/${user.id}/disable`, {}, admin);
    const removed = await call(
      "DELETE",
      `/api/collections/members/records/${user.id}`,
      undefined,
      admin,
    );
    expect(removed.status).toBe(204);
    const rows = await t.database.rows(
      sql`select 1 from cairn.disabled_users where user_id = ${user.id}`,
    );
    expect(rows).toHaveLength(0);
    // A new user with the same id starts enabled.
    const again = await call(
      "POST",
      "/api/collections/members/records",
      { id: user.id, email: user.email, password, verified: true },
      admin,
    );
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await signIn(user.email)).status).toBe(200);
  });

  it("deleting an enabled user ends their sessions", async () => {
    const user = await createUser();
    const session = await signIn(user.email);
    expect(await sessionCount(user.id)).toBe(1);
    await call("DELETE", `/api/collections/members/records/${user.id}`, undefined, admin);
    expect(await sessionCount(user.id)).toBe(0);
    expect((await call("GET", `${base}/me`, undefined, auth(session.body.token))).status).toBe(401);
  });
});
