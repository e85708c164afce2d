import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Ctx, createCtx, withTransaction } from "../context.js";
import { isCairnError } from "../errors.js";
import type { RecordEventData } from "../events/event-types.js";
import { currentCursor, readEvents } from "../events/read-events.js";
import { createRecord } from "./create-record.js";
import { getRecord } from "./get-record.js";
import { ruleAccess } from "./record-rules.js";
import { writesInOneStatement } from "./record-write.js";
import { updateRecord } from "./update-record.js";

// Most creates and updates are one statement whose event Postgres builds from the row it wrote
// (writeInOneStatement); the rest run as a transaction whose event JavaScript builds. Each case
// here writes the same thing both ways (a caller's transaction forces the second) and expects
// the same records and the same events.

let database: TestDatabase;
let admin: Ctx;
let ann: Ctx;
let annId: string;
const now = new Date("2026-11-22T08:09:10.123Z");

beforeAll(async () => {
  database = await testDatabase();
  const collections = new CollectionRegistry(database);
  admin = createCtx({
    database,
    collections,
    now: () => now,
    actor: { kind: "superuser", id: "s", email: "s@example.com" },
  });
  await createCollection({ ctx: admin, input: { name: "members", type: "auth" } });
  const member = await createRecord({
    ctx: admin,
    input: { collection: "members", body: { email: "ann@example.com", password: "long enough" } },
  });
  annId = member.id;
  await createCollection({
    ctx: admin,
    input: {
      name: "kinds",
      fields: [
        { name: "text", type: "text" },
        { name: "mail", type: "email" },
        { name: "url", type: "url" },
        { name: "number", type: "number" },
        { name: "count", type: "number", nullable: false, default: 7 },
        { name: "flag", type: "bool" },
        { name: "day", type: "date" },
        { name: "stamp", type: "autodate", onCreate: true, onUpdate: true },
        { name: "data", type: "json" },
        { name: "pick", type: "select", values: ["a", "b", "c"] },
        { name: "picks", type: "select", values: ["a", "b", "c"], multiple: true },
        { name: "owner", type: "relation", collection: "members" },
        { name: "friends", type: "relation", collection: "members", multiple: true },
        { name: "photo", type: "file" },
        { name: "photos", type: "file", multiple: true },
        { name: "secret", type: "text", hidden: true, default: "shh" },
      ],
      // The rules read only the row and the request.
      viewRule: "owner = @request.auth.id",
      createRule: "owner = @request.auth.id && count < 100",
      updateRule: "owner = @request.auth.id && count < 100",
    },
  });
  ann = {
    ...admin,
    actor: {
      kind: "user",
      id: annId,
      collectionId: member.collectionId as string,
      collectionName: "members",
      record: member,
    },
  };
});
afterAll(() => database.close());

const bodies: Record<string, unknown>[] = [
  {},
  {
    text: 'ünïcödé 🌿 "quoted" \\ back',
    mail: "a@example.com",
    url: "https://example.com/a?b=c",
    number: 0.1,
    count: -0,
    flag: false,
    day: "0001-01-01",
    data: { nested: [1, "two", null, { three: 3.5e-7 }], big: 1e21 },
    pick: "b",
    picks: ["c", "a"],
  },
  { number: 12345678.875, flag: true, day: "9999-12-31T23:59:59.999Z", data: "just a string" },
  { day: "2026-03-01 10:30:00.5+02:00", data: null, text: "" },
];

/** An event's data with the record ids left out (the two ways write different records). */
const withoutIds = (events: { data: unknown }[]) =>
  events.map((event) => {
    const data = event.data as RecordEventData;
    const strip = (record: Record<string, unknown> | undefined) => {
      if (!record) return undefined;
      const { id: _id, ...rest } = record;
      return rest;
    };
    return { record: strip(data.record), before: strip(data.before) };
  });

async function eventsOf<T>(write: () => Promise<T>): Promise<{ result: T; events: unknown[] }> {
  const after = await currentCursor(admin);
  const result = await write();
  const events = await readEvents(admin, { after, limit: 10 });
  return { result, events };
}

describe("writes that are one statement", () => {
  it("write the same records and events as a transaction, for every field type", async () => {
    for (const body of bodies) {
      const full = { ...body, owner: annId };
      const one = await eventsOf(() =>
        createRecord({ ctx: ann, input: { collection: "kinds", body: full } }),
      );
      const tx = await eventsOf(() =>
        withTransaction(ann, (inTx) =>
          createRecord({ ctx: inTx, input: { collection: "kinds", body: full } }),
        ),
      );
      expect(one.events).toHaveLength(1);
      expect(withoutIds(one.events as { data: unknown }[])).toEqual(
        withoutIds(tx.events as { data: unknown }[]),
      );
      const { id: _a, ...oneRecord } = one.result;
      const { id: _b, ...txRecord } = tx.result;
      expect(oneRecord).toEqual(txRecord);
      // The event carries the record as a superuser reads it (hidden fields too).
      const read = await getRecord({
        ctx: admin,
        input: { collection: "kinds", id: one.result.id },
      });
      const { collectionId: _c, collectionName: _n, ...stored } = read;
      expect((one.events[0] as { data: RecordEventData }).data.record).toEqual(stored);

      const { count: _count, ...rest } = body;
      const change = { ...rest, text: "changed", "count+": 2, flag: null };
      const oneUpdate = await eventsOf(() =>
        updateRecord({ ctx: ann, input: { collection: "kinds", id: one.result.id, body: change } }),
      );
      const txUpdate = await eventsOf(() =>
        withTransaction(ann, (inTx) =>
          updateRecord({
            ctx: inTx,
            input: { collection: "kinds", id: tx.result.id, body: change },
          }),
        ),
      );
      expect(oneUpdate.events).toHaveLength(1);
      expect(withoutIds(oneUpdate.events as { data: unknown }[])).toEqual(
        withoutIds(txUpdate.events as { data: unknown }[]),
      );
      expect(oneUpdate.result).toMatchObject({
        text: "changed",
        count: (read.count as number) + 2,
      });
    }
  });

  it("carry every field of a wide collection in the event", async () => {
    const names = Array.from({ length: 120 }, (_, i) => `f${i}`);
    await createCollection({
      ctx: admin,
      input: { name: "wide", fields: names.map((name) => ({ name, type: "text" as const })) },
    });
    const body = Object.fromEntries(names.map((name) => [name, `value of ${name}`]));
    const { result, events } = await eventsOf(() =>
      createRecord({ ctx: admin, input: { collection: "wide", body } }),
    );
    const { collectionId: _c, collectionName: _n, ...record } = result;
    expect((events[0] as { data: RecordEventData }).data.record).toEqual(record);
    expect(Object.keys(record)).toHaveLength(123);
  });

  it("write nothing, not even the event, when the rule refuses the row written", async () => {
    const after = await currentCursor(admin);
    // Both in flight at once, each refusal caught as it comes.
    const refusals = await Promise.all([
      createRecord({
        ctx: ann,
        input: { collection: "kinds", body: { owner: annId, count: 100 } },
      }).catch((e: unknown) => e),
      // The default count (7) passes; another owner does not.
      createRecord({
        ctx: ann,
        input: { collection: "kinds", body: { text: "not mine" } },
      }).catch((e: unknown) => e),
    ]);
    for (const error of refusals) expect(isCairnError(error) && error.code).toBe("FORBIDDEN");
    const mine = await createRecord({
      ctx: ann,
      input: { collection: "kinds", body: { owner: annId, text: "kept" } },
    });
    // An update the rule would not allow on the row it makes: 403, the row as it was.
    const error = await updateRecord({
      ctx: ann,
      input: { collection: "kinds", id: mine.id, body: { "count+": 500, text: "lost" } },
    }).catch((e: unknown) => e);
    expect(isCairnError(error) && error.code).toBe("FORBIDDEN");
    expect(
      await getRecord({ ctx: admin, input: { collection: "kinds", id: mine.id } }),
    ).toMatchObject({ text: "kept", count: 7 });
    const events = await readEvents(admin, { after, limit: 10 });
    expect(events.map((e) => [e.type, e.recordId])).toEqual([["record.created", mine.id]]);
  });

  it("answer 404 for a record the rule hides, before any problem with the body", async () => {
    const theirs = await createRecord({
      ctx: admin,
      input: { collection: "kinds", body: { text: "theirs" } },
    });
    for (const body of [{ text: "mine now" }, { count: "not a number" }]) {
      const error = await updateRecord({
        ctx: ann,
        input: { collection: "kinds", id: theirs.id, body },
      }).catch((e: unknown) => e);
      expect(isCairnError(error) && error.code).toBe("NOT_FOUND");
    }
    const missing = await updateRecord({
      ctx: admin,
      input: { collection: "kinds", id: "no-such-record", body: { text: "x" } },
    }).catch((e: unknown) => e);
    expect(isCairnError(missing) && missing.code).toBe("NOT_FOUND");
  });

  it("apply concurrent changes to one record one after another, each event with its own before", async () => {
    const mine = await createRecord({
      ctx: ann,
      input: { collection: "kinds", body: { owner: annId, count: 0 } },
    });
    const { events } = await eventsOf(() =>
      Promise.all(
        Array.from({ length: 10 }, () =>
          updateRecord({
            ctx: ann,
            input: { collection: "kinds", id: mine.id, body: { "count+": 1 } },
          }),
        ),
      ),
    );
    const read = await getRecord({ ctx: admin, input: { collection: "kinds", id: mine.id } });
    expect(read.count).toBe(10);
    const steps = events.map((event) => {
      const data = (event as { data: RecordEventData }).data;
      return [data.before!.count, data.record.count];
    });
    expect(steps.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(
      Array.from({ length: 10 }, (_, i) => [i, i + 1]),
    );
  });

  it("refuse a number both set and changed by an amount", async () => {
    const mine = await createRecord({
      ctx: ann,
      input: { collection: "kinds", body: { owner: annId } },
    });
    const error = await updateRecord({
      ctx: ann,
      input: { collection: "kinds", id: mine.id, body: { count: 1, "count+": 2 } },
    }).catch((e: unknown) => e);
    expect(isCairnError(error) && error.code).toBe("VALIDATION_FAILED");
  });

  it("are used only where the statement's own parts see everything the write needs", async () => {
    const lookup = await admin.collections.current();
    const kinds = lookup.byName("kinds")!;
    const local = ruleAccess(ann, kinds, lookup, "createRule", {});
    const follows = (rule: string) =>
      ruleAccess(ann, { ...kinds, createRule: rule }, lookup, "createRule", {});
    const values = (names: string[]) => ({
      values: new Map(kinds.fields.filter((f) => names.includes(f.name)).map((f) => [f, null])),
    });
    expect(writesInOneStatement(ann, kinds, local, values(["text", "picks", "owner"]))).toBe(true);
    // A rule that follows a relation or reads another collection; files and multiple relations.
    expect(writesInOneStatement(ann, kinds, follows("owner.verified = true"), values([]))).toBe(
      false,
    );
    expect(
      writesInOneStatement(ann, kinds, follows("@collection.kinds.owner ?= owner"), values([])),
    ).toBe(false);
    expect(writesInOneStatement(ann, kinds, local, values(["photo"]))).toBe(false);
    expect(writesInOneStatement(ann, kinds, local, values(["friends"]))).toBe(false);
    // Inside a caller's transaction (a batch), and for auth collections.
    await withTransaction(ann, async (tx) => {
      expect(writesInOneStatement(tx, kinds, local, values([]))).toBe(false);
    });
    const members = lookup.byName("members")!;
    expect(writesInOneStatement(admin, members, { kind: "allow" }, values([]))).toBe(false);
  });
});
