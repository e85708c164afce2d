// /api/settings/security: who may use it, validation in the error envelope, and that CORS and
// both per-IP limits follow a change at once (here) and within seconds (another app on the same
// database), while superusers and the console's own routes stay reachable whatever is saved.
import { CollectionRegistry } from "@cairn/core";
import { openPostgres } from "@cairn/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.js";
import { createLogger } from "../logger.js";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
let user: Record<string, string>;
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  apiCall(t.app, method, path, { body, headers });
const save = async (body: unknown) => {
  const answer = await call("PATCH", "/api/settings/security", body, admin);
  expect(answer.status).toBe(200);
  return answer.body;
};
/** A request from a client address of its own (the app trusts X-Forwarded-For here). */
const from = (ip: string, headers: Record<string, string> = {}) => ({
  "X-Forwarded-For": ip,
  ...headers,
});

function preflight(app: { request: TestApp["app"]["request"] }, origin: string) {
  return app.request("/api/collections/posts/records", {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization,content-type",
    },
  });
}

beforeAll(async () => {
  t = await createTestApp({ CAIRN_TRUST_PROXY: "true", CAIRN_PUBLIC_URL: "https://cairn.test" });
  const token = await superuserToken(t);
  admin = { Authorization: `Bearer ${token}` };
  user = (await signUpUser(t, { superuser: token })).headers;
});
afterEach(async () => {
  await save({ cors: null, rateLimits: null });
});
afterAll(async () => {
  await t?.close();
});

describe("security settings", () => {
  it("are for superusers (and full API keys) only", async () => {
    expect((await call("GET", "/api/settings/security")).status).toBe(401);
    const anonymous = await call("PATCH", "/api/settings/security", { cors: { origins: [] } });
    expect(anonymous.status).toBe(401);
    expect((await call("GET", "/api/settings/security", undefined, user)).status).toBe(403);
    const refused = await call(
      "PATCH",
      "/api/settings/security",
      { cors: { origins: ["https://evil.example"] } },
      user,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("FORBIDDEN");
    const read = await call("GET", "/api/settings/security", undefined, admin);
    expect(read.body.cors.origins).toEqual(["*"]);
    expect(read.body.saved.cors).toBe(false);
  });

  it("read the environment's values until saved, and go back to them on null", async () => {
    const read = await call("GET", "/api/settings/security", undefined, admin);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      cors: { origins: ["*"] },
      rateLimits: { enabled: true, auth: { perMinute: 10000 }, api: { perMinute: 0 } },
      saved: { cors: false, rateLimits: false },
      defaults: {
        cors: { origins: ["*"] },
        rateLimits: { enabled: true, auth: { perMinute: 10000 }, api: { perMinute: 0 } },
      },
    });
    // A partial change merges into the values in force (the defaults here).
    const saved = await save({ rateLimits: { api: { perMinute: 600 } } });
    expect(saved.rateLimits).toEqual({
      enabled: true,
      auth: { perMinute: 10000 },
      api: { perMinute: 600 },
    });
    expect(saved.saved).toEqual({ cors: false, rateLimits: true });
    const reset = await save({ rateLimits: null });
    expect(reset.rateLimits.api.perMinute).toBe(0);
    expect(reset.saved.rateLimits).toBe(false);
  });

  it("refuse invalid origins and values with field errors, saving nothing", async () => {
    await save({ cors: { origins: ["https://kept.example.com"] } });
    const answer = await call(
      "PATCH",
      "/api/settings/security",
      {
        cors: {
          origins: [
            "https://ok.example.com",
            "https://app.example.com/",
            "app.example.com",
            "null",
            "HTTPS://UPPER.EXAMPLE.COM",
            "https://default-port.example.com:443",
            "https://*.example.com",
            "https://ok.example.com",
            "capacitor://localhost",
            "http://localhost:5173",
            "*",
          ],
        },
        rateLimits: { auth: { perMinute: 0 }, api: { perMinute: -1, burst: 3 }, enabled: "yes" },
      },
      admin,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("VALIDATION_FAILED");
    const fields = answer.body.error.fields;
    expect(Object.keys(fields).sort()).toEqual([
      "cors.origins.1",
      "cors.origins.2",
      "cors.origins.3",
      "cors.origins.4",
      "cors.origins.5",
      "cors.origins.6",
      "cors.origins.7",
      "rateLimits.api.burst",
      "rateLimits.api.perMinute",
      "rateLimits.auth.perMinute",
      "rateLimits.enabled",
    ]);
    expect(fields["cors.origins.1"].message).toMatch(/trailing slash/);
    expect(fields["cors.origins.3"].message).toMatch(/null/);
    expect(fields["cors.origins.7"].message).toMatch(/twice/);
    expect(fields["rateLimits.api.burst"].code).toBe("unknown_field");

    const unknown = await call("PATCH", "/api/settings/security", { cros: {}, cors: 3 }, admin);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.cros.code).toBe("unknown_field");
    expect(unknown.body.error.fields.cors.code).toBe("invalid_type");
    const tooMany = await call(
      "PATCH",
      "/api/settings/security",
      { cors: { origins: Array.from({ length: 101 }, (_, i) => `https://app${i}.example.com`) } },
      admin,
    );
    expect(tooMany.status).toBe(400);
    expect(Object.keys(tooMany.body.error.fields)).toEqual(["cors.origins"]);
    expect((await call("PATCH", "/api/settings/security", [], admin)).status).toBe(400);

    const read = await call("GET", "/api/settings/security", undefined, admin);
    expect(read.body.cors.origins).toEqual(["https://kept.example.com"]);
    expect(read.body.rateLimits.api.perMinute).toBe(0);
  });
});

describe("CORS from the settings", () => {
  it("follows a change at once, for preflights and simple requests", async () => {
    const open = await preflight(t.app, "https://app.example.com");
    expect(open.status).toBe(204);
    expect(open.headers.get("access-control-allow-origin")).toBe("*");

    await save({ cors: { origins: ["https://app.example.com", "capacitor://localhost"] } });
    const allowed = await preflight(t.app, "https://app.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/authorization/i);
    expect(allowed.headers.get("vary")).toMatch(/origin/i);
    const app = await preflight(t.app, "capacitor://localhost");
    expect(app.headers.get("access-control-allow-origin")).toBe("capacitor://localhost");
    const refused = await preflight(t.app, "https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();

    const simple = (origin: string) =>
      t.app.request("/api/health", { headers: { Origin: origin } });
    const simpleAllowed = await simple("https://app.example.com");
    expect(simpleAllowed.status).toBe(200);
    expect(simpleAllowed.headers.get("access-control-allow-origin")).toBe(
      "https://app.example.com",
    );
    expect(simpleAllowed.headers.get("access-control-expose-headers")).toMatch(/retry-after/i);
    expect((await simple("https://evil.example")).headers.get("access-control-allow-origin")).toBe(
      null,
    );

    // No origin at all: nobody may call from a browser, and the API still answers others.
    await save({ cors: { origins: [] } });
    const none = await preflight(t.app, "https://app.example.com");
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("never stops the console, which is same-origin", async () => {
    await save({ cors: { origins: [] } });
    // What the console sends: its own origin, a superuser's credentials.
    const me = await t.app.request("/api/superusers/me", {
      headers: { Origin: "https://cairn.test", ...admin },
    });
    expect(me.status).toBe(200);
    const settings = await t.app.request("/api/settings/security", {
      method: "PATCH",
      headers: { Origin: "https://cairn.test", "Content-Type": "application/json", ...admin },
      body: JSON.stringify({ cors: { origins: ["*"] } }),
    });
    expect(settings.status).toBe(200);
    expect(
      (await preflight(t.app, "https://any.example")).headers.get("access-control-allow-origin"),
    ).toBe("*");
  });
});

describe("the general API limit", () => {
  it("answers 429 with Retry-After past N requests per address per minute", async () => {
    // Off by default.
    for (let i = 0; i < 5; i++) {
      expect(
        (await call("GET", "/api/collections/users/records", undefined, from("10.1.0.1"))).status,
      ).not.toBe(429);
    }
    await save({ rateLimits: { api: { perMinute: 3 } } });
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await t.app.request("/api/collections/users/records", {
          headers: from("10.1.0.2", { Origin: "https://app.example.com" }),
        }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get("x-ratelimit-remaining"))).toEqual([
      "2",
      "1",
      "0",
      "0",
    ]);
    expect(answers[0]?.headers.get("x-ratelimit-limit")).toBe("3");
    const limited = answers[3]!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // A browser app can read the refusal.
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    const envelope = (await limited.json()) as { error: { code: string } };
    expect(envelope.error.code).toBe("RATE_LIMITED");

    // Each address counts for itself.
    expect(
      (await call("GET", "/api/collections/users/records", undefined, from("10.1.0.3"))).status,
    ).toBe(200);
    // Superusers, API-key servers, the health check and the console's sign-in are never limited.
    const asAdmin = await call(
      "GET",
      "/api/collections/users/records",
      undefined,
      from("10.1.0.2", admin),
    );
    expect(asAdmin.status).toBe(200);
    expect((await call("GET", "/api/health", undefined, from("10.1.0.2"))).status).toBe(200);
    expect((await call("GET", "/api/ready", undefined, from("10.1.0.2"))).status).toBe(200);
    const signIn = await call(
      "POST",
      "/api/superusers/sign-in",
      { email: "nobody@example.com", password: "wrong password" },
      from("10.1.0.2"),
    );
    expect(signIn.status).not.toBe(429);
    // The auth limit counts auth writes; the general limit does not count them twice.
    const appSignIn = await call(
      "POST",
      "/api/collections/users/auth/sign-in",
      { email: "nobody@example.com", password: "wrong password" },
      from("10.1.0.2"),
    );
    expect(appSignIn.status).not.toBe(429);

    // Switched off: at once.
    await save({ rateLimits: { enabled: false } });
    expect(
      (await call("GET", "/api/collections/users/records", undefined, from("10.1.0.2"))).status,
    ).toBe(200);
    await save({ rateLimits: { enabled: true, api: { perMinute: 0 } } });
    expect(
      (await call("GET", "/api/collections/users/records", undefined, from("10.1.0.2"))).status,
    ).toBe(200);
  });
});

describe("the auth limit from the settings", () => {
  const signIn = (ip: string) =>
    call(
      "POST",
      "/api/collections/users/auth/sign-in",
      { email: "nobody@example.com", password: "wrong password" },
      from(ip),
    );

  it("follows rateLimits.auth.perMinute for app users' auth requests", async () => {
    await save({ rateLimits: { auth: { perMinute: 2 } } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn("10.2.0.1")).status);
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses[2]).toBe(429);
    // Turned off: no per-IP limit at all.
    await save({ rateLimits: { enabled: false } });
    expect((await signIn("10.2.0.1")).status).not.toBe(429);
  });

  it("leaves the superusers' sign-in on the environment's limit, so no setting locks it", async () => {
    await save({ rateLimits: { auth: { perMinute: 1 }, api: { perMinute: 1 } } });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const answer = await call(
        "POST",
        "/api/superusers/sign-in",
        // Another email each time: the per-account lockout is not what is tested.
        { email: `nobody${i}@example.com`, password: "wrong password" },
        from("10.2.0.2"),
      );
      statuses.push(answer.status);
    }
    expect(statuses).not.toContain(429);
    // And a signed-in superuser can put things right, from the same address.
    const fixed = await call(
      "PATCH",
      "/api/settings/security",
      { rateLimits: null },
      from("10.2.0.2", admin),
    );
    expect(fixed.status).toBe(200);
  });
});

describe("another replica", () => {
  it("follows a change made through this one, without a restart", async () => {
    // A second app on the same database, with its own caches (on Postgres its own connections,
    // as a second process would have).
    const database = t.database.url ? openPostgres(t.database.url, { poolSize: 2 }) : t.database;
    const other = createApp({
      config: t.config,
      database,
      logger: createLogger({ logLevel: "silent" }),
      collections: new CollectionRegistry(database),
      files: t.files,
    });
    try {
      const before = await preflight(other, "https://replica.example.com");
      expect(before.headers.get("access-control-allow-origin")).toBe("*");
      await save({
        cors: { origins: ["https://replica.example.com"] },
        rateLimits: { api: { perMinute: 1 } },
      });
      await vi.waitFor(
        async () => {
          const refused = await preflight(other, "https://elsewhere.example.com");
          expect(refused.headers.get("access-control-allow-origin")).toBeNull();
        },
        { timeout: 8_000, interval: 100 },
      );
      const allowed = await preflight(other, "https://replica.example.com");
      expect(allowed.headers.get("access-control-allow-origin")).toBe(
        "https://replica.example.com",
      );
      // Its API limit too: counted on its own (per replica).
      const statuses = [];
      for (let i = 0; i < 2; i++) {
        const answer = await other.request("/api/collections/users/records", {
          headers: from("10.3.0.1"),
        });
        statuses.push(answer.status);
      }
      expect(statuses).toEqual([200, 429]);
    } finally {
      if (database !== t.database) await database.close();
    }
  });
});
