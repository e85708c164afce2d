// admin.metrics against a real server process: off at first, the token shown once by
// createToken() and accepted by /metrics, on and off, and a non-superuser refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor } from "../test/sdk-fixtures.js";
import type { AdminClient } from "./admin.js";

let server: TestServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startCairn("admin-metrics.server");
  ({ admin } = await adminFor(server));
});

afterAll(async () => {
  await server?.stop();
});

const scrape = (token?: string) =>
  fetch(`${server.url}/metrics`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });

describe("admin.metrics", () => {
  it("generates a scrape token once, switches /metrics on and off", async () => {
    expect(await admin.metrics.get()).toEqual({
      enabled: false,
      hasToken: false,
      tokenCreated: null,
    });
    expect((await scrape()).status).toBe(404);
    await expect(admin.metrics.update({ enabled: true })).rejects.toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
    });

    const { token, settings } = await admin.metrics.createToken();
    expect(token).toMatch(/^cairn_metrics_/);
    expect(settings).toMatchObject({ enabled: true, hasToken: true });
    expect(JSON.stringify(await admin.metrics.get())).not.toContain(token);

    const ok = await scrape(token);
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain("cairn_http_requests_total");
    expect(text).toContain("process_resident_memory_bytes");
    expect((await scrape()).status).toBe(401);
    expect((await scrape("cairn_metrics_wrong")).status).toBe(403);

    expect(await admin.metrics.update({ enabled: false })).toMatchObject({
      enabled: false,
      hasToken: true,
    });
    expect((await scrape(token)).status).toBe(404);
    await admin.metrics.update({ enabled: true });
    expect((await scrape(token)).status).toBe(200);
  });
});
