import { connect, createServer, type Server, type Socket } from "node:net";
import { fixedFileStorage } from "@cairn/core";
import { schema } from "@cairn/db";
import { createLocalStorage, createS3Storage, type StorageAdapter } from "@cairn/storage";
import { type S3rverHarness, startS3rver } from "@cairn/storage/testing";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let s3: S3rverHarness;
let bucket: StorageAdapter;
let t: TestApp;
let png: Buffer;
/** Each app's superuser. */
const admins = new Map<TestApp, Record<string, string>>();

const call = (app: TestApp, method: string, path: string, body?: unknown) =>
  apiCall(app.app, method, path, { body, headers: admins.get(app) });

async function upload(
  app: TestApp,
  parts: [string, string | [Uint8Array, string]][],
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON answers
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [key, value] of parts) {
    if (typeof value === "string") form.append(key, value);
    else form.append(key, new Blob([value[0]]), value[1]);
  }
  const response = await app.app.request("/api/collections/docs/records", {
    method: "POST",
    body: form,
    headers: admins.get(app),
  });
  return { status: response.status, body: await response.json() };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A TCP relay to s3rver that drops every connection once `cutAfter` bytes went upstream. */
async function startCuttingRelay(targetPort: number, cutAfter: number) {
  const sockets = new Set<Socket>();
  let sent = 0;
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
    }
    client.on("data", (chunk: Buffer) => {
      sent += chunk.length;
      if (sent > cutAfter) {
        server.close();
        for (const socket of sockets) socket.destroy();
      } else upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  return { port: await listen(server), close: () => server.close() };
}

async function appOn(adapter: StorageAdapter): Promise<TestApp> {
  const app = await createTestApp(
    {},
    {
      files: fixedFileStorage(
        { local: createLocalStorage({ root: "/tmp/unused" }), s3: adapter },
        "s3",
      ),
    },
  );
  admins.set(app, { Authorization: `Bearer ${await superuserToken(app)}` });
  const created = await call(app, "POST", "/api/collections", {
    name: "docs",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "file", type: "file", maxSize: 50_000_000, thumbs: ["40x40"] },
      { name: "image", type: "file", mimeTypes: ["image/png"] },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return app;
}

beforeAll(async () => {
  s3 = await startS3rver();
  bucket = createS3Storage(s3.options);
  t = await appOn(bucket);
  png = await sharp({
    create: { width: 120, height: 80, channels: 3, background: { r: 0, g: 90, b: 200 } },
  })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await t.close();
  await s3.stop();
});

describe("files on S3", () => {
  it("streams uploads to the bucket and serves them, thumbnails included", async () => {
    const created = await upload(t, [
      ["title", "On S3"],
      ["file", [png, "blue.png"]],
    ]);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = `${created.body.collectionId}/${created.body.id}/${created.body.file}`;
    expect((await bucket.head(key))?.size).toBe(png.length);
    const response = await t.app.request(`/api/files/docs/${created.body.id}/${created.body.file}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    const thumb = await t.app.request(
      `/api/files/docs/${created.body.id}/${created.body.file}?thumb=40x40`,
    );
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([40, 40]);
  });

  it("answers 503 and writes nothing when S3 goes down in the middle of an upload", async () => {
    const relay = await startCuttingRelay(s3.port, 3 * 1024 * 1024);
    const cut = await appOn(
      createS3Storage({ ...s3.options, endpoint: `http://127.0.0.1:${relay.port}` }),
    );
    try {
      const big = new Uint8Array(12 * 1024 * 1024).fill(7);
      const failed = await upload(cut, [
        ["title", "Cut"],
        ["file", [big, "big.bin"]],
      ]);
      expect(failed.status).toBe(503);
      expect(failed.body.error.code).toBe("SERVICE_UNAVAILABLE");
      expect(await cut.database.db.select().from(schema.files)).toHaveLength(0);
      const records = await call(cut, "GET", "/api/collections/docs/records");
      expect(records.body.items).toHaveLength(0);
      const keys: string[] = [];
      for await (const object of bucket.list("")) keys.push(object.key);
      expect(keys.filter((key) => key.endsWith("big.bin") || key.includes("/big_"))).toEqual([]);
    } finally {
      relay.close();
      await cut.close();
    }
  });
});

describe("direct uploads", () => {
  const grant = (body: Record<string, unknown>) => call(t, "POST", "/api/files/uploads", body);

  it("uploads to the bucket with a presigned PUT, confirms, then attaches to a new record", async () => {
    const granted = await grant({
      collection: "docs",
      field: "image",
      name: "direct.png",
      size: png.length,
      type: "image/png",
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body.method).toBe("PUT");
    expect(granted.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const put = await fetch(granted.body.url, {
      method: "PUT",
      headers: granted.body.headers,
      body: png,
    });
    expect(put.status).toBe(200);
    const confirmed = await call(t, "POST", `/api/files/uploads/${granted.body.id}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({
      name: granted.body.name,
      size: png.length,
      type: "image/png",
    });

    const created = await call(t, "POST", "/api/collections/docs/records", {
      id: granted.body.recordId,
      title: "Direct",
      image: granted.body.name,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const response = await t.app.request(
      `/api/files/docs/${created.body.id}/${created.body.image}`,
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
  });

  it("refuses an unconfirmed upload, a wrong size and a wrong type at confirmation", async () => {
    const unconfirmed = await grant({
      collection: "docs",
      field: "image",
      name: "u.png",
      size: png.length,
      type: "image/png",
    });
    await fetch(unconfirmed.body.url, {
      method: "PUT",
      headers: unconfirmed.body.headers,
      body: png,
    });
    const attach = await call(t, "POST", "/api/collections/docs/records", {
      id: unconfirmed.body.recordId,
      image: unconfirmed.body.name,
    });
    expect(attach.status).toBe(400);
    expect(attach.body.error.fields.image.code).toBe("unknown_file");

    const nothing = await grant({
      collection: "docs",
      field: "image",
      name: "n.png",
      size: 10,
      type: "image/png",
    });
    expect((await call(t, "POST", `/api/files/uploads/${nothing.body.id}/confirm`)).status).toBe(
      400,
    );

    // Bytes that are not what was granted (written past the URL's checks, straight to the bucket).
    const [wrongSize, wrongType] = await Promise.all([
      grant({
        collection: "docs",
        field: "image",
        name: "s.png",
        size: png.length + 1,
        type: "image/png",
      }),
      grant({ collection: "docs", field: "image", name: "t.png", size: 1024, type: "image/png" }),
    ]);
    const keyOf = async (id: string) =>
      (await t.database.db.select().from(schema.files).where(eq(schema.files.id, id)))[0]!.key;
    await bucket.put(await keyOf(wrongSize.body.id), png);
    const exe = new Uint8Array(1024);
    exe.set([0x4d, 0x5a]);
    await bucket.put(await keyOf(wrongType.body.id), exe);
    for (const granted of [wrongSize, wrongType]) {
      const key = await keyOf(granted.body.id);
      const refused = await call(t, "POST", `/api/files/uploads/${granted.body.id}/confirm`);
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields.image.code).toBe("invalid_upload");
      expect(await bucket.head(key)).toBeUndefined();
    }
  });

  it("checks the grant: field, size, type, and the rules", async () => {
    const tooBig = await grant({
      collection: "docs",
      field: "image",
      name: "x.png",
      size: 10_000_000,
      type: "image/png",
    });
    expect(tooBig.status).toBe(413);
    const wrongType = await grant({
      collection: "docs",
      field: "image",
      name: "x.exe",
      size: 10,
      type: "application/x-msdownload",
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.fields.type.code).toBe("invalid_mime_type");
    const notFile = await grant({
      collection: "docs",
      field: "title",
      name: "x",
      size: 1,
      type: "text/plain",
    });
    expect(notFile.status).toBe(400);
    const anonymous = await apiCall(t.app, "POST", "/api/files/uploads", {
      body: { collection: "docs", field: "file", name: "x.txt", size: 1, type: "text/plain" },
    });
    expect(anonymous.status).toBe(403);
  });

  it("is refused with 409 when files are on local disk", async () => {
    const local = await createTestApp();
    try {
      admins.set(local, { Authorization: `Bearer ${await superuserToken(local)}` });
      await call(local, "POST", "/api/collections", {
        name: "docs",
        fields: [{ name: "file", type: "file" }],
      });
      const refused = await call(local, "POST", "/api/files/uploads", {
        collection: "docs",
        field: "file",
        name: "a.txt",
        size: 3,
        type: "text/plain",
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain("S3");
    } finally {
      await local.close();
    }
  });
});
