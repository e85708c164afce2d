// Commits that write events are announced to every replica after they commit, never before and
// never for a rollback; a stream of them makes one NOTIFY per spacing, and a stream of NOTIFYs
// makes one wake-up per spacing, the first of each at once.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Ctx, createCtx, withTransaction } from "../context.js";
import { createRecord } from "../records/create-record.js";
import { createEventAnnouncer } from "./announce-events.js";
import { eventsChannel } from "./emit-event.js";
import { createEventWake } from "./event-wake.js";

let database: TestDatabase;
let ctx: Ctx;

beforeAll(async () => {
  database = await testDatabase();
  ctx = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  await createCollection({ ctx, input: { name: "notes", fields: [{ name: "t", type: "text" }] } });
});
afterAll(() => database.close());

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("announcing events", () => {
  it("sends the NOTIFY after the commit, and none for a rollback", async () => {
    const heard: string[] = [];
    const stop = await database.listen(eventsChannel, () => heard.push("notify"));
    try {
      await withTransaction(ctx, async (tx) => {
        await createRecord({ ctx: tx, input: { collection: "notes", body: { t: "a" } } });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(heard).toEqual([]);
      });
      await vi.waitFor(() => expect(heard).toEqual(["notify"]), { timeout: 2_000 });

      await expect(
        withTransaction(ctx, async (tx) => {
          await createRecord({ ctx: tx, input: { collection: "notes", body: { t: "b" } } });
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      // A one-statement write (outside a transaction) is announced too.
      await createRecord({ ctx, input: { collection: "notes", body: { t: "c" } } });
      await vi.waitFor(() => expect(heard).toHaveLength(2), { timeout: 2_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toHaveLength(2);
    } finally {
      await stop();
    }
  });

  it("makes one NOTIFY for the commits of one moment, and spaces the next ones", async () => {
    const sent: number[] = [];
    const announcer = createEventAnnouncer(
      { db: { execute: async () => void sent.push(performance.now()) } as never },
      { spacingMs: 40 },
    );
    const started = performance.now();
    for (let i = 0; i < 5; i++) announcer.announce();
    await nextTurn();
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 5; i++) announcer.announce();
    await nextTurn();
    expect(sent).toHaveLength(1);
    await vi.waitFor(() => expect(sent).toHaveLength(2), { timeout: 1_000 });
    expect(sent[1]! - started).toBeGreaterThanOrEqual(30); // timers may fire a little early
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toHaveLength(2);
  });

  it("wakes readers at once for a lone NOTIFY, and once per spacing for a stream", async () => {
    let notify: (payload: string) => void = () => {};
    const wake = await createEventWake(
      {
        listen: async (_channel, onNotify) => {
          notify = onNotify;
          return async () => {};
        },
      },
      { pollMs: 60_000, spacingMs: 40 },
    );
    try {
      const woken: number[] = [];
      wake.subscribe(() => woken.push(performance.now()));
      const started = performance.now();
      notify("");
      expect(woken).toHaveLength(1);
      for (let i = 0; i < 10; i++) notify("");
      expect(woken).toHaveLength(1);
      await vi.waitFor(() => expect(woken).toHaveLength(2), { timeout: 1_000 });
      expect(woken[1]! - started).toBeGreaterThanOrEqual(30); // timers may fire a little early
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(woken).toHaveLength(2);
    } finally {
      await wake.close();
    }
  });
});
