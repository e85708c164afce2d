// Backups where the active storage is S3 (s3rver): the archive goes to the bucket under
// `backups/`, carries the files stored in the bucket, downloads byte for byte, and the scheduled
// runs prune the bucket to `keep`.
import { gunzipSync } from "node:zlib";
import { createBackupScheduler, createCtx, fixedFileStorage } from "@cairn/core";
import { createLocalStorage, createS3Storage, type StorageAdapter } from "@cairn/storage";
import { type S3rverHarness, startS3rver } from "@cairn/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let s3: S3rverHarness;
let bucket: StorageAdapter;
let t: TestApp;
let admin: Record<string, string>;
const attachment = Buffer.from(`report body ${"x".repeat(3000)} end of report`);

const call = (method: string, path: string, body?: unknown) =>
  apiCall(t.app, method, path, { body, headers: admin });

async function settled(id: string) {
  for (let i = 0; i < 200; i++) {
    const found = (await call("GET", "/api/backups")).body.find((b: { id: string }) => b.id === id);
    if (found && found.status !== "running") return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the backup did not finish");
}

async function keysInBucket(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of bucket.list(prefix)) keys.push(object.key);
  return keys.sort();
}

beforeAll(async () => {
  s3 = await startS3rver();
  bucket = createS3Storage(s3.options);
  t = await createTestApp(
    {},
    {
      files: fixedFileStorage(
        { local: createLocalStorage({ root: "/tmp/unused" }), s3: bucket },
        "s3",
      ),
    },
  );
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  await call("POST", "/api/collections", {
    name: "reports",
    fields: [
      { name: "title", type: "text" },
      { name: "doc", type: "file" },
    ],
  });
  const form = new FormData();
  form.append("title", "Q3");
  form.append("doc", new Blob([attachment]), "q3.txt");
  const created = await t.app.request("/api/collections/reports/records", {
    method: "POST",
    body: form,
    headers: admin,
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await t?.close();
  await s3?.stop();
});

describe("backups on S3", () => {
  it("writes the archive to the bucket, with the bucket's files, and downloads it whole", async () => {
    const started = await call("POST", "/api/backups");
    const done = await settled(started.body.id);
    expect(done).toMatchObject({ status: "completed", error: null, missingFiles: 0 });

    const stored = await keysInBucket("backups/");
    expect(stored).toHaveLength(1);
    const head = await bucket.head(stored[0]!);
    expect(head?.size).toBe(done.size);

    const download = await t.app.request(`/api/backups/${done.id}/download`, { headers: admin });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(done.size);
    const tar = gunzipSync(bytes);
    expect(tar.includes(attachment)).toBe(true);
    expect(tar.toString("latin1")).toMatch(/"title": ?"Q3"/);

    expect((await call("DELETE", `/api/backups/${done.id}`)).status).toBe(204);
    expect(await keysInBucket("backups/")).toEqual([]);
  });

  it("prunes scheduled and manual archives in the bucket to `keep`", async () => {
    await call("PATCH", "/api/backups/settings", { enabled: true, keep: 2, intervalHours: 1 });
    const scheduler = createBackupScheduler({
      database: t.database,
      collections: t.collections,
      files: t.files,
      log: createCtx({ database: t.database, collections: t.collections }).log,
      everyMs: 3_600_000,
    });
    try {
      await scheduler.tick();
      for (let i = 0; i < 2; i++) await settled((await call("POST", "/api/backups")).body.id);
      const listed = (await call("GET", "/api/backups")).body as { id: string }[];
      expect(listed).toHaveLength(2);
      expect(await keysInBucket("backups/")).toHaveLength(2);
    } finally {
      await scheduler.stop();
      await call("PATCH", "/api/backups/settings", { enabled: false });
    }
  });
});
