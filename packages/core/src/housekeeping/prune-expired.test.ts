import { schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueAuthToken } from "../auth/auth-token-store.js";
import { createSession } from "../auth/create-session.js";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx } from "../context.js";
import { pruneExpired } from "./prune-expired.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());

describe("pruneExpired", () => {
  it("removes expired tokens and sessions, keeps live ones", async () => {
    const collections = new CollectionRegistry(database);
    const past = createCtx({
      database,
      collections,
      now: () => new Date(Date.now() - 2 * 86_400_000),
    });
    const now = createCtx({ database, collections });
    await issueAuthToken(past, { kind: "otp", ttlMs: 60_000 });
    const live = await issueAuthToken(now, { kind: "otp", ttlMs: 60_000 });
    await createSession({
      ctx: past,
      input: { subject: { kind: "superuser", id: "a" }, lifetimeMs: 60_000 },
    });
    await createSession({ ctx: now, input: { subject: { kind: "superuser", id: "b" } } });
    expect(await pruneExpired({ ctx: now })).toEqual({ tokens: 1, sessions: 1 });
    const tokens = await database.db.select().from(schema.authTokens);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.expiresAt.getTime()).toBe(live.expiresAt.getTime());
    expect(await database.db.select().from(schema.sessions)).toHaveLength(1);
    // Old lockouts go too, live ones stay.
    const old = new Date(Date.now() - 2 * 86_400_000);
    await database.db.insert(schema.authLockouts).values([
      { key: "old", failures: 5, lastFailure: old, lockedUntil: old },
      {
        key: "live",
        failures: 5,
        lastFailure: new Date(),
        lockedUntil: new Date(Date.now() + 60_000),
      },
    ]);
    await pruneExpired({ ctx: now });
    const lockouts = await database.db.select().from(schema.authLockouts);
    expect(lockouts.map((row) => row.key)).toEqual(["live"]);
  });
});
