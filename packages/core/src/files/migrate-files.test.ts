// Moving attached files between backends: local disk → S3 (s3rver on loopback) and back, a dry
// run that changes nothing, reruns that find nothing to do, and rows that change mid-move.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { createLocalStorage, createS3Storage, type StorageAdapter } from "@cairn/storage";
import { type S3rverHarness, startS3rver } from "@cairn/storage/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx } from "../context.js";
import { isCairnError } from "../errors.js";
import { newRecordId } from "../ids.js";
import { putSetting, storageSettingsSchema } from "../settings/settings-store.js";
import { createFileStorage } from "./create-file-storage.js";
import { type FileStorage, fixedFileStorage, type StorageKind } from "./file-storage.js";
import { type MigrateFilesProgress, migrateFiles } from "./migrate-files.js";

let database: TestDatabase;
let s3: S3rverHarness;
let root: string;
let files: FileStorage;
const superuser = { kind: "superuser", id: "cli", email: "cli" } as const;

const ctxWith = (storage: FileStorage) =>
  createCtx({
    database,
    collections: new CollectionRegistry(database),
    files: storage,
    actor: superuser,
  });

beforeAll(async () => {
  database = await testDatabase();
  s3 = await startS3rver("cairn-migrate");
  root = await mkdtemp(join(tmpdir(), "cairn-migrate-"));
  files = createFileStorage({ database, localRoot: root, s3Tuning: { maxAttempts: 1 } });
});
afterAll(async () => {
  await files?.close();
  await s3?.stop();
  await database?.close();
  await rm(root, { recursive: true, force: true });
});

async function useStorage(kind: StorageKind) {
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3.options;
  await putSetting(
    ctxWith(files),
    "storage",
    storageSettingsSchema.parse({
      kind,
      s3: { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle: true },
    }),
  );
  files.invalidate();
}

/** A files row and its bytes (plus a thumbnail) on `storage`; `bytes: undefined` stores none. */
async function addFile(options: {
  recordId: string;
  name: string;
  bytes: string | undefined;
  status?: string;
  storage?: StorageKind;
  mimeType?: string;
}) {
  const storage = options.storage ?? "local";
  const adapter = await files.adapter(storage);
  const key = `col1/${options.recordId}/${options.name}`;
  let etag = "";
  if (options.bytes !== undefined) {
    etag = (await adapter.put(key, Buffer.from(options.bytes))).etag;
    await adapter.put(`col1/${options.recordId}/thumbs_${options.name}/100x100`, Buffer.from("t"));
  }
  const id = newRecordId();
  await database.db.insert(schema.files).values({
    id,
    collectionId: "col1",
    recordId: options.recordId,
    fieldId: "f_attachments",
    name: options.name,
    originalName: options.name,
    storage,
    key,
    size: Buffer.byteLength(options.bytes ?? "missing"),
    mimeType: options.mimeType ?? "text/plain",
    etag,
    status: options.status ?? "attached",
    uploadedBy: "superuser:cli",
  });
  return { id, key };
}

async function keysOn(adapter: StorageAdapter, prefix = "col1"): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of adapter.list(prefix)) keys.push(object.key);
  return keys.sort();
}

async function rowsById() {
  const rows = await database.db.select().from(schema.files);
  return new Map(rows.map((row) => [row.id, row]));
}

describe("migrateFiles", () => {
  const bodies = { a: "first file", b: "second, longer file body", c: "third" };
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  let c: { id: string; key: string };
  let pending: { id: string; key: string };
  let broken: { id: string; key: string };

  beforeAll(async () => {
    a = await addFile({ recordId: "rec1", name: "a_1234567890.txt", bytes: bodies.a });
    b = await addFile({
      recordId: "rec1",
      name: "b_1234567890.json",
      bytes: bodies.b,
      mimeType: "application/json",
    });
    c = await addFile({ recordId: "rec2", name: "c_1234567890.txt", bytes: bodies.c });
    // An upload not on a record yet stays where it is; a row without bytes fails, loudly.
    pending = await addFile({
      recordId: "rec3",
      name: "p_1234567890.txt",
      bytes: "pending",
      status: "ready",
    });
    broken = await addFile({ recordId: "rec4", name: "x_1234567890.txt", bytes: undefined });
  });

  it("refuses to move to S3 while S3 is not configured", async () => {
    const error = await migrateFiles({ ctx: ctxWith(files), input: { to: "s3" } }).catch(
      (caught: unknown) => caught,
    );
    expect(isCairnError(error) && error.code).toBe("SERVICE_UNAVAILABLE");
    expect((error as Error).message).toMatch(/not configured/);
  });

  it("is for superusers only", async () => {
    const ctx = createCtx({ database, collections: new CollectionRegistry(database), files });
    const error = await migrateFiles({ ctx, input: {} }).catch((caught: unknown) => caught);
    expect(isCairnError(error) && error.code).toBe("UNAUTHORIZED");
  });

  it("dry run: counts what would move, reports what cannot, changes nothing", async () => {
    await useStorage("s3");
    const before = await rowsById();
    const result = await migrateFiles({ ctx: ctxWith(files), input: { dryRun: true } });
    expect(result).toMatchObject({
      to: "s3",
      dryRun: true,
      moved: 3,
      bytes: bodies.a.length + bodies.b.length + bodies.c.length,
      skipped: 0,
      failed: 1,
      aborted: false,
    });
    expect(result.failures).toEqual([
      { id: broken.id, key: broken.key, from: "local", message: expect.stringMatching(/missing/) },
    ]);
    expect(await rowsById()).toEqual(before);
    expect(await keysOn(await files.adapter("s3"))).toEqual([]);
    expect(await keysOn(await files.adapter("local"))).toHaveLength(8); // 4 files + 4 thumbnails
  });

  it("moves every attached file to the active backend, then deletes the old bytes", async () => {
    const progress: MigrateFilesProgress[] = [];
    const result = await migrateFiles({
      ctx: ctxWith(files),
      input: { onProgress: (step) => progress.push(step) },
    });
    expect(result).toMatchObject({
      to: "s3",
      dryRun: false,
      moved: 3,
      bytes: bodies.a.length + bodies.b.length + bodies.c.length,
      skipped: 0,
      failed: 1,
      leftovers: [],
    });
    expect(result.failures.map((failure) => failure.id)).toEqual([broken.id]);
    expect(progress.map((step) => step.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((step) => step.total === 4)).toBe(true);
    expect(progress.filter((step) => step.outcome === "moved")).toHaveLength(3);

    const rows = await rowsById();
    const bucket = createS3Storage(s3.options);
    try {
      for (const [file, body] of [
        [a, bodies.a],
        [b, bodies.b],
        [c, bodies.c],
      ] as const) {
        const row = rows.get(file.id)!;
        expect(row.storage).toBe("s3");
        expect(row.key).toBe(file.key);
        const got = await bucket.get(file.key);
        expect(await text(got!.body)).toBe(body);
        expect(row.etag).toBe(got!.object.etag);
        expect(got!.object.contentType).toBe(row.mimeType);
      }
    } finally {
      await bucket.close();
    }
    expect(rows.get(pending.id)?.storage).toBe("local");
    expect(rows.get(broken.id)?.storage).toBe("local");
    // Old bytes and thumbnails are gone; the pending upload is untouched.
    expect(await keysOn(await files.adapter("local"))).toEqual([
      pending.key,
      `col1/rec3/thumbs_p_1234567890.txt/100x100`,
    ]);
    expect(await keysOn(await files.adapter("s3"))).toEqual([a.key, b.key, c.key].sort());
  });

  it("finds nothing to do the second time", async () => {
    await database.db.delete(schema.files).where(eq(schema.files.id, broken.id));
    const before = await rowsById();
    const result = await migrateFiles({ ctx: ctxWith(files), input: {} });
    expect(result).toMatchObject({ moved: 0, bytes: 0, skipped: 0, failed: 0, failures: [] });
    expect(await rowsById()).toEqual(before);
  });

  it("moves them back with `to`, and stops early when aborted", async () => {
    const stop = new AbortController();
    const first = await migrateFiles({
      ctx: ctxWith(files),
      input: { to: "local", signal: stop.signal, onProgress: () => stop.abort() },
    });
    expect(first).toMatchObject({ to: "local", moved: 1, aborted: true });
    // A rerun carries on with the rest (the setting still says S3: `to` wins).
    const rest = await migrateFiles({ ctx: ctxWith(files), input: { to: "local" } });
    expect(rest).toMatchObject({ to: "local", moved: 2, failed: 0, aborted: false });
    const rows = await rowsById();
    expect([...rows.values()].every((row) => row.storage === "local")).toBe(true);
    expect(await keysOn(await files.adapter("s3"))).toEqual([]);
    const local = await files.adapter("local");
    const got = await local.get(b.key);
    expect(await text(got!.body)).toBe(bodies.b);
    expect(got!.object.contentType).toBe("application/json");
  });

  it("skips a file whose record goes away mid-move, and removes the copy it made", async () => {
    const { id, key } = await addFile({ recordId: "rec5", name: "d_1234567890.txt", bytes: "d" });
    const s3Adapter = createS3Storage(s3.options);
    // The row disappears (its record was deleted) while the bytes are on their way.
    const racing: StorageAdapter = {
      kind: "s3",
      capabilities: { presign: false },
      put: async (...args) => {
        const stored = await s3Adapter.put(...args);
        await database.db.delete(schema.files).where(eq(schema.files.id, id));
        return stored;
      },
      head: (...args) => s3Adapter.head(...args),
      get: (...args) => s3Adapter.get(...args),
      delete: (...args) => s3Adapter.delete(...args),
      deletePrefix: (...args) => s3Adapter.deletePrefix(...args),
      list: (...args) => s3Adapter.list(...args),
      check: (...args) => s3Adapter.check(...args),
      close: () => s3Adapter.close(),
    };
    const local = createLocalStorage({ root });
    const storage = fixedFileStorage({ local, s3: racing }, "s3");
    try {
      const result = await migrateFiles({ ctx: ctxWith(storage), input: {} });
      expect(result).toMatchObject({ moved: 3, skipped: 1, failed: 0 });
      expect(await s3Adapter.head(key)).toBeUndefined();
      // Its old bytes are left for the record's own clean-up, not taken by the migration.
      expect(await local.head(key)).toBeDefined();
    } finally {
      await storage.close();
    }
  });
});
