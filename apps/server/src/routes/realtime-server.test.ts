// Realtime over real sockets: a running server streams to fetch() clients and ends its streams
// at once on a graceful stop; and, on Postgres, two `cairn serve` replicas on one database: a
// write through one reaches a subscriber of the other, and a client resumes across them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CollectionRegistry, createCollection, createCtx } from "@cairn/core";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { type RunningServer, startServer } from "../server.js";
import { type CairnProcess, startCairnProcess } from "../testing/cairn-process.js";
import { SseReader } from "../testing/sse.js";

const subscriptions = encodeURIComponent(JSON.stringify([{ topic: "notes/*" }]));

async function stream(url: string, lastEventId?: string): Promise<SseReader> {
  const query = lastEventId ? `&lastEventId=${lastEventId}` : "";
  const response = await fetch(`${url}/api/realtime?subscriptions=${subscriptions}${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const reader = new SseReader(response);
  await reader.next((e) => e.event === "connect");
  return reader;
}

async function write(url: string, text: string): Promise<string> {
  const response = await fetch(`${url}/api/collections/notes/records`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const change = (reader: SseReader, id: string) =>
  reader.next((e) => e.event === "change" && e.data.matches[0].record.id === id, 10_000);

/** A collection anyone may read and write, made straight in the database before any server. */
async function notesIn(database: TestDatabase) {
  await createCollection({
    ctx: createCtx({
      database,
      collections: new CollectionRegistry(database),
      actor: { kind: "superuser", id: "s", email: "s@example.com" },
    }),
    input: {
      name: "notes",
      fields: [{ name: "text", type: "text" }],
      listRule: "",
      viewRule: "",
      createRule: "",
    },
  });
}

describe("a running server", () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cairn-realtime-"));
    pg = process.env.TEST_DATABASE_URL ? await testDatabase() : undefined;
    const config = loadConfig({
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      DATABASE_URL: pg?.url ?? "",
      CAIRN_SHUTDOWN_TIMEOUT_MS: "10000",
    });
    server = await startServer(config, createLogger({ logLevel: "silent" }));
    await notesIn(server.database as TestDatabase);
  });
  afterAll(async () => {
    await server.stop();
    await pg?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("streams changes, and a graceful stop ends its streams without waiting out the timeout", async () => {
    const readers = [await stream(server.url), await stream(server.url)];
    const id = await write(server.url, "hello");
    for (const reader of readers) {
      expect((await change(reader, id)).data.matches[0].record).toMatchObject({ text: "hello" });
    }
    const started = Date.now();
    await server.stop();
    // Well inside the 10 s shutdown timeout: the streams did not hold the stop open.
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const reader of readers) {
      const bye = await reader.next((e) => e.event === "reconnect");
      expect(bye.data.reason).toBe("shutdown");
      await reader.closed();
    }
  });
});

// PGlite is one process's database; replicas need Postgres.
describe.runIf(process.env.TEST_DATABASE_URL)("replicas on one Postgres", () => {
  let database: TestDatabase;
  let one: CairnProcess;
  let two: CairnProcess;

  beforeAll(async () => {
    database = await testDatabase();
    await notesIn(database);
    [one, two] = await Promise.all([
      startCairnProcess({ DATABASE_URL: database.url! }),
      startCairnProcess({ DATABASE_URL: database.url! }),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await database?.close();
  });

  it("delivers a write through one replica to a subscriber of the other", async () => {
    const onTwo = await stream(two.url);
    const onOne = await stream(one.url);
    const id = await write(one.url, "across");
    expect((await change(onTwo, id)).data.matches[0].record.text).toBe("across");
    await change(onOne, id);
    const back = await write(two.url, "and back");
    await change(onOne, back);
    await onOne.cancel();
    await onTwo.cancel();
  });

  it("resumes on the other replica from the cursor the first one gave", async () => {
    const first = await stream(one.url);
    const seen = await write(one.url, "seen");
    await change(first, seen);
    await first.cancel();
    const missed = [await write(two.url, "missed 1"), await write(one.url, "missed 2")];
    const second = await stream(two.url, first.lastId);
    const last = await write(two.url, "live");
    await change(second, last);
    const got = second.events
      .filter((e) => e.event === "change")
      .map((e) => e.data.matches[0].record.id);
    expect(got).toEqual([...missed, last]);
    await second.cancel();
  });
});
