// A session's actor is read once and then served from the process's cache, for at most five
// seconds: ending a session or changing its user is seen at once by this process and, through
// the tables' triggers and NOTIFY, by every other; a change nobody was told of lasts five seconds.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { updateCollection } from "../collections/update-collection.js";
import { type Actor, type Ctx, createCtx } from "../context.js";
import { createRecord } from "../records/create-record.js";
import { updateRecord } from "../records/update-record.js";
import { authenticate } from "./authenticate.js";
import { createSession } from "./create-session.js";
import { createSessionCache, sessionCacheOf } from "./session-cache.js";
import { sessionIdOf } from "./session-token.js";
import { signOut } from "./sign-out.js";

let database: TestDatabase;
let admin: Ctx;
let fans: { id: string };

beforeAll(async () => {
  database = await testDatabase();
  admin = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  fans = await createCollection({
    ctx: admin,
    input: { name: "fans", type: "auth", fields: [{ name: "nickname", type: "text" }] },
  });
  await sessionCacheOf(database).ready;
});
afterAll(() => database.close());

let count = 0;
async function fan(nickname: string): Promise<{ id: string; token: string }> {
  count += 1;
  const created = await createRecord({
    ctx: admin,
    input: {
      collection: "fans",
      body: { email: `fan${count}@example.com`, password: "long enough pw", nickname },
    },
  });
  const { token } = await createSession({
    ctx: admin,
    input: { subject: { kind: "user", collectionId: fans.id, id: created.id as string } },
  });
  return { id: created.id as string, token };
}

/** A request's ctx, `later` ms from now. */
const request = (later = 0) =>
  createCtx({
    database,
    collections: admin.collections,
    now: () => new Date(Date.now() + later),
  });

const nicknameOf = async (token: string, later = 0) => {
  const actor = await authenticate({ ctx: request(later), input: { token } });
  return actor.kind === "user" ? actor.record.nickname : actor.kind;
};

/** Runs SQL with the triggers off: a change no replica is told of. */
async function unannounced(statement: ReturnType<typeof sql>) {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    await tx.execute(statement);
  });
}

describe("the session cache", () => {
  it("serves a session read in the last five seconds without reading it again", async () => {
    const { id, token } = await fan("before");
    expect(await nicknameOf(token)).toBe("before");
    await unannounced(sql`UPDATE "public"."fans" SET "nickname" = 'after' WHERE "id" = ${id}`);
    expect(await nicknameOf(token)).toBe("before");
    expect(await nicknameOf(token, 5_100)).toBe("after");
  });

  it("is never shared across requests as a changeable object", async () => {
    const { token } = await fan("frozen");
    await nicknameOf(token);
    const actor = (await authenticate({ ctx: request(), input: { token } })) as Extract<
      Actor,
      { kind: "user" }
    >;
    expect(() => {
      actor.record.nickname = "changed";
    }).toThrow(TypeError);
  });

  it("forgets a user changed through the record verbs at once", async () => {
    const { id, token } = await fan("old");
    expect(await nicknameOf(token)).toBe("old");
    await updateRecord({
      ctx: admin,
      input: { collection: "fans", id, body: { nickname: "new" } },
    });
    expect(await nicknameOf(token)).toBe("new");
  });

  it("hears of a user changed by another process (the table's trigger)", async () => {
    const { id, token } = await fan("old");
    expect(await nicknameOf(token)).toBe("old");
    await database.db.execute(
      sql`UPDATE "public"."fans" SET "nickname" = 'elsewhere' WHERE "id" = ${id}`,
    );
    await expect.poll(() => nicknameOf(token), { timeout: 2_000 }).toBe("elsewhere");
  });

  it("ends a signed-out session at once", async () => {
    const { token } = await fan("leaving");
    const ctx = { ...request(), actor: await authenticate({ ctx: request(), input: { token } }) };
    await signOut({ ctx, input: { collection: "fans" } });
    await expect(authenticate({ ctx: request(), input: { token } })).rejects.toMatchObject({
      status: 401,
    });
  });

  it("hears of a session deleted or shortened by another process", async () => {
    const deleted = await fan("deleted");
    const shortened = await fan("shortened");
    await nicknameOf(deleted.token);
    await nicknameOf(shortened.token);
    await database.db.execute(
      sql`DELETE FROM "cairn"."sessions" WHERE "id" = ${sessionIdOf(deleted.token)}`,
    );
    await database.db.execute(
      sql`UPDATE "cairn"."sessions" SET "expires_at" = now() - interval '1 second' WHERE "id" = ${sessionIdOf(shortened.token)}`,
    );
    for (const token of [deleted.token, shortened.token]) {
      await expect
        .poll(() => authenticate({ ctx: request(), input: { token } }).catch((e) => e.status), {
          timeout: 2_000,
        })
        .toBe(401);
    }
  });

  it("asks the database again when the session expires or is due to be renewed", async () => {
    const { id, token } = await fan("renewing");
    await nicknameOf(token);
    await unannounced(sql`UPDATE "public"."fans" SET "nickname" = 'read again' WHERE "id" = ${id}`);
    // Sessions last 14 days unless the collection says otherwise; past half, they are renewed.
    const [session] = await database.rows<{ expires_at: string }>(
      sql`SELECT "expires_at" FROM "cairn"."sessions" WHERE "id" = ${sessionIdOf(token)}`,
    );
    const untilExpiry = new Date(session!.expires_at).getTime() - Date.now();
    expect(await nicknameOf(token, untilExpiry - 1_000)).toBe("read again");
    await expect(nicknameOf(token, untilExpiry + 400 * 24 * 3600 * 1000)).rejects.toMatchObject({
      status: 401,
    });
  });

  it("reads the user again under a new schema", async () => {
    const { token } = await fan("schema");
    await nicknameOf(token);
    const current = (await admin.collections.current()).byName("fans")!;
    await updateCollection({
      ctx: admin,
      input: {
        collection: "fans",
        definition: { ...current, fields: [...current.fields, { name: "motto", type: "text" }] },
      },
    });
    const actor = await authenticate({ ctx: request(), input: { token } });
    expect(actor.kind === "user" && "motto" in actor.record).toBe(true);
  });
});

describe("createSessionCache", () => {
  const listening = () => {
    let notify: (payload: string) => void = () => {};
    const cache = createSessionCache({
      database: {
        listen: async (_channel, onNotify) => {
          notify = onNotify;
          return async () => {};
        },
      },
    });
    return { cache, notify: (payload: string) => notify(payload) };
  };
  const lookup = {} as never;
  const actor: Actor = { kind: "superuser", id: "su", email: "su@example.com" };
  const entry = { actor, lookup, readAt: 0, until: 10_000 };

  it("does not keep a read that a notice overtook", async () => {
    const { cache, notify } = listening();
    await cache.ready;
    const overtaken = cache.begin("s1");
    notify("session:s1");
    cache.store(overtaken, entry);
    expect(cache.get("s1", lookup, 1)).toBeUndefined();
    const bySubject = cache.begin("s2");
    notify("subject:someone");
    cache.store(bySubject, entry);
    expect(cache.get("s2", lookup, 1)).toBeUndefined();
    const kept = cache.begin("s3");
    cache.store(kept, entry);
    expect(cache.get("s3", lookup, 1)).toBe(actor);
    notify("subject:su");
    expect(cache.get("s3", lookup, 1)).toBeUndefined();
  });

  it("keeps nothing before it listens, nor past its bounds", async () => {
    const { cache } = listening();
    const early = cache.begin("s1");
    cache.store(early, entry);
    expect(cache.get("s1", lookup, 1)).toBeUndefined();
    await cache.ready;
    cache.store(cache.begin("s1"), entry);
    expect(cache.get("s1", {} as never, 1)).toBeUndefined();
    cache.store(cache.begin("s1"), entry);
    expect(cache.get("s1", lookup, 5_000)).toBeUndefined();
    cache.store(cache.begin("s1"), { ...entry, until: 3 });
    expect(cache.get("s1", lookup, 3)).toBeUndefined();
  });
});
