import { gunzipSync } from "node:zlib";
import { createBackupScheduler, createCtx } from "@cairn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(t.app, method, path, { body, headers });

/** Polls the list until the backup is no longer running. */
async function settled(id: string) {
  for (let i = 0; i < 200; i++) {
    const list = await call("GET", "/api/backups");
    const found = list.body.find((b: { id: string }) => b.id === id);
    if (found && found.status !== "running") return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the backup did not finish");
}

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  await call("POST", "/api/collections", {
    name: "notes",
    fields: [{ name: "text", type: "text" }],
  });
  await call("POST", "/api/collections/notes/records", { text: "keep me" });
});

afterAll(() => t.close());

describe("backups API", () => {
  it("backs up now, lists, downloads a gzip with a manifest, and deletes", async () => {
    const started = await call("POST", "/api/backups");
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: "running", trigger: "manual" });
    const done = await settled(started.body.id);
    expect(done).toMatchObject({ status: "completed", error: null, missingFiles: 0 });
    expect(done.size).toBeGreaterThan(100);

    const download = await t.app.request(`/api/backups/${done.id}/download`, { headers: admin });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/gzip");
    expect(download.headers.get("content-disposition")).toMatch(
      /^attachment; filename="cairn-backup-.*\.tar\.gz"$/,
    );
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(done.size);
    const tar = gunzipSync(bytes).toString("latin1");
    expect(tar).toContain("manifest.json");
    expect(tar).toContain('"format": "cairn-backup"');
    expect(tar).toContain("keep me");

    expect((await call("DELETE", `/api/backups/${done.id}`)).status).toBe(204);
    expect((await call("GET", "/api/backups")).body).toEqual([]);
    expect((await call("DELETE", `/api/backups/${done.id}`)).body.error.code).toBe("NOT_FOUND");
    expect((await call("GET", `/api/backups/${done.id}/download`)).status).toBe(404);
  });

  it("keeps the schedule as a setting and refuses bad values", async () => {
    const defaults = await call("GET", "/api/backups/settings");
    expect(defaults.body).toEqual({
      enabled: false,
      intervalHours: 24,
      keep: 7,
      includeFiles: true,
    });
    const changed = await call("PATCH", "/api/backups/settings", { enabled: true, keep: 2 });
    expect(changed.body).toMatchObject({ enabled: true, keep: 2, intervalHours: 24 });
    const bad = await call("PATCH", "/api/backups/settings", { intervalHours: 0, color: "red" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["color", "intervalHours"]);
    expect((await call("POST", "/api/backups", { includeFiles: "yes" })).status).toBe(400);
    await call("PATCH", "/api/backups/settings", { enabled: false });
  });

  it("runs a due scheduled backup once, and prunes to `keep`", async () => {
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
      await scheduler.tick();
      let list = (await call("GET", "/api/backups")).body;
      expect(list.map((b: { trigger: string; status: string }) => [b.trigger, b.status])).toEqual([
        ["scheduled", "completed"],
      ]);
      for (let i = 0; i < 2; i++) await settled((await call("POST", "/api/backups")).body.id);
      list = (await call("GET", "/api/backups")).body;
      expect(list).toHaveLength(2);
      expect(list.every((b: { trigger: string }) => b.trigger === "manual")).toBe(true);
    } finally {
      await scheduler.stop();
      await call("PATCH", "/api/backups/settings", { enabled: false });
    }
  });

  it("is for superusers only", async () => {
    expect((await call("GET", "/api/backups", undefined, {})).status).toBe(401);
    const user = await signUpUser(t, { superuser: admin.Authorization!.slice(7) });
    for (const [method, path] of [
      ["GET", "/api/backups"],
      ["POST", "/api/backups"],
      ["GET", "/api/backups/settings"],
      ["PATCH", "/api/backups/settings"],
      ["GET", "/api/backups/x/download"],
      ["DELETE", "/api/backups/x"],
    ] as const) {
      const answer = await call(method, path, method === "PATCH" ? {} : undefined, user.headers);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    const key = (await call("POST", "/api/api-keys", { name: "ops", scopes: ["full"] })).body.key;
    const asKey = await call("GET", "/api/backups", undefined, { Authorization: `Bearer ${key}` });
    expect(asKey.status).toBe(403);
  });
});
