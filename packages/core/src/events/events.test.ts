import { openPostgres, schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../auth/audit.js";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Ctx, createCtx } from "../context.js";
import { createRecord } from "../records/create-record.js";
import { deleteRecord } from "../records/delete-record.js";
import { updateRecord } from "../records/update-record.js";
import { advanceConsumer, consumerCursor } from "./event-consumers.js";
import { type AuthEventData, eventName, type RecordEventData } from "./event-types.js";
import { createEventWake } from "./event-wake.js";
import { pruneEvents } from "./prune-events.js";
import { currentCursor, parseCursor, readEvents, startCursor } from "./read-events.js";

let database: TestDatabase;
let ctx: Ctx;

beforeAll(async () => {
  database = await testDatabase();
  ctx = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "s", email: "s@example.com" },
  });
  await createCollection({
    ctx,
    input: {
      name: "notes",
      fields: [
        { name: "title", type: "text" },
        { name: "secret", type: "text", hidden: true },
      ],
    },
  });
  await createCollection({ ctx, input: { name: "members", type: "auth" } });
});
afterAll(() => database.close());

const all = () => readEvents(ctx, { after: startCursor, limit: 1000 });

describe("the outbox", () => {
  it("records each write with its record (and the record before, for updates)", async () => {
    const from = await currentCursor(ctx);
    const note = await createRecord({
      ctx,
      input: { collection: "notes", body: { title: "a", secret: "s1" } },
    });
    await updateRecord({ ctx, input: { collection: "notes", id: note.id, body: { title: "b" } } });
    await deleteRecord({ ctx, input: { collection: "notes", id: note.id } });
    const events = await readEvents(ctx, { after: from, limit: 10 });
    expect(events.map((e) => [e.type, eventName(e), e.recordId])).toEqual([
      ["record.created", "notes.created", note.id],
      ["record.updated", "notes.updated", note.id],
      ["record.deleted", "notes.deleted", note.id],
    ]);
    const updated = events[1]!.data as RecordEventData;
    expect(updated.record).toMatchObject({ title: "b", secret: "s1" });
    expect(updated.before).toMatchObject({ title: "a" });
    expect((events[2]!.data as RecordEventData).record).toMatchObject({ title: "b" });
    // Cursors increase in reading order, and each resumes right after its event.
    expect(await readEvents(ctx, { after: parseCursor(events[0]!.cursor)!, limit: 10 })).toEqual(
      events.slice(1),
    );
  });

  it("writes nothing when the write rolls back", async () => {
    const before = (await all()).length;
    await expect(
      createRecord({ ctx, input: { collection: "notes", body: { nope: 1 } } }),
    ).rejects.toThrow();
    expect((await all()).length).toBe(before);
  });

  it("adds user events for auth collections and audited sign-ins, never the password hash", async () => {
    const from = await currentCursor(ctx);
    const user = await createRecord({
      ctx,
      input: {
        collection: "members",
        body: { email: "m@example.com", password: "a long password" },
      },
    });
    const members = (await ctx.collections.current()).byName("members")!;
    await audit(ctx, {
      action: "auth.sign_in",
      collectionId: members.id,
      subjectId: user.id,
      detail: { method: "password" },
    });
    const events = await readEvents(ctx, { after: from, limit: 10 });
    expect(events.map((e) => e.type)).toEqual([
      "record.created",
      "auth.user.created",
      "auth.user.signed_in",
    ]);
    expect(JSON.stringify(events)).not.toContain("argon2");
    expect((events[2]!.data as AuthEventData).detail).toEqual({ method: "password" });
  });

  // PGlite runs one transaction at a time, so only Postgres can commit out of order.
  it.runIf(process.env.TEST_DATABASE_URL)(
    "never lets a reader pass an event that commits late",
    async () => {
      const other = openPostgres(database.url!, { poolSize: 1 });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted!: () => void;
      const didInsert = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      try {
        const from = await currentCursor(ctx);
        // A transaction takes a position, then stays open while a later one commits.
        const open = other.db.transaction(async (tx) => {
          await tx.execute(
            sql`INSERT INTO cairn.events ("type", "data") VALUES ('auth.user.verified', '{}')`,
          );
          inserted();
          await gate;
        });
        await didInsert;
        await createRecord({ ctx, input: { collection: "notes", body: { title: "later" } } });
        // The later commit is held back while the older transaction runs…
        expect(await readEvents(ctx, { after: from, limit: 10 })).toEqual([]);
        release();
        await open;
        // …and then both arrive, the late-committing one included.
        const events = await readEvents(ctx, { after: from, limit: 10 });
        expect(events.map((e) => e.type)).toEqual(["auth.user.verified", "record.created"]);
      } finally {
        release();
        await other.close();
      }
    },
  );
});

describe("consumers and retention", () => {
  it("prunes old events only once every consumer is past them", async () => {
    await database.db.execute(sql`UPDATE cairn.events SET created = now() - interval '30 days'`);
    const events = await all();
    expect(events.length).toBeGreaterThan(3);
    await consumerCursor(ctx, "test-consumer", startCursor);
    await advanceConsumer(ctx, "test-consumer", parseCursor(events[1]!.cursor)!);
    expect(await pruneEvents({ ctx })).toEqual({ events: 2 });
    expect((await all()).length).toBe(events.length - 2);
    // Never backwards.
    await advanceConsumer(ctx, "test-consumer", startCursor);
    expect(await consumerCursor(ctx, "test-consumer", startCursor)).toEqual(
      parseCursor(events[1]!.cursor),
    );
    await database.db.delete(schema.eventConsumers);
    expect((await pruneEvents({ ctx })).events).toBe(events.length - 2);
  });

  it("wakes listeners when an event commits", async () => {
    const wake = await createEventWake(database, { pollMs: 60_000 });
    try {
      const woken = new Promise<void>((resolve) => wake.subscribe(resolve));
      await createRecord({ ctx, input: { collection: "notes", body: { title: "wake" } } });
      await woken;
    } finally {
      await wake.close();
    }
  });
});
