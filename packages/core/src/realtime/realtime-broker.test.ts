// The broker's fan-out cost and its two ways of deciding a rule: simple rules need no query at
// all, relations one per event whatever the number of subscribers, and rules too big for memory
// (`@collection` over a large collection) go to SQL with the same answers.
import type { Database } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Actor, type Ctx, createCtx } from "../context.js";
import { createEventWake, type EventWake } from "../events/event-wake.js";
import { createRecord } from "../records/create-record.js";
import { openRealtime } from "./open-realtime.js";
import { RealtimeBroker } from "./realtime-broker.js";
import type { RealtimeLimits } from "./realtime-connection.js";

let database: TestDatabase;
let admin: Ctx;
let wake: EventWake;
const users: (Actor & { kind: "user" })[] = [];
const dialect = new PgDialect();

/** The same database, with every raw query's text recorded. */
function recording(): { database: Database; queries: string[] } {
  const queries: string[] = [];
  const db = new Proxy(database.db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== "execute") return typeof value === "function" ? value.bind(target) : value;
      return (query: SQL) => {
        queries.push(dialect.sqlToQuery(query).sql);
        return target.execute(query);
      };
    },
  });
  return { database: { ...database, db }, queries };
}

/** Every `change` frame's record ids, as a stream delivers them. */
function collect(stream: ReadableStream<Uint8Array>) {
  const ids: string[] = [];
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
      const blocks = text.split("\n\n");
      text = blocks.pop() ?? "";
      for (const block of blocks) {
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: change$/m.test(block) && data) {
          for (const match of JSON.parse(data).matches) ids.push(match.record.id);
        }
      }
    }
  })();
  return { ids, cancel: () => reader.cancel() };
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  database = await testDatabase();
  admin = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "s", email: "s@example.com" },
  });
  const members = await createCollection({
    ctx: admin,
    input: { name: "members", type: "auth", listRule: "", viewRule: "" },
  });
  await createCollection({
    ctx: admin,
    input: {
      name: "posts",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collection: "members" },
      ],
      listRule: "owner = @request.auth.id",
    },
  });
  await createCollection({
    ctx: admin,
    input: {
      name: "comments",
      fields: [{ name: "post", type: "relation", collection: "posts" }],
      listRule: "post.owner = @request.auth.id",
    },
  });
  await createCollection({
    ctx: admin,
    input: {
      name: "grants",
      fields: [
        { name: "member", type: "relation", collection: "members" },
        { name: "doc", type: "text" },
      ],
      listRule: "",
    },
  });
  await createCollection({
    ctx: admin,
    input: {
      name: "docs",
      fields: [{ name: "title", type: "text" }],
      listRule: "@collection.grants.member ?= @request.auth.id && @collection.grants.doc ?= id",
    },
  });
  await createCollection({ ctx: admin, input: { name: "pings", listRule: "" } });
  for (let i = 0; i < 20; i++) {
    const record = await createRecord({
      ctx: admin,
      input: { collection: "members", body: { email: `m${i}@example.com` } },
    });
    users.push({
      kind: "user",
      id: record.id,
      collectionId: members.id,
      collectionName: "members",
      record,
    });
  }
  wake = await createEventWake(database, { pollMs: 60_000 });
});
afterAll(async () => {
  await wake.close();
  await database.close();
});

async function subscribers(limits: Partial<RealtimeLimits>, topics: string[]) {
  const recorded = recording();
  const collections = new CollectionRegistry(recorded.database);
  const broker = new RealtimeBroker({
    database: recorded.database,
    collections,
    events: wake,
    limits,
  });
  const streams: ReturnType<typeof collect>[] = [];
  for (const actor of users) {
    const { stream } = await openRealtime({
      ctx: createCtx({ database: recorded.database, collections, actor }),
      input: { broker, subscriptions: topics.map((topic) => ({ topic })) },
    });
    streams.push(collect(stream));
  }
  /** Waits until every subscriber has had everything before a ping everyone sees. */
  const settle = async () => {
    const ping = await createRecord({ ctx: admin, input: { collection: "pings", body: {} } });
    await until(() => streams.every((s) => s.ids.includes(ping.id)));
  };
  const close = async () => {
    await broker.close();
    for (const s of streams) await s.cancel();
  };
  return { broker, streams, queries: recorded.queries, settle, close };
}

describe("fan-out cost", () => {
  it("decides simple rules without a query and relation rules with one per event", async () => {
    const s = await subscribers({}, ["posts/*", "comments/*", "pings/*"]);
    try {
      await s.settle();
      s.queries.length = 0;
      const post = await createRecord({
        ctx: admin,
        input: { collection: "posts", body: { title: "p", owner: users[3]!.id } },
      });
      await s.settle();
      expect(s.queries.filter((q) => q.includes('"public"."posts"'))).toEqual([]);
      const comment = await createRecord({
        ctx: admin,
        input: { collection: "comments", body: { post: post.id } },
      });
      await s.settle();
      // Twenty subscribers' rules read the comment's post: loaded once.
      expect(s.queries.filter((q) => q.includes('"public"."posts"'))).toHaveLength(1);
      for (const [i, stream] of s.streams.entries()) {
        const mine = i === 3;
        expect([stream.ids.includes(post.id), stream.ids.includes(comment.id)]).toEqual([
          mine,
          mine,
        ]);
      }
    } finally {
      await s.close();
    }
  });

  it("answers @collection rules the same in memory and, past the load limit, in SQL", async () => {
    const outcomes: string[][][] = [];
    for (const [run, maxCollectionRecords] of [1_000, 1].entries()) {
      const s = await subscribers({ maxCollectionRecords }, ["docs/*", "pings/*"]);
      try {
        const id = (name: string) => `${name}${run}`;
        for (const [member, doc] of [
          [0, "a"],
          [1, "b"],
          [0, "c"],
        ] as const) {
          await createRecord({
            ctx: admin,
            input: { collection: "grants", body: { member: users[member]!.id, doc: id(doc) } },
          });
        }
        s.queries.length = 0;
        for (const doc of ["a", "b", "c", "d"]) {
          await createRecord({ ctx: admin, input: { collection: "docs", body: { id: id(doc) } } });
        }
        await s.settle();
        expect(s.queries.some((q) => q.includes("jsonb_populate_record"))).toBe(run === 1);
        outcomes.push(
          s.streams
            .slice(0, 3)
            .map((stream) =>
              stream.ids.filter((x) => x.endsWith(String(run)) && x.length === 2).map((x) => x[0]!),
            ),
        );
      } finally {
        await s.close();
      }
    }
    expect(outcomes[0]).toEqual([["a", "c"], ["b"], []]);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });
});

describe("where a new stream starts", () => {
  it("after every event committed before it opened, even ones the broker has not read yet", async () => {
    // A wake that only fires when the test says: the broker reads the outbox on demand.
    const listeners = new Set<() => void>();
    const manual: EventWake = {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      wake: () => {
        for (const listener of listeners) listener();
      },
      close: async () => {},
    };
    const collections = new CollectionRegistry(database);
    const broker = new RealtimeBroker({ database, collections, events: manual });
    const open = async (actor: Actor) => {
      const { stream } = await openRealtime({
        ctx: createCtx({ database, collections, actor }),
        input: { broker, subscriptions: [{ topic: "pings/*" }] },
      });
      return collect(stream);
    };
    const early = await open(users[0]!);
    try {
      const before = await createRecord({ ctx: admin, input: { collection: "pings", body: {} } });
      // Committed, but no wake-up yet: the broker's own cursor is still before it.
      const late = await open(users[1]!);
      try {
        const after = await createRecord({ ctx: admin, input: { collection: "pings", body: {} } });
        manual.wake();
        await until(() => late.ids.includes(after.id) && early.ids.includes(after.id));
        expect(early.ids).toEqual([before.id, after.id]);
        expect(late.ids).toEqual([after.id]);
      } finally {
        await late.cancel();
      }
    } finally {
      await broker.close();
      await early.cancel();
    }
  });
});
