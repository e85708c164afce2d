// The settings-backed FileStorage: local by default, S3 (s3rver on loopback) once the setting says
// so, followed at once after invalidate() and within refreshMs without it, old S3 clients closed
// only after their downloads.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { createS3Storage, isStorageError, type S3StorageOptions } from "@cairn/storage";
import { type S3rverHarness, startS3rver } from "@cairn/storage/testing";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCtx } from "../context.js";
import { putSetting, storageSettingsSchema } from "../settings/settings-store.js";
import { createFileStorage, readStorageSettings } from "./create-file-storage.js";
import type { FileStorage } from "./file-storage.js";

let database: TestDatabase;
let s3: S3rverHarness;
let other: S3rverHarness;
let root: string;
const opened: FileStorage[] = [];

beforeAll(async () => {
  database = await testDatabase();
  [s3, other] = await Promise.all([startS3rver("cairn-files"), startS3rver("cairn-other")]);
  root = await mkdtemp(join(tmpdir(), "cairn-file-storage-"));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((files) => files.close()));
  await database.db.delete(schema.settings).where(eq(schema.settings.key, "storage"));
});
afterAll(async () => {
  await Promise.all([s3?.stop(), other?.stop()]);
  await database?.close();
  await rm(root, { recursive: true, force: true });
});

function open(options: { refreshMs?: number; createS3?: typeof createS3Storage } = {}) {
  const files = createFileStorage({
    database,
    localRoot: root,
    s3Tuning: { maxAttempts: 1 },
    ...options,
  });
  opened.push(files);
  return files;
}

async function saveStorage(harness: S3rverHarness, kind: "local" | "s3" = "s3") {
  const ctx = createCtx({ database, collections: new CollectionRegistry(database) });
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = harness.options;
  const settings = storageSettingsSchema.parse({
    kind,
    s3: { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle: true },
  });
  await putSetting(ctx, "storage", settings);
}

/** Reads an object straight from the bucket, not through the FileStorage under test. */
async function inBucket(harness: S3rverHarness, key: string): Promise<string | undefined> {
  const raw = createS3Storage(harness.options);
  try {
    const got = await raw.get(key);
    return got && (await text(got.body));
  } finally {
    await raw.close();
  }
}

describe("createFileStorage", () => {
  it("starts on local disk under localRoot", async () => {
    const files = open();
    const { kind, adapter } = await files.active();
    expect(kind).toBe("local");
    await adapter.put("c1/r1/hello.txt", Buffer.from("hello"), { contentType: "text/plain" });
    expect(await readFile(join(root, "c1/r1/hello.txt"), "utf8")).toBe("hello");
    expect(await files.adapter("local")).toBe(adapter);
  });

  it("answers UNAVAILABLE for S3 while it is not configured", async () => {
    const files = open();
    const error = await files.adapter("s3").catch((caught: unknown) => caught);
    expect(isStorageError(error, "UNAVAILABLE"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/S3 storage is not configured/);
  });

  it("follows the setting: at once after invalidate(), within refreshMs on another replica", async () => {
    const here = open({ refreshMs: 60_000 });
    const replica = open({ refreshMs: 100 });
    expect((await here.active()).kind).toBe("local");
    expect((await replica.active()).kind).toBe("local");

    await saveStorage(s3);
    expect((await here.active()).kind).toBe("local"); // cached until invalidated
    here.invalidate();
    const active = await here.active();
    expect(active.kind).toBe("s3");
    await active.adapter.put("c1/r1/cloud.txt", Buffer.from("in the cloud"));
    expect(await inBucket(s3, "c1/r1/cloud.txt")).toBe("in the cloud");
    // Files stored before the switch stay readable where they are.
    expect(await (await here.adapter("local")).head("c1/r1/hello.txt")).toBeDefined();

    await vi.waitFor(async () => expect((await replica.active()).kind).toBe("s3"), {
      timeout: 2_000,
      interval: 50,
    });

    // Back to local: S3 stays open for the files that live there.
    await saveStorage(s3, "local");
    here.invalidate();
    expect((await here.active()).kind).toBe("local");
    const got = await (await here.adapter("s3")).get("c1/r1/cloud.txt");
    expect(got && (await text(got.body))).toBe("in the cloud");
  });

  it("rebuilds S3 when its settings change, closing the old client after its downloads", async () => {
    const made: { options: S3StorageOptions; closed: boolean }[] = [];
    const files = open({
      refreshMs: 60_000,
      createS3: (options) => {
        const adapter = createS3Storage(options);
        const entry = { options, closed: false };
        made.push(entry);
        const close = adapter.close.bind(adapter);
        return Object.assign(adapter, {
          close: async () => {
            entry.closed = true;
            await close();
          },
        });
      },
    });
    await saveStorage(s3);
    const first = await files.adapter("s3");
    expect(await files.adapter("s3")).toBe(first); // cached
    await first.put("c1/r1/big.bin", Buffer.alloc(256 * 1024, 7));
    const download = await first.get("c1/r1/big.bin");
    expect(download).toBeDefined();

    await saveStorage(other);
    files.invalidate();
    const second = await files.adapter("s3");
    expect(second).not.toBe(first);
    expect(made.map((entry) => entry.options.bucket)).toEqual(["cairn-files", "cairn-other"]);
    // The download that started on the old client is not cut off…
    expect(made[0]?.closed).toBe(false);
    const bytes = Buffer.concat(await download!.body.toArray());
    expect(bytes.length).toBe(256 * 1024);
    // …and the old client closes once it is done.
    await vi.waitFor(() => expect(made[0]?.closed).toBe(true), { timeout: 2_000, interval: 20 });
    const late = await first.head("c1/r1/big.bin").catch((caught: unknown) => caught);
    expect(isStorageError(late, "UNAVAILABLE")).toBe(true);

    await second.put("c1/r1/other.txt", Buffer.from("other bucket"));
    expect(await inBucket(other, "c1/r1/other.txt")).toBe("other bucket");
    expect(await inBucket(s3, "c1/r1/other.txt")).toBeUndefined();

    await files.close();
    expect(made[1]?.closed).toBe(true);
    const closed = await files.active().catch((caught: unknown) => caught);
    expect(isStorageError(closed, "UNAVAILABLE")).toBe(true);
  });

  it("closes a replaced client that is idle when the new settings are read", async () => {
    let closes = 0;
    const files = open({
      refreshMs: 60_000,
      createS3: (options) => {
        const adapter = createS3Storage(options);
        const close = adapter.close.bind(adapter);
        return Object.assign(adapter, {
          close: async () => {
            closes += 1;
            await close();
          },
        });
      },
    });
    await saveStorage(s3);
    await files.adapter("s3");
    await saveStorage(s3, "local");
    files.invalidate();
    expect((await files.active()).kind).toBe("local"); // same S3 section: the client stays
    expect(closes).toBe(0);
    await saveStorage(other, "local");
    files.invalidate();
    await files.active(); // only reads the setting; nothing asks for S3
    await vi.waitFor(() => expect(closes).toBe(1), { timeout: 2_000, interval: 20 });
  });

  it("reads a missing or unusable stored setting as the defaults", async () => {
    expect((await readStorageSettings(database.db)).kind).toBe("local");
    await database.db
      .insert(schema.settings)
      .values({ key: "storage", value: { kind: "s3", s3: { bucket: "" } } });
    const settings = await readStorageSettings(database.db);
    expect(settings).toEqual(storageSettingsSchema.parse({}));
  });
});
