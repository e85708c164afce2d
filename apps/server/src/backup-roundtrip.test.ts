// The proof that a backup is a backup: seed an instance with every kind of data, back it up,
// restore into a fresh database, and compare every row of every table and every file's bytes.
// PGlite → PGlite under `pnpm test`; Postgres → Postgres and PGlite → Postgres under test:pg.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
  CollectionRegistry,
  type Ctx,
  createBackup,
  createCtx,
  type FileStorage,
  fixedFileStorage,
  isCairnError,
  newRecordId,
  restoreBackup,
} from "@cairn/core";
import { createDb, type Database, queryRows, schema } from "@cairn/db";
import { testDatabase } from "@cairn/db/testing";
import { createLocalStorage } from "@cairn/storage";
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { signUpUser, superuserToken } from "./testing/actors.js";
import { apiCall } from "./testing/http.js";
import type { TestApp } from "./testing/test-app.js";

interface Instance {
  t: TestApp;
  ctx: Ctx;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An app over `database` with local storage in a temporary folder. */
async function instance(database: Database): Promise<Instance> {
  const config = loadConfig({ CAIRN_DATA_DIR: "/nonexistent", CAIRN_AUTH_RATE_LIMIT: "10000" });
  const logger = createLogger(
    { logLevel: "warn" },
    new Writable({ write: (_chunk, _encoding, done) => done() }),
  );
  const collections = new CollectionRegistry(database);
  const storageRoot = await mkdtemp(join(tmpdir(), "cairn-backup-files-"));
  const files: FileStorage = fixedFileStorage({ local: createLocalStorage({ root: storageRoot }) });
  const app = createApp({ config, database, logger, collections, files });
  cleanups.push(async () => {
    await files.close();
    await database.close();
    await rm(storageRoot, { recursive: true, force: true });
  });
  const t = {
    app,
    collections,
    database,
    config,
    files,
    storageRoot,
    logs: [],
  } as unknown as TestApp;
  const ctx = createCtx({
    database,
    collections,
    files,
    actor: { kind: "superuser", id: "cli", email: "cli" },
  });
  return { t, ctx };
}

/** A migrated embedded database in a temporary folder, for PGlite → Postgres under test:pg. */
async function embeddedDatabase(): Promise<Database> {
  const dataDir = await mkdtemp(join(tmpdir(), "cairn-backup-pglite-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return createDb({ dataDir });
}

async function send(
  t: TestApp,
  method: "POST" | "PATCH",
  path: string,
  parts: [string, string | [Uint8Array, string, string]][],
  headers: Record<string, string>,
) {
  const form = new FormData();
  for (const [key, value] of parts) {
    if (typeof value === "string") form.append(key, value);
    else form.append(key, new Blob([value[0]], { type: value[2] }), value[1]);
  }
  const response = await t.app.request(path, { method, body: form, headers });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return JSON.parse(text) as Record<string, unknown> & { id: string };
}

/** Every collection shape and field type, users with sessions, keys, webhooks, settings, files. */
async function seed({ t }: Instance) {
  const token = await superuserToken(t);
  const admin = { Authorization: `Bearer ${token}` };
  const call = async (method: string, path: string, body?: unknown, headers = admin) => {
    const answer = await apiCall(t.app, method, path, { body, headers });
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    return answer.body;
  };
  await call("POST", "/api/collections", {
    name: "users",
    type: "auth",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "name", type: "text" },
      { name: "nickname", type: "text", hidden: true },
    ],
  });
  const ann = await signUpUser(t, { superuser: token, fields: { name: "Ann" } });
  const bob = await signUpUser(t, { superuser: token });
  await call("POST", "/api/collections", {
    name: "tags",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "label", type: "text", required: true, unique: true },
      { name: "color", type: "select", values: ["red", "green"] },
    ],
  });
  await call("POST", "/api/collections", {
    name: "posts",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "views", type: "number", integer: true },
      { name: "score", type: "number" },
      { name: "published", type: "bool" },
      { name: "contact", type: "email" },
      { name: "link", type: "url" },
      { name: "when", type: "date" },
      { name: "stamp", type: "autodate", onCreate: true, onUpdate: true },
      { name: "kinds", type: "select", values: ["a", "b", "c"], multiple: true },
      { name: "meta", type: "json" },
      { name: "author", type: "relation", collection: "users" },
      { name: "tags", type: "relation", collection: "tags", multiple: true },
      { name: "parent", type: "relation", collection: "posts" },
      { name: "cover", type: "file", thumbs: ["100x100"] },
      { name: "attachments", type: "file", multiple: true },
    ],
  });
  const red = await call("POST", "/api/collections/tags/records", { label: "red", color: "red" });
  const green = await call("POST", "/api/collections/tags/records", { label: "green" });
  const png = await sharp({
    create: { width: 300, height: 200, channels: 3, background: { r: 20, g: 90, b: 200 } },
  })
    .png()
    .toBuffer();
  const first = await send(
    t,
    "POST",
    "/api/collections/posts/records",
    [
      ["title", "First ünïcode \"quoted\" 'post' \\ with a newline\nand a tab\t"],
      ["views", "9007199254740"],
      ["score", "3.14159265358979"],
      ["published", "true"],
      ["contact", "ann@example.com"],
      ["link", "https://example.com/a?b=c"],
      ["when", "2024-02-29T23:59:59.123Z"],
      ["kinds", "a"],
      ["kinds", "c"],
      ["meta", JSON.stringify({ nested: { list: [1, 2.5, null, "x"] }, big: 2 ** 53 })],
      ["author", ann.id],
      ["tags", red.id],
      ["tags", green.id],
      ["cover", [png, "cover.png", "image/png"]],
      ["attachments", [Buffer.from("hello, backup\n"), "notes.txt", "text/plain"]],
      ["attachments", [Buffer.alloc(200_000, 7), "blob.bin", "application/octet-stream"]],
    ],
    admin,
  );
  const second = await send(
    t,
    "POST",
    "/api/collections/posts/records",
    [
      ["title", "Second"],
      ["parent", first.id],
      ["author", bob.id],
      ["cover", [png, "cover.png", "image/png"]],
    ],
    admin,
  );
  // A cycle: first → second → first. Only a restore that defers foreign keys can load it.
  await call("PATCH", `/api/collections/posts/records/${first.id}`, { parent: second.id });
  await call("PATCH", `/api/collections/users/records/${bob.id}`, { nickname: "bobby" });
  // Collections in a cycle too (tags → posts → tags): restore creates them in two steps.
  const tags = await call("GET", "/api/collections/tags");
  await call("PATCH", "/api/collections/tags", {
    fields: [...tags.fields, { name: "featured", type: "relation", collection: "posts" }],
  });
  await call("PATCH", `/api/collections/tags/records/${red.id}`, { featured: second.id });
  await call("POST", "/api/collections/posts/records", { title: "Empty one" });
  // A thumbnail exists in the source storage; the restore regenerates it on demand.
  const thumb = await t.app.request(
    `/api/files/posts/${first.id}/${(first.cover as string) ?? ""}?thumb=100x100`,
  );
  expect(thumb.status).toBe(200);
  await call("POST", "/api/api-keys", { name: "worker", scopes: ["posts:read"] });
  await call("PATCH", "/api/settings", { app: { name: "Backed up" } });
  await call("PATCH", "/api/backups/settings", { enabled: false, keep: 3 });
  const webhookId = newRecordId();
  await t.database.db.insert(schema.webhooks).values({
    id: webhookId,
    url: "https://hooks.example.com/in",
    events: ["record.created"],
    secret: "whsec_c2VjcmV0",
    createdBy: "superuser:test",
  });
  const deliveryId = newRecordId();
  await t.database.db.insert(schema.webhookDeliveries).values({
    id: deliveryId,
    webhookId,
    eventType: "record.created",
    payload: '{"x":1}',
    status: "failed",
    attempts: 1,
  });
  await t.database.db.insert(schema.webhookAttempts).values({
    deliveryId,
    webhookId,
    attempt: 1,
    at: new Date("2025-01-01T00:00:00Z"),
    url: "https://hooks.example.com/in",
    status: 500,
    latencyMs: 12,
  });
  await t.database.db.insert(schema.eventConsumers).values({ name: "test", txid: 5, position: 2 });
  return { token, ann, first, second };
}

/** Every row of a table as canonical text (jsonb sorts keys), minus columns that may differ. */
async function rowsOf(database: Database, table: string, except: string[] = []): Promise<string[]> {
  const drop = except.map((column) => ` - '${column}'`).join("");
  const rows = await queryRows<{ r: string }>(
    database.db,
    sql.raw(`SELECT (to_jsonb(t)${drop})::text AS r FROM ${table} AS t`),
  );
  return rows.map((row) => row.r).sort();
}

/** What differs on purpose after a restore (docs/backups.md says why). */
const differs: Record<string, string[]> = {
  events: ["txid"],
  event_consumers: ["txid"],
  files: ["etag", "storage"],
};

async function sha256Of(files: FileStorage, key: string): Promise<string> {
  const got = await (await files.adapter("local")).get(key);
  expect(got, key).toBeDefined();
  const hash = createHash("sha256");
  for await (const chunk of got!.body) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function roundTrip(source: Instance, target: Instance) {
  const seeded = await seed(source);
  const dir = await mkdtemp(join(tmpdir(), "cairn-backup-test-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const archive = join(dir, "backup.tar.gz");
  const summary = await createBackup({
    ctx: source.ctx,
    input: { output: createWriteStream(archive) },
  });
  expect(summary.files).toBe(4);
  expect(summary.manifest.missingFiles).toEqual([]);
  expect(summary.manifest.driver).toBe(source.t.database.driver);

  const restored = await restoreBackup({ ctx: target.ctx, input: { path: archive } });
  expect(restored.files).toBe(4);
  expect(restored.rows).toBe(summary.rows);

  for (const database of [source.t.database, target.t.database]) {
    // to_jsonb writes timestamps in the session's zone: compare both in UTC.
    if (database.driver === "pglite") await database.db.execute(sql`SET TIME ZONE 'UTC'`);
  }
  const tables = await queryRows<{ name: string }>(
    source.t.database.db,
    sql`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'cairn' ORDER BY 1`,
  );
  const skipped = new Set(summary.manifest.skippedTables);
  let compared = 0;
  for (const { name } of tables) {
    if (skipped.has(name)) continue;
    const where = `"cairn"."${name}"`;
    const before = await rowsOf(source.t.database, where, differs[name]);
    const after = await rowsOf(target.t.database, where, differs[name]);
    // Only attached files are backed up; in this seed every file is attached.
    expect(after, name).toEqual(before);
    compared += before.length;
  }
  expect(compared).toBeGreaterThan(20);
  for (const collection of ["users", "tags", "posts"]) {
    const before = await rowsOf(source.t.database, `"public"."${collection}"`);
    expect(before.length).toBeGreaterThan(1);
    expect(await rowsOf(target.t.database, `"public"."${collection}"`), collection).toEqual(before);
  }
  const fileRows = await source.t.database.db.select().from(schema.files);
  expect(fileRows).toHaveLength(4);
  for (const row of fileRows) {
    expect(await sha256Of(target.t.files, row.key), row.key).toBe(
      await sha256Of(source.t.files, row.key),
    );
  }

  // The restored instance works: old sessions sign in, files and thumbnails serve, sequences go on.
  const asAnn = await apiCall(target.t.app, "GET", "/api/collections/posts/records?sort=title", {
    headers: seeded.ann.headers,
  });
  expect(asAnn.status).toBe(200);
  expect(asAnn.body.items.map((p: { title: string }) => p.title)).toContain("Second");
  const cover = seeded.first.cover as string;
  const thumb = await target.t.app.request(
    `/api/files/posts/${seeded.first.id}/${cover}?thumb=100x100`,
  );
  expect(thumb.status).toBe(200);
  expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width).toBe(100);
  const admin = { Authorization: `Bearer ${seeded.token}` };
  const created = await apiCall(target.t.app, "POST", "/api/collections/posts/records", {
    body: { title: "After the restore", parent: seeded.second.id },
    headers: admin,
  });
  expect(created.status).toBe(201);
  const [events] = await queryRows<{ n: number | string }>(
    target.t.database.db,
    sql`SELECT count(*) AS n FROM cairn.events WHERE txid > 0`,
  );
  expect(Number(events?.n)).toBe(1);
  return { archive, summary };
}

describe("backup and restore", () => {
  const template = inject("cairnTestTemplate");

  it(`round-trips ${template.driver} → ${template.driver}: every row and every file`, async () => {
    const source = await instance(await testDatabase());
    const target = await instance(await testDatabase());
    const { archive } = await roundTrip(source, target);

    // Into a non-empty instance: refused, nothing changed.
    const again = await restoreBackup({ ctx: target.ctx, input: { path: archive } }).catch(
      (error: unknown) => error,
    );
    expect(isCairnError(again) && again.code).toBe("CONFLICT");

    // A damaged archive is refused before anything changes.
    const bytes = await readFile(archive);
    const damaged = join(tmpdir(), `cairn-damaged-${newRecordId()}.tar.gz`);
    cleanups.push(() => rm(damaged, { force: true }));
    await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const fresh = await instance(await testDatabase());
    const failed = await restoreBackup({ ctx: fresh.ctx, input: { path: damaged } }).catch(
      (error: unknown) => error,
    );
    expect(isCairnError(failed) && failed.code).toBe("BAD_REQUEST");
    const [count] = await queryRows<{ n: number | string }>(
      fresh.t.database.db,
      sql`SELECT count(*) AS n FROM cairn.collections`,
    );
    expect(Number(count?.n)).toBe(0);

    // --force replaces what is there.
    const forced = await restoreBackup({ ctx: target.ctx, input: { path: archive, force: true } });
    expect(forced.files).toBe(4);
  }, 120_000);

  it.runIf(template.driver === "postgres")(
    "round-trips PGlite → Postgres: the path from the embedded default to production",
    async () => {
      const source = await instance(await embeddedDatabase());
      const target = await instance(await testDatabase());
      await roundTrip(source, target);
    },
    180_000, // an embedded database on disk, migrated, next to Postgres
  );
});
