// admin.security against a real server process: the environment's defaults until saved, CORS
// answers following a saved list, field errors for bad origins, and the general API limit
// refusing an app client (429 with Retry-After) while the admin keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor, appClient } from "../test/sdk-fixtures.js";
import type { AdminClient } from "./admin.js";

let server: TestServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startCairn("admin-security.server");
  ({ admin } = await adminFor(server));
});

afterAll(async () => {
  await server?.stop();
});

const preflight = (origin: string) =>
  fetch(`${server.url}/api/health`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
  });

describe("admin.security", () => {
  it("reads the server's defaults until saved", async () => {
    const settings = await admin.security.get();
    expect(settings).toEqual({
      cors: { origins: ["*"] },
      rateLimits: { enabled: true, auth: { perMinute: 10000 }, api: { perMinute: 0 } },
      saved: { cors: false, rateLimits: false },
      defaults: {
        cors: { origins: ["*"] },
        rateLimits: { enabled: true, auth: { perMinute: 10000 }, api: { perMinute: 0 } },
      },
    });
  });

  it("saves origins that the server's CORS answers follow at once", async () => {
    const saved = await admin.security.update({
      cors: { origins: ["https://app.example.com", "capacitor://localhost"] },
    });
    expect(saved.cors.origins).toEqual(["https://app.example.com", "capacitor://localhost"]);
    expect(saved.saved.cors).toBe(true);
    const allowed = await preflight("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const refused = await preflight("https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();

    await expect(
      admin.security.update({
        cors: { origins: ["https://ok.example.com", "https://bad.example/"] },
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      fields: { "cors.origins.1": { message: expect.stringMatching(/trailing slash/) } },
    });
    expect((await admin.security.get()).cors.origins).toEqual([
      "https://app.example.com",
      "capacitor://localhost",
    ]);

    const reset = await admin.security.update({ cors: null });
    expect(reset.cors.origins).toEqual(["*"]);
    expect(reset.saved.cors).toBe(false);
    expect(
      (await preflight("https://evil.example")).headers.get("access-control-allow-origin"),
    ).toBe("*");
  });

  it("limits app clients per address; the admin keeps working", async () => {
    await admin.security.update({ rateLimits: { api: { perMinute: 2 } } });
    const app = appClient(server);
    const list = () => app.collection("nothing_here").list();
    await expect(list()).rejects.toMatchObject({ status: 404 });
    await expect(list()).rejects.toMatchObject({ status: 404 });
    await expect(list()).rejects.toMatchObject({ status: 429, code: "RATE_LIMITED" });
    const raw = await fetch(`${server.url}/api/collections/nothing_here/records`);
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(raw.headers.get("x-ratelimit-limit")).toBe("2");

    // Superusers are never limited by it, so a limit set too low can always be undone.
    expect((await admin.security.get()).rateLimits.api.perMinute).toBe(2);
    const undone = await admin.security.update({ rateLimits: { enabled: false } });
    expect(undone.rateLimits).toEqual({
      enabled: false,
      auth: { perMinute: 10000 },
      api: { perMinute: 2 },
    });
    await expect(list()).rejects.toMatchObject({ status: 404 });
    await admin.security.update({ rateLimits: null });
  });
});
