// The security settings cache: defaults until saved, one read per refresh interval (stale in
// between), a fresh read right after invalidate(), another replica's change heard through NOTIFY,
// and the last good value kept when the database fails.
import { openPostgres } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx } from "../context.js";
import { securityDefaults } from "./security-settings.js";
import { createSecuritySettingsCache } from "./settings-cache.js";
import { updateSecuritySettings } from "./update-security-settings.js";

let database: TestDatabase;
const defaults = securityDefaults({ corsOrigins: ["*"], authRateLimit: 30 });
const admin = () =>
  createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "s", email: "s@example.com" },
  });
const update = (body: unknown) =>
  updateSecuritySettings({ ctx: admin(), input: { body, defaults } });

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await update({ cors: null, rateLimits: null });
});

/** The database, with its settings reads counted. */
function counted() {
  const reads = { count: 0 };
  const db = new Proxy(database.db, {
    get(target, key, receiver) {
      if (key === "select") reads.count += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { reads, database: { db, listen: database.listen.bind(database) } };
}

describe("the security settings cache", () => {
  it("gives the environment's defaults until a section is saved, then the saved one", async () => {
    const cache = createSecuritySettingsCache({ database, defaults, follow: false });
    expect(await cache.get()).toEqual(defaults);
    await update({ rateLimits: { api: { perMinute: 120 } } });
    cache.invalidate();
    const settings = await cache.get();
    expect(settings.cors).toEqual(defaults.cors);
    expect(settings.rateLimits).toEqual({
      enabled: true,
      auth: { perMinute: 30 },
      api: { perMinute: 120 },
    });
  });

  it("reads once per refresh interval, serving the cached value in between", async () => {
    let clock = 1_000_000;
    const { reads, database: db } = counted();
    const cache = createSecuritySettingsCache({
      database: db,
      defaults,
      refreshMs: 5_000,
      follow: false,
      now: () => clock,
    });
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(reads.count).toBe(1);
    for (let i = 0; i < 20; i++) await cache.get();
    expect(reads.count).toBe(1);

    await update({ cors: { origins: ["https://app.example.com"] } });
    clock += 5_000;
    // Stale once the interval has passed: answered at once, refreshed behind it.
    expect((await cache.get()).cors.origins).toEqual(["*"]);
    await vi.waitFor(async () => {
      expect((await cache.get()).cors.origins).toEqual(["https://app.example.com"]);
    });
    expect(reads.count).toBe(2);
  });

  it("waits for a fresh read right after invalidate()", async () => {
    const cache = createSecuritySettingsCache({
      database,
      defaults,
      refreshMs: 3_600_000,
      follow: false,
    });
    expect((await cache.get()).rateLimits.enabled).toBe(true);
    await update({ rateLimits: { enabled: false } });
    expect((await cache.get()).rateLimits.enabled).toBe(true);
    cache.invalidate();
    expect((await cache.get()).rateLimits.enabled).toBe(false);
  });

  it("hears another replica's change through NOTIFY", async () => {
    // On Postgres the other replica has its own connections, as a second process would.
    const elsewhere = database.url ? openPostgres(database.url, { poolSize: 2 }) : database;
    const cache = createSecuritySettingsCache({
      database: elsewhere,
      defaults,
      refreshMs: 3_600_000,
    });
    try {
      await cache.follow();
      expect((await cache.get()).cors.origins).toEqual(["*"]);
      await update({ cors: { origins: ["https://notified.example.com"] } });
      await vi.waitFor(async () => {
        expect((await cache.get()).cors.origins).toEqual(["https://notified.example.com"]);
      });
    } finally {
      await cache.close();
      if (elsewhere !== database) await elsewhere.close();
    }
  });

  it("keeps the last good value when the database fails, and tries again later", async () => {
    let clock = 0;
    let failing = false;
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const db = new Proxy(database.db, {
      get(target, key, receiver) {
        if (key === "select" && failing) throw new Error("connection refused");
        return Reflect.get(target, key, receiver);
      },
    });
    const cache = createSecuritySettingsCache({
      database: { db, listen: database.listen.bind(database) },
      defaults,
      refreshMs: 1_000,
      follow: false,
      log,
      now: () => clock,
    });
    await update({ cors: { origins: ["https://kept.example.com"] } });
    expect((await cache.get()).cors.origins).toEqual(["https://kept.example.com"]);
    failing = true;
    cache.invalidate();
    expect((await cache.get()).cors.origins).toEqual(["https://kept.example.com"]);
    expect(log.warn).toHaveBeenCalledTimes(1);
    // Not asked again before the interval has passed.
    await cache.get();
    expect(log.warn).toHaveBeenCalledTimes(1);
    failing = false;
    clock += 1_000;
    await cache.get();
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(1));

    const fresh = createSecuritySettingsCache({
      database: { db, listen: database.listen.bind(database) },
      defaults,
      follow: false,
      log,
    });
    failing = true;
    expect(await fresh.get()).toEqual(defaults);
  });
});
