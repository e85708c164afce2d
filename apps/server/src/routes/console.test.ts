import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ErrorEnvelope } from "@cairn/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let consoleDir: string;
let t: TestApp;
const indexHtml =
  '<!doctype html><div id="root"></div><script src="/_/assets/app-1a2b.js"></script>';

beforeAll(async () => {
  consoleDir = await mkdtemp(join(tmpdir(), "cairn-console-"));
  await mkdir(join(consoleDir, "assets"));
  await writeFile(join(consoleDir, "index.html"), indexHtml);
  await writeFile(join(consoleDir, "assets", "app-1a2b.js"), "console.log('app')");
  await writeFile(join(consoleDir, "favicon.svg"), "<svg/>");
  // A file beside the console directory that no URL may reach.
  await writeFile(join(consoleDir, "..", "cairn-secret.txt"), "secret");
  t = await createTestApp({ CAIRN_CONSOLE_DIR: consoleDir });
});
afterAll(async () => {
  await t.close();
  await rm(consoleDir, { recursive: true, force: true });
  await rm(join(consoleDir, "..", "cairn-secret.txt"), { force: true });
});

describe("the console at /_/", () => {
  it("redirects / and /_ to /_/", async () => {
    for (const path of ["/", "/_"]) {
      const response = await t.app.request(path);
      expect(response.status, path).toBeGreaterThanOrEqual(301);
      expect(response.headers.get("location"), path).toBe("/_/");
    }
  });

  it("serves index.html, never cached", async () => {
    const response = await t.app.request("/_/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(await response.text()).toBe(indexHtml);
  });

  it("serves hashed assets cached for good", async () => {
    const response = await t.app.request("/_/assets/app-1a2b.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).toBe("console.log('app')");
  });

  it("answers the console's own routes with index.html", async () => {
    for (const path of ["/_/collections", "/_/collections/posts/records"]) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe(indexHtml);
    }
  });

  it("answers a missing file with 404 in the envelope", async () => {
    const response = await t.app.request("/_/assets/missing.js");
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorEnvelope).error.code).toBe("NOT_FOUND");
  });

  it("never serves files outside its directory", async () => {
    for (const path of [
      "/_/../cairn-secret.txt",
      "/_/%2e%2e/cairn-secret.txt",
      "/_/..%2fcairn-secret.txt",
      "/_/%2e%2e%2fcairn-secret.txt",
      "/_/assets/..%5c..%5ccairn-secret.txt",
    ]) {
      const response = await t.app.request(`http://localhost${path}`);
      expect(await response.text(), path).not.toContain("secret\n");
      expect(response.status, path).not.toBe(500);
    }
  });

  it("says how to build the console when it is missing", async () => {
    const other = await createTestApp({ CAIRN_CONSOLE_DIR: join(consoleDir, "absent") });
    try {
      const response = await other.app.request("/_/");
      expect(response.status).toBe(503);
      expect(((await response.json()) as ErrorEnvelope).error.message).toMatch(/pnpm build/);
    } finally {
      await other.close();
    }
  });
});
