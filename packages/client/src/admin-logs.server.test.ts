// @cairn/client/admin's request log against a real server process: requests are stored (the
// writer flushes every second), listed with filters and cursors, charted, read one by one, and
// the `logs` setting turns storing off.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor } from "../test/sdk-fixtures.js";
import type { AdminClient } from "./admin.js";

let server: TestServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startCairn("admin-logs.server");
  ({ admin } = await adminFor(server));
});

afterAll(async () => {
  await server?.stop();
});

describe("admin.logs", () => {
  it("lists, filters, pages, charts and reads stored requests", async () => {
    await fetch(`${server.url}/api/collections/missing/records?token=never-stored`, {
      headers: { "X-Request-Id": "sdk-404" },
    });
    await fetch(`${server.url}/api/collections`, { headers: { "X-Request-Id": "sdk-401" } });
    const [missing] = await vi.waitFor(
      async () => {
        const { items } = await admin.logs.list({ requestId: "sdk-404" });
        expect(items).toHaveLength(1);
        return items;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(missing).toMatchObject({
      method: "GET",
      path: "/api/collections/missing/records",
      status: 404,
      errorCode: "NOT_FOUND",
      actor: "anonymous",
    });

    const fourXX = await admin.logs.list({ status: "4xx", limit: 200 });
    expect(fourXX.items.length).toBeGreaterThanOrEqual(2);
    expect(fourXX.items.every((item) => item.status >= 400 && item.status < 500)).toBe(true);
    expect((await admin.logs.list({ status: [401], method: "GET" })).items[0]?.requestId).toBe(
      "sdk-401",
    );

    const page = await admin.logs.list({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBe(page.items[0]!.id);
    const next = await admin.logs.list({ limit: 1, before: page.nextCursor });
    expect(next.items[0]!.id).toBeLessThan(page.items[0]!.id);

    const stats = await admin.logs.stats({ from: new Date(Date.now() - 3600_000) });
    expect(stats.bucketSeconds).toBe(60);
    expect(stats.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(stats.totals.total);
    expect(stats.totals.s4xx).toBeGreaterThanOrEqual(2);

    expect(await admin.logs.get(missing!.id)).toEqual(missing);
    await expect(admin.logs.list({ minDuration: -1 })).rejects.toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
    });
    await expect(admin.logs.get(999_999_999)).rejects.toMatchObject({ status: 404 });
  });

  it("the logs setting", async () => {
    expect((await admin.settings.get()).logs).toEqual({ enabled: true, retentionDays: 7 });
    const updated = await admin.settings.update({ logs: { retentionDays: 30 } });
    expect(updated.logs).toEqual({ enabled: true, retentionDays: 30 });
  });
});
