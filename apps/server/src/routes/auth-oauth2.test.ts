// OAuth2 sign-in end to end against a fake OpenID Connect provider on 127.0.0.1 (authorize,
// token and userinfo endpoints; the token endpoint checks the client secret and the PKCE
// verifier). Happy paths, account linking rules, and every way a state or code can go wrong.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createCtx, createSession, maskedSecret, putSetting, startOAuth2 } from "@cairn/core";
import { schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

// ---------------------------------------------------------------------------------------------
// The fake provider

interface FakeUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

const b64url = (buffer: Buffer) => buffer.toString("base64url");
const s256 = (verifier: string) => b64url(createHash("sha256").update(verifier).digest());

class FakeProvider {
  readonly clientId = "cairn-test-client";
  readonly clientSecret = "fake-provider-s3cret-value";
  url = "";
  /** Who signs in at the next authorization. */
  nextUser: FakeUser = { sub: "nobody" };
  /** The next authorization answers with this error instead of a code. */
  deny: string | undefined;
  /** The token endpoint answers with this status and nothing else. */
  tokenStatus: number | undefined;
  readonly tokenRequests: Record<string, string>[] = [];
  private server!: Server;
  private codes = new Map<
    string,
    { user: FakeUser; challenge: string | null; redirectUri: string; used: boolean }
  >();
  private accessTokens = new Map<string, FakeUser>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private idToken(user: FakeUser): string {
    const part = (value: unknown) => b64url(Buffer.from(JSON.stringify(value)));
    const claims = {
      iss: this.url,
      aud: this.clientId,
      sub: user.sub,
      exp: Date.now() / 1000 + 300,
    };
    return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
  }

  private async handle(req: IncomingMessage) {
    const url = new URL(req.url ?? "/", this.url);
    const json = (status: number, body: unknown) => ({
      status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (req.method === "GET" && url.pathname === "/authorize") {
      const q = url.searchParams;
      const redirect = new URL(q.get("redirect_uri") ?? "");
      redirect.searchParams.set("state", q.get("state") ?? "");
      if (q.get("client_id") !== this.clientId || q.get("response_type") !== "code") {
        return json(400, { error: "invalid_request" });
      }
      if (this.deny) {
        redirect.searchParams.set("error", this.deny);
        redirect.searchParams.set("error_description", "The user said no");
      } else {
        const code = b64url(randomBytes(16));
        this.codes.set(code, {
          user: this.nextUser,
          challenge: q.get("code_challenge_method") === "S256" ? q.get("code_challenge") : null,
          redirectUri: q.get("redirect_uri") ?? "",
          used: false,
        });
        redirect.searchParams.set("code", code);
      }
      return { status: 302, headers: { location: redirect.toString() }, body: "" };
    }
    if (req.method === "POST" && url.pathname === "/token") {
      if (this.tokenStatus) return { status: this.tokenStatus, headers: {}, body: "down" };
      let text = "";
      for await (const chunk of req) text += chunk;
      const form = Object.fromEntries(new URLSearchParams(text));
      this.tokenRequests.push(form);
      const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString("base64");
      if (req.headers.authorization !== `Basic ${basic}`) {
        return json(401, { error: "invalid_client" });
      }
      const grant = this.codes.get(form.code ?? "");
      if (form.grant_type !== "authorization_code" || !grant || grant.used) {
        return json(400, { error: "invalid_grant", error_description: "Unknown or used code" });
      }
      grant.used = true;
      if (grant.redirectUri !== form.redirect_uri) {
        return json(400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
      }
      if (!grant.challenge || s256(form.code_verifier ?? "") !== grant.challenge) {
        return json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      }
      const accessToken = b64url(randomBytes(16));
      this.accessTokens.set(accessToken, grant.user);
      return json(200, {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: 3600,
        id_token: this.idToken(grant.user),
      });
    }
    if (req.method === "GET" && url.pathname === "/userinfo") {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const user = token ? this.accessTokens.get(token) : undefined;
      return user ? json(200, user) : json(401, { error: "invalid_token" });
    }
    return json(404, { error: "not_found" });
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up

let t: TestApp;
let fake: FakeProvider;
let admin: Record<string, string>;
const appUrl = "https://app.example.com/auth/done";

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  apiCall(t.app, method, path, { body, headers });

function oidcSettings(overrides: Record<string, unknown> = {}) {
  return {
    enabled: true,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    displayName: "Fake SSO",
    issuer: fake.url,
    authorizationUrl: `${fake.url}/authorize`,
    tokenUrl: `${fake.url}/token`,
    userinfoUrl: `${fake.url}/userinfo`,
    ...overrides,
  };
}

async function configureOidc(overrides: Record<string, unknown> = {}) {
  const response = await call(
    "PUT",
    "/api/settings/oauth2",
    { oidc: oidcSettings(overrides) },
    admin,
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

const base = (collection: string, provider = "oidc") =>
  `/api/collections/${collection}/auth/oauth2/${provider}`;

async function start(
  collection = "users",
  options: { redirectUrl?: string; codeChallenge?: string; provider?: string } = {},
) {
  const query = new URLSearchParams({ redirectUrl: options.redirectUrl ?? appUrl });
  if (options.codeChallenge) query.set("codeChallenge", options.codeChallenge);
  return call("GET", `${base(collection, options.provider)}/start?${query}`);
}

/** Follows the authorization URL at the fake provider: the callback URL it sends back to. */
async function authorize(authorizationUrl: string, user: FakeUser): Promise<URL> {
  fake.nextUser = user;
  const response = await fetch(authorizationUrl, { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** The app's callback as the browser would hit it; answers the redirect and its fragment. */
async function callback(callbackUrl: URL) {
  const response = await t.app.request(callbackUrl.pathname + callbackUrl.search);
  const location = response.headers.get("location");
  const fragment = location
    ? Object.fromEntries(new URLSearchParams(new URL(location).hash.slice(1)))
    : {};
  const text = location ? "" : await response.text();
  return { status: response.status, location, fragment, body: text ? JSON.parse(text) : undefined };
}

/** The whole browser flow, from start to the app's redirect URL. */
async function browserSignIn(user: FakeUser, collection = "users") {
  const started = await start(collection);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return callback(await authorize(started.body.authorizationUrl, user));
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function userRow(collection: string, email: string) {
  const [row] = await t.database.rows<{ id: string; verified: boolean; password: string | null }>(
    sql`SELECT id, verified, password FROM ${sql.identifier(collection)} WHERE lower(email) = lower(${email})`,
  );
  return row;
}

async function auditActions(subjectId: string): Promise<string[]> {
  const rows = await t.database.db
    .select({ action: schema.auditLog.action })
    .from(schema.auditLog)
    .where(eq(schema.auditLog.subjectId, subjectId));
  return rows.map((row) => row.action);
}

async function sessionCount(): Promise<number> {
  const [row] = await t.database.rows<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM cairn.sessions`,
  );
  return Number(row!.n);
}

beforeAll(async () => {
  fake = new FakeProvider();
  await fake.start();
  t = await createTestApp();
  admin = bearer(await superuserToken(t));
  const self = "id = @request.auth.id";
  for (const [name, auth, createRule] of [
    ["users", { oauth2: true }, ""],
    ["members", { oauth2: false }, ""],
    ["closed", { oauth2: true }, null],
    ["strict", { oauth2: true, mfa: "required" }, ""],
  ] as const) {
    const created = await call(
      "POST",
      "/api/collections",
      { name, type: "auth", auth, createRule, viewRule: self, listRule: self },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const ctx = createCtx({ database: t.database, collections: t.collections });
  await putSetting(ctx, "app", {
    name: "Test",
    url: "",
    redirectUrls: ["https://app.example.com/"],
  });
  await configureOidc();
});

afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

beforeEach(() => {
  fake.deny = undefined;
  fake.tokenStatus = undefined;
});

// ---------------------------------------------------------------------------------------------

describe("admin settings", () => {
  it("are for superusers only", async () => {
    expect((await call("GET", "/api/settings/oauth2")).status).toBe(401);
    expect((await call("PUT", "/api/settings/oauth2", { google: { enabled: false } })).status).toBe(
      401,
    );
    const signedIn = await browserSignIn({
      sub: "settings-user",
      email: "settings@example.com",
      email_verified: true,
    });
    const user = bearer(signedIn.fragment.token!);
    expect((await call("GET", "/api/settings/oauth2", undefined, user)).status).toBe(403);
    expect(
      (await call("PUT", "/api/settings/oauth2", { google: { enabled: false } }, user)).status,
    ).toBe(403);
  });

  it("never show a secret, and keep it when the mask is sent back", async () => {
    const read = await call("GET", "/api/settings/oauth2", undefined, admin);
    expect(read.status).toBe(200);
    const raw = await t.app.request("/api/settings/oauth2", { headers: admin });
    expect(raw.headers.get("cache-control")).toBe("no-store");
    expect(JSON.stringify(read.body)).not.toContain(fake.clientSecret);
    expect(read.body.oidc).toMatchObject({ clientSecret: maskedSecret, enabled: true });
    expect(read.body.google).toMatchObject({ enabled: false, clientSecret: "" });
    // The masked read sent straight back changes nothing (the flow below still works).
    const back = await call("PUT", "/api/settings/oauth2", read.body, admin);
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(JSON.stringify(back.body)).not.toContain(fake.clientSecret);
    const signedIn = await browserSignIn({
      sub: "after-roundtrip",
      email: "rt@example.com",
      email_verified: true,
    });
    expect(signedIn.fragment.token).toBeTruthy();
    // A secret can be replaced and cleared; OIDC without a secret needs PKCE.
    const replaced = await call(
      "PUT",
      "/api/settings/oauth2",
      { github: { clientSecret: "gh" } },
      admin,
    );
    expect(replaced.body.github.clientSecret).toBe(maskedSecret);
    const emptied = await call(
      "PUT",
      "/api/settings/oauth2",
      { github: { clientSecret: "" } },
      admin,
    );
    expect(emptied.body.github.clientSecret).toBe("");
    const unsafe = await call(
      "PUT",
      "/api/settings/oauth2",
      { oidc: { clientSecret: "", pkce: false } },
      admin,
    );
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.fields["oidc.clientSecret"]).toBeDefined();
  });

  it("refuse to enable an incomplete provider, unknown providers and unknown fields", async () => {
    const incomplete = await call(
      "PUT",
      "/api/settings/oauth2",
      { google: { enabled: true, clientId: "x" } },
      admin,
    );
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.code).toBe("VALIDATION_FAILED");
    expect(incomplete.body.error.fields["google.clientSecret"]).toBeDefined();
    const apple = await call(
      "PUT",
      "/api/settings/oauth2",
      { apple: { enabled: true, clientId: "a", teamId: "t", keyId: "k", privateKey: "not a key" } },
      admin,
    );
    expect(apple.status).toBe(400);
    expect(apple.body.error.fields["apple.privateKey"]).toBeDefined();
    const unknown = await call(
      "PUT",
      "/api/settings/oauth2",
      { myspace: { enabled: true } },
      admin,
    );
    expect(unknown.body.error.fields.myspace.code).toBe("unknown_provider");
    const field = await call(
      "PUT",
      "/api/settings/oauth2",
      { github: { endpoint: "https://evil.test" } },
      admin,
    );
    expect(field.body.error.fields["github.endpoint"].code).toBe("unknown_field");
    const badUrl = await call(
      "PUT",
      "/api/settings/oauth2",
      { oidc: { tokenUrl: "ftp://x" } },
      admin,
    );
    expect(badUrl.status).toBe(400);
    const read = await call("GET", "/api/settings/oauth2", undefined, admin);
    expect(read.body.google.enabled).toBe(false);
    expect(read.body.oidc.tokenUrl).toBe(`${fake.url}/token`);
  });

  it("accept a valid Apple key, and mask it", async () => {
    const { privateKey } = await crypto.subtle.generateKey(
      { name: "ECDSA", namedCurve: "P-256" },
      true,
      ["sign"],
    );
    const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", privateKey)).toString("base64");
    const pem = `-----BEGIN PRIVATE KEY-----\n${der}\n-----END PRIVATE KEY-----`;
    const saved = await call(
      "PUT",
      "/api/settings/oauth2",
      {
        apple: {
          enabled: true,
          clientId: "com.example.web",
          teamId: "TEAM",
          keyId: "KEY",
          privateKey: pem,
        },
      },
      admin,
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(JSON.stringify(saved.body)).not.toContain(der.slice(10, 40));
    expect(saved.body.apple).toMatchObject({ privateKey: maskedSecret });
    const started = await start("users", { provider: "apple" });
    expect(started.status).toBe(200);
    const url = new URL(started.body.authorizationUrl);
    expect(url.origin).toBe("https://appleid.apple.com");
    expect(url.searchParams.get("response_mode")).toBe("form_post");
    expect(url.searchParams.get("redirect_uri")).toBe(
      "http://localhost:8090/api/collections/users/auth/oauth2/apple/callback",
    );
    await call("PUT", "/api/settings/oauth2", { apple: { enabled: false } }, admin);
  });
});

describe("listing providers", () => {
  it("shows enabled providers of collections that allow OAuth2, and no settings", async () => {
    const users = await call("GET", "/api/collections/users/auth/oauth2/providers");
    expect(users.body.providers).toEqual([
      {
        name: "oidc",
        displayName: "Fake SSO",
        redirectUri: "http://localhost:8090/api/collections/users/auth/oauth2/oidc/callback",
      },
    ]);
    expect(
      (await call("GET", "/api/collections/members/auth/oauth2/providers")).body.providers,
    ).toEqual([]);
    expect((await call("GET", "/api/collections/nope/auth/oauth2/providers")).status).toBe(404);
  });
});

describe("browser flow", () => {
  it("signs up a new user: verified email, no password, linked, audited", async () => {
    const started = await start();
    expect(started.status).toBe(200);
    const authorizationUrl = new URL(started.body.authorizationUrl);
    expect(authorizationUrl.origin).toBe(fake.url);
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl.searchParams.get("state")).toBe(started.body.state);

    const result = await callback(
      await authorize(started.body.authorizationUrl, {
        sub: "new-1",
        email: "Nora@Example.com",
        email_verified: true,
        name: "Nora",
      }),
    );
    expect(result.status).toBe(302);
    expect(result.location!.startsWith(`${appUrl}#`)).toBe(true);
    expect(result.fragment).toMatchObject({ provider: "oidc", isNew: "true" });
    // The token endpoint got the verifier and the secret (the fake refuses otherwise).
    expect(fake.tokenRequests.at(-1)?.code_verifier).toMatch(/^[\w-]{43,128}$/);

    const me = await call(
      "GET",
      `/api/collections/users/records/${result.fragment.recordId}`,
      undefined,
      bearer(result.fragment.token!),
    );
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: "Nora@Example.com", verified: true });
    const row = await userRow("users", "nora@example.com");
    expect(row).toMatchObject({ verified: true, password: null });
    const [link] = await t.database.db
      .select()
      .from(schema.oauthAccounts)
      .where(eq(schema.oauthAccounts.subjectId, row!.id));
    expect(link).toMatchObject({ provider: "oidc", providerUserId: "new-1" });
    expect(await auditActions(row!.id)).toEqual(
      expect.arrayContaining(["auth.sign_up", "auth.oauth_linked", "auth.sign_in"]),
    );
  });

  it("signs a returning user in as the same user, whatever email the provider now reports", async () => {
    const first = await browserSignIn({
      sub: "ret-1",
      email: "ret@example.com",
      email_verified: true,
    });
    const again = await browserSignIn({
      sub: "ret-1",
      email: "changed@example.com",
      email_verified: false,
    });
    expect(again.fragment.recordId).toBe(first.fragment.recordId);
    expect(again.fragment.isNew).toBe("false");
    expect(again.fragment.token).not.toBe(first.fragment.token);
  });

  it("links to an existing user with the same, verified, email and marks them verified", async () => {
    const created = await call("POST", "/api/collections/users/records", {
      email: "linda@example.com",
      password: "squatter-password",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ctx = createCtx({ database: t.database, collections: t.collections });
    const collectionId = (await t.collections.current()).byName("users")!.id;
    const squatter = await createSession({
      ctx,
      input: { subject: { kind: "user", collectionId, id: created.body.id } },
    });

    const result = await browserSignIn({
      sub: "linda-1",
      email: "LINDA@example.com",
      email_verified: true,
    });
    expect(result.fragment.recordId).toBe(created.body.id);
    expect(result.fragment.isNew).toBe("false");
    const row = await userRow("users", "linda@example.com");
    // Unverified before: whoever chose that password never proved the address; it is dropped.
    expect(row).toMatchObject({ verified: true, password: null });
    const old = await call(
      "GET",
      `/api/collections/users/records/${created.body.id}`,
      undefined,
      bearer(squatter.token),
    );
    expect(old.status).toBe(401);
    expect(await auditActions(created.body.id)).toContain("auth.oauth_linked");
  });

  it("keeps the password of an already verified user it links to", async () => {
    const created = await call(
      "POST",
      "/api/collections/users/records",
      { email: "vera@example.com", password: "vera-password", verified: true },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const result = await browserSignIn({
      sub: "vera-1",
      email: "vera@example.com",
      email_verified: true,
    });
    expect(result.fragment.recordId).toBe(created.body.id);
    expect((await userRow("users", "vera@example.com"))!.password).not.toBeNull();
  });

  it("never links through an unverified email (account takeover)", async () => {
    const created = await call("POST", "/api/collections/users/records", {
      email: "uma@example.com",
      password: "uma-password",
    });
    const sessions = await sessionCount();
    const result = await browserSignIn({
      sub: "attacker-1",
      email: "uma@example.com",
      email_verified: false,
    });
    expect(result.status).toBe(302);
    expect(result.fragment.error).toBe("CONFLICT");
    expect(result.fragment.token).toBeUndefined();
    expect(await sessionCount()).toBe(sessions);
    const links = await t.database.db
      .select()
      .from(schema.oauthAccounts)
      .where(eq(schema.oauthAccounts.providerUserId, "attacker-1"));
    expect(links).toEqual([]);
    expect(await auditActions(created.body.id)).toContain("auth.sign_in_failed");
    expect((await userRow("users", "uma@example.com"))!.password).not.toBeNull();
  });

  it("creates an unverified user from an unverified email no one has", async () => {
    const result = await browserSignIn({
      sub: "unv-1",
      email: "unv@example.com",
      email_verified: false,
    });
    expect(result.fragment.isNew).toBe("true");
    expect((await userRow("users", "unv@example.com"))!.verified).toBe(false);
  });

  it("refuses a provider that shares no email", async () => {
    const result = await browserSignIn({ sub: "no-email" });
    expect(result.fragment.error).toBe("BAD_REQUEST");
    expect(result.fragment.message).toMatch(/email/);
  });

  it("applies the create rule to sign-ups, but lets linked users in", async () => {
    const refused = await browserSignIn(
      { sub: "closed-1", email: "closed@example.com", email_verified: true },
      "closed",
    );
    expect(refused.fragment.error).toBe("FORBIDDEN");
    expect(await userRow("closed", "closed@example.com")).toBeUndefined();
    const created = await call(
      "POST",
      "/api/collections/closed/records",
      { email: "insider@example.com" },
      admin,
    );
    expect(created.status).toBe(201);
    const linked = await browserSignIn(
      { sub: "insider-1", email: "insider@example.com", email_verified: true },
      "closed",
    );
    expect(linked.fragment.recordId).toBe(created.body.id);
  });

  it("hands over to MFA when the collection requires it, with no session yet", async () => {
    const sessions = await sessionCount();
    const result = await browserSignIn(
      { sub: "mfa-1", email: "mfa@example.com", email_verified: true },
      "strict",
    );
    expect(result.fragment).toMatchObject({ mfaRequired: "true", enrollRequired: "true" });
    expect(result.fragment.mfaToken).toBeTruthy();
    expect(result.fragment.token).toBeUndefined();
    expect(await sessionCount()).toBe(sessions);
  });

  it("takes the callback as a form POST too (Apple's form_post)", async () => {
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "post-1",
      email: "post@example.com",
      email_verified: true,
    });
    const response = await t.app.request(callbackUrl.pathname, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: callbackUrl.searchParams.toString(),
    });
    expect(response.status).toBe(303);
    const fragment = new URLSearchParams(new URL(response.headers.get("location")!).hash.slice(1));
    expect(fragment.get("token")).toBeTruthy();
  });
});

describe("states and codes that must be refused", () => {
  it("a reused state", async () => {
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "reuse-1",
      email: "reuse@example.com",
      email_verified: true,
    });
    expect((await callback(callbackUrl)).fragment.token).toBeTruthy();
    const sessions = await sessionCount();
    const replay = await callback(callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe("BAD_REQUEST");
    const exchange = await call("POST", `${base("users")}/exchange`, {
      code: callbackUrl.searchParams.get("code"),
      state: callbackUrl.searchParams.get("state"),
    });
    expect(exchange.status).toBe(400);
    expect(await sessionCount()).toBe(sessions);
  });

  it("a tampered, missing or garbled state", async () => {
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "tamper-1",
      email: "t@example.com",
      email_verified: true,
    });
    const state = callbackUrl.searchParams.get("state")!;
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set("state", `${state.slice(0, -1)}${state.endsWith("a") ? "b" : "a"}`);
    expect((await callback(tampered)).status).toBe(400);
    const missing = new URL(callbackUrl);
    missing.searchParams.delete("state");
    expect((await callback(missing)).status).toBe(400);
    const garbled = new URL(callbackUrl);
    garbled.searchParams.set("state", "x".repeat(5000));
    expect((await callback(garbled)).status).toBe(400);
    // The untouched state still works: refusing the others did not use it up.
    expect((await callback(callbackUrl)).fragment.token).toBeTruthy();
  });

  it("an expired state", async () => {
    const lookup = await t.collections.current();
    expect(lookup.byName("users")).toBeDefined();
    const past = createCtx({
      database: t.database,
      collections: t.collections,
      now: () => new Date(Date.now() - 11 * 60 * 1000),
      baseUrl: "http://localhost:8090",
    });
    const started = await startOAuth2({
      ctx: past,
      input: { collection: "users", provider: "oidc", redirectUrl: appUrl },
    });
    const callbackUrl = await authorize(started.authorizationUrl, {
      sub: "late-1",
      email: "late@example.com",
      email_verified: true,
    });
    const result = await callback(callbackUrl);
    expect(result.status).toBe(400);
    expect(result.body.error.message).toMatch(/expired/);
    expect(await userRow("users", "late@example.com")).toBeUndefined();
  });

  it("a state from another collection or provider", async () => {
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "x-1",
      email: "x1@example.com",
      email_verified: true,
    });
    const elsewhere = new URL(callbackUrl);
    elsewhere.pathname = elsewhere.pathname.replace("/users/", "/closed/");
    expect((await callback(elsewhere)).status).toBe(400);

    const again = await start();
    const second = await authorize(again.body.authorizationUrl, {
      sub: "x-2",
      email: "x2@example.com",
      email_verified: true,
    });
    const otherProvider = new URL(second);
    otherProvider.pathname = otherProvider.pathname.replace("/oidc/", "/google/");
    expect((await callback(otherProvider)).status).toBe(400);
    const exchange = await call("POST", `${base("users", "github")}/exchange`, {
      code: second.searchParams.get("code"),
      state: second.searchParams.get("state"),
    });
    expect(exchange.status).toBe(400);
  });

  it("a code the provider does not know", async () => {
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "code-1",
      email: "code@example.com",
      email_verified: true,
    });
    callbackUrl.searchParams.set("code", "forged-code");
    const result = await callback(callbackUrl);
    expect(result.fragment.error).toBe("BAD_REQUEST");
    expect(result.fragment.message).toMatch(/invalid_grant/);
  });

  it("the user saying no at the provider", async () => {
    fake.deny = "access_denied";
    const result = await browserSignIn({ sub: "deny-1" });
    expect(result.status).toBe(302);
    expect(result.fragment).toMatchObject({ error: "BAD_REQUEST" });
    expect(result.fragment.message).toMatch(/access_denied/);
    expect(result.fragment.token).toBeUndefined();
  });

  it("never passes a crafted error text on to the app", async () => {
    const started = await start();
    const callbackUrl = new URL(`http://localhost:8090${base("users")}/callback`);
    callbackUrl.searchParams.set("state", started.body.state);
    callbackUrl.searchParams.set("error", "Your account is locked, call +1 555 0100");
    callbackUrl.searchParams.set("error_description", "Call +1 555 0100");
    const result = await callback(callbackUrl);
    expect(result.fragment.error).toBe("BAD_REQUEST");
    expect(result.fragment.message).not.toContain("555");
  });
});

describe("refusals before the provider", () => {
  it("an unknown provider is 404, a disabled one 400", async () => {
    const unknown = await start("users", { provider: "myspace" });
    expect(unknown.status).toBe(404);
    const disabled = await start("users", { provider: "google" });
    expect(disabled.status).toBe(400);
    expect(disabled.body.error.message).toMatch(/not enabled/);
  });

  it("a collection without OAuth2, and one that does not exist", async () => {
    const members = await start("members");
    expect(members.status).toBe(400);
    expect(members.body.error.message).toMatch(/oauth2/i);
    expect((await start("nope")).status).toBe(404);
  });

  it("a redirect URL that is not allowed, or none", async () => {
    for (const redirectUrl of [
      "https://evil.example.com/",
      "https://app.example.com.evil.net/",
      "javascript:alert(1)",
    ]) {
      const response = await start("users", { redirectUrl });
      expect(response.status, redirectUrl).toBe(400);
    }
    expect((await call("GET", `${base("users")}/start`)).status).toBe(400);
  });

  it("a malformed codeChallenge", async () => {
    const response = await start("users", { codeChallenge: "short" });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.codeChallenge).toBeDefined();
  });
});

describe("provider failures", () => {
  it("a token endpoint that fails answers 503 in the fragment", async () => {
    fake.tokenStatus = 500;
    const result = await browserSignIn({
      sub: "down-1",
      email: "down@example.com",
      email_verified: true,
    });
    expect(result.fragment.error).toBe("SERVICE_UNAVAILABLE");
  });

  it("refused client credentials answer 503 (an admin must act)", async () => {
    await configureOidc({ clientSecret: "wrong-secret" });
    try {
      const started = await start();
      const callbackUrl = await authorize(started.body.authorizationUrl, {
        sub: "cred-1",
        email: "cred@example.com",
        email_verified: true,
      });
      const exchange = await call("POST", `${base("users")}/exchange`, {
        code: callbackUrl.searchParams.get("code"),
        state: callbackUrl.searchParams.get("state"),
      });
      expect(exchange.status).toBe(503);
      expect(exchange.body.error.message).toMatch(/invalid_client/);
    } finally {
      await configureOidc();
    }
  });

  it("a provider that cannot be reached answers 503, not 500", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    await configureOidc({ tokenUrl: `${deadUrl}/token` });
    try {
      const started = await start();
      const callbackUrl = await authorize(started.body.authorizationUrl, {
        sub: "net-1",
        email: "net@example.com",
        email_verified: true,
      });
      const exchange = await call("POST", `${base("users")}/exchange`, {
        code: callbackUrl.searchParams.get("code"),
        state: callbackUrl.searchParams.get("state"),
      });
      expect(exchange.status).toBe(503);
      expect(exchange.body.error.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await configureOidc();
    }
  });

  it("a userinfo endpoint that fails answers 503", async () => {
    await configureOidc({ userinfoUrl: `${fake.url}/missing` });
    try {
      const result = await browserSignIn({
        sub: "ui-1",
        email: "ui@example.com",
        email_verified: true,
      });
      expect(result.fragment.error).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await configureOidc();
    }
  });
});

describe("exchange flow (SDKs and mobile apps)", () => {
  const verifier = b64url(randomBytes(32));

  it("relays the code to the app, which exchanges it with its verifier", async () => {
    const started = await start("users", {
      codeChallenge: s256(verifier),
      redirectUrl: "https://app.example.com/native",
    });
    const relayed = await callback(
      await authorize(started.body.authorizationUrl, {
        sub: "mobile-1",
        email: "mobile@example.com",
        email_verified: true,
        name: "Mo",
      }),
    );
    expect(relayed.status).toBe(302);
    // No session in the URL: only a code and a new state, useless without the verifier.
    expect(relayed.fragment.token).toBeUndefined();
    expect(Object.keys(relayed.fragment).sort()).toEqual(["code", "state"]);
    expect(relayed.fragment.state).not.toBe(started.body.state);

    const exchange = await call("POST", `${base("users")}/exchange`, {
      ...relayed.fragment,
      codeVerifier: verifier,
    });
    expect(exchange.status, JSON.stringify(exchange.body)).toBe(200);
    expect(exchange.body).toMatchObject({
      record: { email: "mobile@example.com", verified: true },
      meta: { provider: "oidc", isNew: true, name: "Mo" },
    });
    const me = await call(
      "GET",
      `/api/collections/users/records/${exchange.body.record.id}`,
      undefined,
      bearer(exchange.body.token),
    );
    expect(me.status).toBe(200);
    const reused = await call("POST", `${base("users")}/exchange`, {
      ...relayed.fragment,
      codeVerifier: verifier,
    });
    expect(reused.status).toBe(400);
  });

  it("refuses a wrong or missing verifier, and the state is then used up", async () => {
    const started = await start("users", { codeChallenge: s256(verifier) });
    const relayed = await callback(
      await authorize(started.body.authorizationUrl, {
        sub: "mobile-2",
        email: "m2@example.com",
        email_verified: true,
      }),
    );
    const wrong = await call("POST", `${base("users")}/exchange`, {
      ...relayed.fragment,
      codeVerifier: b64url(randomBytes(32)),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/codeVerifier/);
    const right = await call("POST", `${base("users")}/exchange`, {
      ...relayed.fragment,
      codeVerifier: verifier,
    });
    expect(right.status).toBe(400);

    const again = await start("users", { codeChallenge: s256(verifier) });
    const relayedAgain = await callback(
      await authorize(again.body.authorizationUrl, {
        sub: "mobile-2",
        email: "m2@example.com",
        email_verified: true,
      }),
    );
    expect((await call("POST", `${base("users")}/exchange`, relayedAgain.fragment)).status).toBe(
      400,
    );
    expect(await userRow("users", "m2@example.com")).toBeUndefined();
  });

  it("a relayed state cannot be finished by the browser callback", async () => {
    const started = await start("users", { codeChallenge: s256(verifier) });
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "mobile-3",
      email: "m3@example.com",
      email_verified: true,
    });
    const relayed = await callback(callbackUrl);
    const replay = new URL(callbackUrl);
    replay.searchParams.set("state", relayed.fragment.state!);
    replay.searchParams.set("code", relayed.fragment.code!);
    const result = await callback(replay);
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
  });

  it("exchanges a code caught before the callback (universal links), with createData", async () => {
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "ul-1",
      email: "ul@example.com",
      email_verified: true,
    });
    const exchange = await call("POST", `${base("users")}/exchange`, {
      code: callbackUrl.searchParams.get("code"),
      state: callbackUrl.searchParams.get("state"),
      createData: { emailVisibility: true, email: "ignored@example.com" },
    });
    expect(exchange.status, JSON.stringify(exchange.body)).toBe(200);
    expect(exchange.body.record).toMatchObject({ email: "ul@example.com", emailVisibility: true });
    expect(exchange.body.meta.isNew).toBe(true);
  });

  it("validates the body", async () => {
    expect((await call("POST", `${base("users")}/exchange`, {})).body.error.code).toBe(
      "VALIDATION_FAILED",
    );
    expect(
      (await call("POST", `${base("users")}/exchange`, { code: "c", state: "s", createData: [] }))
        .status,
    ).toBe(400);
    expect(
      (await call("POST", `${base("users")}/exchange`, { code: "c", state: "s" })).status,
    ).toBe(400);
    const notJson = await t.app.request(`${base("users")}/exchange`, {
      method: "POST",
      body: "code=c",
    });
    expect(notJson.status).toBe(415);
  });

  it("refuses to link an unverified email through the exchange too", async () => {
    await call("POST", "/api/collections/users/records", {
      email: "ursula@example.com",
      password: "ursula-password",
    });
    const started = await start();
    const callbackUrl = await authorize(started.body.authorizationUrl, {
      sub: "attacker-2",
      email: "ursula@example.com",
    });
    const exchange = await call("POST", `${base("users")}/exchange`, {
      code: callbackUrl.searchParams.get("code"),
      state: callbackUrl.searchParams.get("state"),
    });
    expect(exchange.status).toBe(409);
    expect(exchange.body.token).toBeUndefined();
  });
});

describe("secrets", () => {
  it("never reach the logs", () => {
    const logs = JSON.stringify(t.logs);
    expect(logs).not.toContain(fake.clientSecret);
    expect(logs).not.toContain("code_verifier");
    expect(logs).not.toMatch(/[?&](code|state)=/);
    // Provider trouble is a 503; nothing in this file may end in a 500.
    expect(t.logs.filter((line) => line.msg === "request" && line.status === 500)).toEqual([]);
    expect(t.logs.some((line) => line.msg === "unhandled error")).toBe(false);
  });
});
