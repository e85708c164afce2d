// @cairn/client/admin's backups against a real server process: back up now, see it finish,
// download the archive (a gzip whose tar holds the manifest), the schedule, delete.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { archiveText } from "../test/archive.js";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor } from "../test/sdk-fixtures.js";
import type { AdminClient } from "./admin.js";

let server: TestServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startCairn("admin-backups.server");
  ({ admin } = await adminFor(server));
});

afterAll(async () => {
  await server?.stop();
});

describe("admin.backups", () => {
  it("backs up, lists, downloads, schedules and deletes", async () => {
    const started = await admin.backups.create({ includeFiles: false });
    expect(started).toMatchObject({ status: "running", trigger: "manual", includeFiles: false });
    const done = await vi.waitFor(
      async () => {
        const found = (await admin.backups.list()).find((b) => b.id === started.id);
        expect(found?.status).toBe("completed");
        return found!;
      },
      { timeout: 20_000, interval: 200 },
    );
    const bytes = new Uint8Array(await admin.backups.download(done.id));
    expect(bytes.length).toBe(done.size);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(archiveText(bytes)).toContain("manifest.json");
    expect(admin.backups.downloadUrl(done.id)).toBe(
      `${server.url}/api/backups/${done.id}/download`,
    );

    expect(await admin.backups.getSettings()).toMatchObject({ enabled: false, keep: 7 });
    expect(await admin.backups.updateSettings({ keep: 3 })).toMatchObject({ keep: 3 });
    await expect(admin.backups.updateSettings({ keep: 0 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });

    await admin.backups.delete(done.id);
    expect(await admin.backups.list()).toEqual([]);
    await expect(admin.backups.download(done.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
