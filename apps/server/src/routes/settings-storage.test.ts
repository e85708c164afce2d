// /api/settings/storage: who may use it, the secret never shown and kept when the mask comes
// back, validation in the error envelope, and the test endpoint against s3rver and a dead port.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FileStorage, fixedFileStorage, maskedSecret } from "@cairn/core";
import { schema } from "@cairn/db";
import { createLocalStorage } from "@cairn/storage";
import { type S3rverHarness, startS3rver } from "@cairn/storage/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let s3: S3rverHarness;
let root: string;
let admin: Record<string, string>;
let user: Record<string, string>;
const invalidate = vi.fn();
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  apiCall(t.app, method, path, { body, headers });

/** Settings that reach the s3rver (its fixed credentials). */
const s3rverSettings = () => ({
  kind: "s3",
  s3: {
    endpoint: s3.options.endpoint,
    region: s3.options.region,
    bucket: s3.options.bucket,
    accessKeyId: s3.options.accessKeyId,
    secretAccessKey: s3.options.secretAccessKey,
    forcePathStyle: true,
  },
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function storedSecret(): Promise<unknown> {
  const [row] = await t.database.db
    .select()
    .from(schema.settings)
    .where(eq(schema.settings.key, "storage"));
  return (row?.value as { s3?: { secretAccessKey?: unknown } } | undefined)?.s3?.secretAccessKey;
}

beforeAll(async () => {
  s3 = await startS3rver("cairn-settings");
  root = await mkdtemp(join(tmpdir(), "cairn-settings-storage-"));
  // Local disk only, with invalidate() observed: the route must tell the FileStorage to re-read.
  const files: FileStorage = {
    ...fixedFileStorage({ local: createLocalStorage({ root }) }),
    invalidate,
  };
  t = await createTestApp({}, { files });
  const token = await superuserToken(t);
  admin = { Authorization: `Bearer ${token}` };
  user = (await signUpUser(t, { superuser: token })).headers;
});
afterAll(async () => {
  await t?.close();
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("storage settings", () => {
  it("are for superusers only", async () => {
    expect((await call("GET", "/api/settings/storage")).status).toBe(401);
    expect((await call("PATCH", "/api/settings/storage", { kind: "local" })).status).toBe(401);
    expect((await call("POST", "/api/settings/storage/test")).status).toBe(401);
    expect((await call("GET", "/api/settings/storage", undefined, user)).status).toBe(403);
    const patched = await call("PATCH", "/api/settings/storage", s3rverSettings(), user);
    expect(patched.status).toBe(403);
    expect(patched.body.error.code).toBe("FORBIDDEN");
    expect((await call("POST", "/api/settings/storage/test", undefined, user)).status).toBe(403);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it("start on local disk", async () => {
    const read = await t.app.request("/api/settings/storage", { headers: admin });
    expect(read.status).toBe(200);
    expect(read.headers.get("cache-control")).toBe("no-store");
    expect(await read.json()).toEqual({
      kind: "local",
      s3: {
        endpoint: "",
        region: "us-east-1",
        bucket: "",
        accessKeyId: "",
        secretAccessKey: "",
        forcePathStyle: false,
      },
    });
  });

  it("never show the secret, keep it when the mask is sent back, and invalidate the cache", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const saved = await call(
      "PATCH",
      "/api/settings/storage",
      {
        kind: "s3",
        s3: {
          endpoint: "https://account123.r2.cloudflarestorage.com",
          region: "auto",
          bucket: "cairn-files",
          accessKeyId: "AKIAEXAMPLE",
          secretAccessKey: secret,
        },
      },
      admin,
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toEqual({
      kind: "s3",
      s3: {
        endpoint: "https://account123.r2.cloudflarestorage.com",
        region: "auto",
        bucket: "cairn-files",
        accessKeyId: "AKIAEXAMPLE",
        secretAccessKey: maskedSecret,
        forcePathStyle: false,
      },
    });
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(await storedSecret()).toBe(secret);

    const read = await call("GET", "/api/settings/storage", undefined, admin);
    expect(JSON.stringify(read.body)).not.toContain(secret);
    expect(read.body.s3.secretAccessKey).toBe(maskedSecret);
    // The read sent straight back changes nothing; a partial change keeps the rest.
    const back = await call("PATCH", "/api/settings/storage", read.body, admin);
    expect(back.status).toBe(200);
    expect(await storedSecret()).toBe(secret);
    const pathStyle = await call(
      "PATCH",
      "/api/settings/storage",
      { s3: { forcePathStyle: true } },
      admin,
    );
    expect(pathStyle.body.s3).toMatchObject({ bucket: "cairn-files", forcePathStyle: true });
    expect(await storedSecret()).toBe(secret);
    expect(invalidate).toHaveBeenCalledTimes(3);

    // Clearing the secret while S3 is in use is refused; back on local it may go.
    const cleared = await call(
      "PATCH",
      "/api/settings/storage",
      { s3: { secretAccessKey: "" } },
      admin,
    );
    expect(cleared.status).toBe(400);
    expect(cleared.body.error.fields["s3.secretAccessKey"].code).toBe("required");
    const local = await call(
      "PATCH",
      "/api/settings/storage",
      { kind: "local", s3: { secretAccessKey: "" } },
      admin,
    );
    expect(local.status).toBe(200);
    expect(local.body.s3.secretAccessKey).toBe("");
    expect(await storedSecret()).toBe("");
  });

  it("refuse invalid settings with every problem named by its field", async () => {
    const calls = invalidate.mock.calls.length;
    const before = await call("GET", "/api/settings/storage", undefined, admin);
    const bad = await call(
      "PATCH",
      "/api/settings/storage",
      {
        kind: "gcs",
        color: "red",
        s3: { bucket: "Not_A_Bucket", endpoint: "ftp://files.example.com", region: "", tint: 1 },
      },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.requestId).toEqual(expect.any(String));
    expect(bad.body.error.fields).toMatchObject({
      kind: { code: "invalid" },
      color: { code: "unknown_field" },
      "s3.tint": { code: "unknown_field" },
      "s3.bucket": { code: "invalid" },
      "s3.endpoint": { code: "invalid", message: expect.stringMatching(/http/) },
      "s3.region": { code: "invalid" },
    });

    const incomplete = await call(
      "PATCH",
      "/api/settings/storage",
      { kind: "s3", s3: { bucket: "", accessKeyId: "" } },
      admin,
    );
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.fields).toEqual({
      "s3.bucket": { code: "required", message: expect.any(String) },
      "s3.accessKeyId": { code: "required", message: expect.any(String) },
      "s3.secretAccessKey": { code: "required", message: expect.any(String) },
    });

    for (const bucket of ["ab", "a..b", "192.168.0.1", "-bucket", "bucket-", "xn--bucket"]) {
      const refused = await call("PATCH", "/api/settings/storage", { s3: { bucket } }, admin);
      expect(refused.body.error?.fields?.["s3.bucket"], bucket).toBeDefined();
    }
    const notObject = await call("PATCH", "/api/settings/storage", { s3: "s3://bucket" }, admin);
    expect(notObject.body.error.fields.s3.code).toBe("invalid_type");
    const array = await call("PATCH", "/api/settings/storage", [], admin);
    expect(array.status).toBe(400);
    const text = await t.app.request("/api/settings/storage", {
      method: "PATCH",
      headers: { ...admin, "Content-Type": "text/plain" },
      body: "kind=s3",
    });
    expect(text.status).toBe(415);

    expect((await call("GET", "/api/settings/storage", undefined, admin)).body).toEqual(
      before.body,
    );
    expect(invalidate.mock.calls.length).toBe(calls);
  });
});

describe("POST /api/settings/storage/test", () => {
  it("checks candidate S3 settings against the bucket without saving them", async () => {
    const before = await call("GET", "/api/settings/storage", undefined, admin);
    const ok = await call("POST", "/api/settings/storage/test", s3rverSettings(), admin);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ ok: true, kind: "s3" });
    expect((await call("GET", "/api/settings/storage", undefined, admin)).body).toEqual(
      before.body,
    );
  });

  it("checks the stored settings with no body, the masked secret standing for the stored one", async () => {
    expect((await call("PATCH", "/api/settings/storage", s3rverSettings(), admin)).status).toBe(
      200,
    );
    const stored = await call("POST", "/api/settings/storage/test", undefined, admin);
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body).toEqual({ ok: true, kind: "s3" });
    const read = await call("GET", "/api/settings/storage", undefined, admin);
    expect(read.body.s3.secretAccessKey).toBe(maskedSecret);
    // (s3rver takes any secret: that the mask means the stored one is proven by PATCH above.)
    const masked = await call("POST", "/api/settings/storage/test", read.body, admin);
    expect(masked.status, JSON.stringify(masked.body)).toBe(200);
  });

  it("answers 503 with the backend's message when nothing listens, never echoing the secret", async () => {
    const port = await closedPort();
    const secret = "a-secret-that-must-not-leak";
    const down = await call(
      "POST",
      "/api/settings/storage/test",
      {
        kind: "s3",
        s3: { endpoint: `http://127.0.0.1:${port}`, secretAccessKey: secret, forcePathStyle: true },
      },
      admin,
    );
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(down.body.error.message).toMatch(/write check/);
    expect(down.body.error.message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(down.body)).not.toContain(secret);
  });

  it("checks local disk, and refuses invalid candidates like an update", async () => {
    const local = await call("POST", "/api/settings/storage/test", { kind: "local" }, admin);
    expect(local.status).toBe(200);
    expect(local.body).toEqual({ ok: true, kind: "local" });
    const bad = await call(
      "POST",
      "/api/settings/storage/test",
      { kind: "s3", s3: { bucket: "" } },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields["s3.bucket"].code).toBe("required");
  });
});
