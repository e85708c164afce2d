import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { createCtx, sweepFiles } from "@cairn/core";
import { schema } from "@cairn/db";
import { eq, sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
let png: Buffer;
let jpeg: Buffer;

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(t.app, method, path, { body, headers });

/** A multipart write: `parts` are text values, or files as [bytes, name, declared type]. */
async function send(
  method: "POST" | "PATCH",
  path: string,
  parts: [string, string | [Uint8Array, string, string?]][],
  headers: Record<string, string> = admin,
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON answers
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [key, value] of parts) {
    if (typeof value === "string") form.append(key, value);
    else form.append(key, new Blob([value[0]], { type: value[2] ?? "" }), value[1]);
  }
  const response = await t.app.request(path, { method, body: form, headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

const download = (path: string, headers: Record<string, string> = {}) =>
  t.app.request(path, { headers });

async function storedKeys(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else found.push(`${prefix}${entry.name}`);
    }
  };
  await walk(t.storageRoot, "");
  return found;
}

const fileRows = () => t.database.db.select().from(schema.files);

/** A Windows executable's first bytes (enough for a sniffer), to be renamed photo.png. */
function exe(): Uint8Array {
  const bytes = new Uint8Array(1024);
  bytes.set([0x4d, 0x5a]);
  bytes[0x3c] = 0x80;
  bytes.set([0x50, 0x45, 0, 0], 0x80);
  return bytes;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  png = await sharp({
    create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 50, b: 50 } },
  })
    .png()
    .toBuffer();
  jpeg = await sharp(png).jpeg().toBuffer();
  const created = await call("POST", "/api/collections", {
    name: "albums",
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
    updateRule: "owner = @request.auth.id",
    deleteRule: "owner = @request.auth.id",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "owner", type: "text" },
      {
        name: "cover",
        type: "file",
        maxSize: 100_000,
        mimeTypes: ["image/*"],
        thumbs: ["100x100", "50x0", "80x80f"],
      },
      { name: "docs", type: "file", multiple: true, maxSelect: 3, maxSize: 100_000 },
      { name: "secret", type: "file", protected: true },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const privateOnes = await call("POST", "/api/collections", {
    name: "diaries",
    listRule: "owner = @request.auth.id",
    viewRule: "owner = @request.auth.id",
    createRule: "",
    fields: [
      { name: "owner", type: "text" },
      { name: "page", type: "file" },
    ],
  });
  expect(privateOnes.status, JSON.stringify(privateOnes.body)).toBe(201);
});
afterAll(() => t.close());

describe("uploading with a record", () => {
  it("stores a file under a server-made name and serves it back", async () => {
    const created = await send("POST", "/api/collections/albums/records", [
      ["title", "Summer"],
      ["cover", [png, "holiday photo.PNG", "image/png"]],
    ]);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const name: string = created.body.cover;
    expect(name).toMatch(/^holiday_photo_[a-z0-9]{10}\.png$/);
    expect(await storedKeys()).toContain(`${created.body.collectionId}/${created.body.id}/${name}`);

    const response = await download(`/api/files/albums/${created.body.id}/${name}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-length")).toBe(String(png.length));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(response.headers.get("content-disposition")).toContain(
      'inline; filename="holiday photo.PNG"',
    );
    expect(response.headers.get("etag")).toMatch(/^"[^"]+"$/);
    expect(response.headers.get("last-modified")).toBeTruthy();
  });

  it("takes the type from the bytes, not from the name or the declared type", async () => {
    const renamed = await send("POST", "/api/collections/albums/records", [
      ["title", "Trojan"],
      ["cover", [exe(), "photo.png", "image/png"]],
    ]);
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.code).toBe("VALIDATION_FAILED");
    expect(renamed.body.error.fields.cover.code).toBe("invalid_mime_type");
    expect(renamed.body.error.fields.cover.message).toContain("application/x-msdownload");

    const jpegAsPng = await send("POST", "/api/collections/albums/records", [
      ["title", "Mislabelled"],
      ["cover", [jpeg, "photo.png", "image/png"]],
    ]);
    expect(jpegAsPng.status).toBe(201);
    const response = await download(
      `/api/files/albums/${jpegAsPng.body.id}/${jpegAsPng.body.cover}`,
    );
    expect(response.headers.get("content-type")).toBe("image/jpeg");
  });

  it("refuses a file over the field's maxSize with 413 and keeps nothing", async () => {
    const before = (await fileRows()).length;
    const keys = (await storedKeys()).length;
    const big = new Uint8Array(150_000);
    big.set(png.subarray(0, 100));
    const refused = await send("POST", "/api/collections/albums/records", [
      ["title", "Too big"],
      ["cover", [big, "big.png"]],
    ]);
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await fileRows()).length).toBe(before);
    expect((await storedKeys()).length).toBe(keys);
    const records = await call("GET", "/api/collections/albums/records?filter=title='Too big'");
    expect(records.body.items).toHaveLength(0);
  });

  it("refuses a declared body larger than any write could need before reading it", async () => {
    const response = await t.app.request("/api/collections/albums/records", {
      method: "POST",
      headers: {
        ...admin,
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": String(50 * 1024 * 1024),
      },
      body: "--x--",
    });
    expect(response.status).toBe(413);
  });

  it("keeps no file when the record write fails", async () => {
    const before = (await fileRows()).length;
    const keys = (await storedKeys()).length;
    const failed = await send("POST", "/api/collections/albums/records", [
      ["cover", [png, "cover.png"]],
      ["docs", [png, "a.png"]],
    ]);
    expect(failed.status).toBe(400);
    expect(failed.body.error.fields.title.code).toBe("required");
    expect((await fileRows()).length).toBe(before);
    expect((await storedKeys()).length).toBe(keys);
  });

  it("makes names safe: no path tricks, odd unicode survives only in the download name", async () => {
    const created = await send("POST", "/api/collections/albums/records", [
      ["title", "Names"],
      ["docs", [png, "../../etc/passwd", "text/plain"]],
      ["docs", [png, "..\\..\\windows\\win.ini"]],
      ["docs", [png, "Grüße \u202Egnp.exe"]],
    ]);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const names: string[] = created.body.docs;
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_-][\w.-]*$/);
      expect(name).not.toContain("..");
    }
    const keys = await storedKeys();
    for (const name of names) {
      expect(keys).toContain(`${created.body.collectionId}/${created.body.id}/${name}`);
    }
    const response = await download(`/api/files/albums/${created.body.id}/${names[2]}`);
    const disposition = response.headers.get("content-disposition") ?? "";
    expect(disposition).toContain("filename*=UTF-8''Gr%C3%BC%C3%9Fe%20gnp.exe");
    expect(disposition).not.toContain("\u202E");
  });

  it("refuses a file field that does not exist and files on non-file fields", async () => {
    const unknown = await send("POST", "/api/collections/albums/records", [
      ["title", "x"],
      ["nope", [png, "a.png"]],
    ]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.nope.code).toBe("not_a_file_field");
    const onText = await send("POST", "/api/collections/albums/records", [
      ["title", [png, "a.png"]],
    ]);
    expect(onText.status).toBe(400);
  });

  it("answers a malformed multipart body with 400", async () => {
    const response = await t.app.request("/api/collections/albums/records", {
      method: "POST",
      headers: { ...admin, "Content-Type": "multipart/form-data" },
      body: "garbage",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("BAD_REQUEST");
  });
});

describe("replacing and removing files", () => {
  it("deletes the old bytes when a file is replaced, removed or its record deleted", async () => {
    const user = await signUpUser(t, { superuser: admin.Authorization!.slice(7) });
    const created = await send(
      "POST",
      "/api/collections/albums/records",
      [
        ["title", "Mine"],
        ["owner", user.id],
        ["cover", [png, "one.png"]],
        ["docs", [png, "a.txt"]],
      ],
      user.headers,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const folder = `${created.body.collectionId}/${created.body.id}/`;
    const first: string = created.body.cover;
    // A thumbnail, so its removal is checked too.
    expect(
      (await download(`/api/files/albums/${created.body.id}/${first}?thumb=100x100`)).status,
    ).toBe(200);

    const replaced = await send(
      "PATCH",
      `/api/collections/albums/records/${created.body.id}`,
      [["cover", [jpeg, "two.jpg"]]],
      user.headers,
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.cover).not.toBe(first);
    await vi.waitFor(async () => {
      const keys = await storedKeys();
      expect(keys).not.toContain(`${folder}${first}`);
      expect(keys.some((key) => key.startsWith(`${folder}thumbs_${first}`))).toBe(false);
      expect(keys).toContain(`${folder}${replaced.body.cover}`);
    });
    expect((await download(`/api/files/albums/${created.body.id}/${first}`)).status).toBe(404);

    const appended = await send(
      "PATCH",
      `/api/collections/albums/records/${created.body.id}`,
      [["docs+", [png, "b.txt"]]],
      user.headers,
    );
    expect(appended.body.docs).toHaveLength(2);
    const [a, b] = appended.body.docs as string[];
    const removed = await call(
      "PATCH",
      `/api/collections/albums/records/${created.body.id}`,
      { "docs-": [a], cover: null },
      user.headers,
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.docs).toEqual([b]);
    await vi.waitFor(async () => {
      const keys = await storedKeys();
      expect(keys).not.toContain(`${folder}${a}`);
      expect(keys).not.toContain(`${folder}${replaced.body.cover}`);
      expect(keys).toContain(`${folder}${b}`);
    });

    const deleted = await call(
      "DELETE",
      `/api/collections/albums/records/${created.body.id}`,
      undefined,
      user.headers,
    );
    expect(deleted.status).toBe(204);
    await vi.waitFor(async () => {
      expect((await storedKeys()).some((key) => key.startsWith(folder))).toBe(false);
      const rows = await t.database.db
        .select()
        .from(schema.files)
        .where(eq(schema.files.recordId, created.body.id));
      expect(rows).toHaveLength(0);
    });
  });

  it("refuses naming a file that was not uploaded for this record by this caller", async () => {
    const created = await send("POST", "/api/collections/albums/records", [
      ["title", "Has one"],
      ["cover", [png, "c.png"]],
    ]);
    const other = await call("POST", "/api/collections/albums/records", {
      title: "Steals",
      cover: created.body.cover,
    });
    expect(other.status).toBe(400);
    expect(other.body.error.fields.cover.code).toBe("unknown_file");
    const invented = await call("PATCH", `/api/collections/albums/records/${created.body.id}`, {
      docs: ["invented_abcdefghij.png"],
    });
    expect(invented.status).toBe(400);
    expect(invented.body.error.fields.docs.code).toBe("unknown_file");
  });

  it("needs the record's id before its files in the body", async () => {
    const late = await send("POST", "/api/collections/albums/records", [
      ["title", "Late id"],
      ["cover", [png, "c.png"]],
      ["id", "late_id_1"],
    ]);
    expect(late.status).toBe(400);
    const early = await send("POST", "/api/collections/albums/records", [
      ["id", "early_id_1"],
      ["title", "Early id"],
      ["cover", [png, "c.png"]],
    ]);
    expect(early.status, JSON.stringify(early.body)).toBe(201);
    expect(early.body.id).toBe("early_id_1");
  });
});

describe("downloads", () => {
  let id: string;
  let name: string;
  beforeAll(async () => {
    const created = await send("POST", "/api/collections/albums/records", [
      ["title", "Download"],
      ["cover", [png, "d.png"]],
      ["docs", [new TextEncoder().encode("<html><script>alert(1)</script></html>"), "page.html"]],
    ]);
    id = created.body.id;
    name = created.body.cover;
  });

  it("answers If-None-Match with 304", async () => {
    const first = await download(`/api/files/albums/${id}/${name}`);
    const etag = first.headers.get("etag")!;
    await first.arrayBuffer();
    const again = await download(`/api/files/albums/${id}/${name}`, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("serves byte ranges and refuses ones past the end with 416", async () => {
    const part = await download(`/api/files/albums/${id}/${name}`, { Range: "bytes=0-9" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-9/${png.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(0, 10))).toBe(true);
    const tail = await download(`/api/files/albums/${id}/${name}`, { Range: "bytes=-4" });
    expect(Buffer.from(await tail.arrayBuffer()).equals(png.subarray(-4))).toBe(true);
    const past = await download(`/api/files/albums/${id}/${name}`, { Range: "bytes=999999-" });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${png.length}`);
    expect((await errorOf(past)).code).toBe("RANGE_NOT_SATISFIABLE");
    const nonsense = await download(`/api/files/albums/${id}/${name}`, { Range: "bytes=5-1" });
    expect(nonsense.status).toBe(200);
    await nonsense.arrayBuffer();
  });

  it("sends risky types as attachments, and anything with ?download=1", async () => {
    const [row] = await t.database.db
      .select()
      .from(schema.files)
      .where(eq(schema.files.originalName, "page.html"));
    const html = await download(`/api/files/albums/${id}/${row!.name}`);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(html.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(html.headers.get("content-security-policy")).toContain("sandbox");
    const forced = await download(`/api/files/albums/${id}/${name}?download=1`);
    expect(forced.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("makes thumbnails of the allowed sizes once, and refuses other sizes", async () => {
    const thumb = await download(`/api/files/albums/${id}/${name}?thumb=100x100`);
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([100, 100, "png"]);
    const keys = await storedKeys();
    const thumbKey = keys.find((key) => key.includes(`thumbs_${name}/100x100`));
    expect(thumbKey).toBeDefined();
    const fit = await download(`/api/files/albums/${id}/${name}?thumb=80x80f`);
    const fitMeta = await sharp(Buffer.from(await fit.arrayBuffer())).metadata();
    expect([fitMeta.width, fitMeta.height]).toEqual([80, 53]);
    const wide = await download(`/api/files/albums/${id}/${name}?thumb=50x0`);
    const wideMeta = await sharp(Buffer.from(await wide.arrayBuffer())).metadata();
    expect([wideMeta.width, wideMeta.height]).toEqual([50, 33]);
    const other = await download(`/api/files/albums/${id}/${name}?thumb=33x33`);
    expect(other.status).toBe(400);
    expect((await errorOf(other)).message).toContain("100x100");
  });

  it("answers 404 for unknown files and records, and for path tricks", async () => {
    for (const path of [
      `/api/files/albums/${id}/nope.png`,
      `/api/files/albums/nope/${name}`,
      `/api/files/nope/${id}/${name}`,
      `/api/files/albums/${id}/..%2F..%2Fetc%2Fpasswd`,
      `/api/files/albums/${id}/%2e%2e`,
    ]) {
      const response = await download(path);
      expect(response.status, path).toBe(404);
      expect((await errorOf(response)).code).toBe("NOT_FOUND");
    }
  });
});

describe("access", () => {
  it("follows the view rule: another user gets 404", async () => {
    const owner = await signUpUser(t, { superuser: admin.Authorization!.slice(7) });
    const stranger = await signUpUser(t, { superuser: admin.Authorization!.slice(7) });
    const created = await send(
      "POST",
      "/api/collections/diaries/records",
      [
        ["owner", owner.id],
        ["page", [png, "page.png"]],
      ],
      owner.headers,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const path = `/api/files/diaries/${created.body.id}/${created.body.page}`;
    expect((await download(path, owner.headers)).status).toBe(200);
    expect((await download(path, stranger.headers)).status).toBe(404);
    expect((await download(path)).status).toBe(404);
    expect((await download(path, { "Cache-Control": "" })).headers.get("cache-control")).toBeNull();
    const ownerView = await download(path, owner.headers);
    expect(ownerView.headers.get("cache-control")).toBe("private, max-age=3600");
  });

  it("needs a file token for a protected file; expired or ended tokens get 403", async () => {
    const user = await signUpUser(t, { superuser: admin.Authorization!.slice(7) });
    const created = await send("POST", "/api/collections/albums/records", [
      ["title", "Protected"],
      ["secret", [png, "secret.png"]],
    ]);
    const path = `/api/files/albums/${created.body.id}/${created.body.secret}`;
    const anonymous = await download(path);
    expect(anonymous.status).toBe(403);
    expect((await errorOf(anonymous)).message).toContain("/api/files/token");

    expect((await call("POST", "/api/files/token", undefined, {})).status).toBe(401);
    const issued = await call("POST", "/api/files/token", undefined, user.headers);
    expect(issued.status).toBe(200);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
    const withToken = await download(`${path}?token=${issued.body.token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get("cache-control")).toBe("private, max-age=3600");
    // Reusable while it lasts (a page shows many files with one token).
    expect((await download(`${path}?token=${issued.body.token}`)).status).toBe(200);
    expect((await download(`${path}?token=nonsense`)).status).toBe(403);

    await t.database.db.execute(
      sql`UPDATE cairn.auth_tokens SET expires_at = now() - interval '1 second' WHERE kind = 'file'`,
    );
    expect((await download(`${path}?token=${issued.body.token}`)).status).toBe(403);

    const fresh = await call("POST", "/api/files/token", undefined, user.headers);
    await call("POST", "/api/collections/users/auth/sign-out", {}, user.headers);
    expect((await download(`${path}?token=${fresh.body.token}`)).status).toBe(403);
  });

  it("refuses uploads from whoever can never write the collection, before storing", async () => {
    const keys = (await storedKeys()).length;
    const anonymous = await send(
      "POST",
      "/api/collections/albums/records",
      [
        ["title", "Anon"],
        ["cover", [png, "a.png"]],
      ],
      {},
    );
    expect(anonymous.status).toBe(403);
    expect((await storedKeys()).length).toBe(keys);
  });
});

describe("the sweep", () => {
  it("removes uploads never attached and files of records deleted by a cascade", async () => {
    const created = await send("POST", "/api/collections/albums/records", [
      ["title", "Swept"],
      ["cover", [png, "s.png"]],
    ]);
    const folder = `${created.body.collectionId}/${created.body.id}/`;
    // A record gone without the record verbs (as a relation cascade removes it).
    await t.database.db.execute(sql`DELETE FROM "albums" WHERE "id" = ${created.body.id}`);
    // An upload that was never attached, past its time.
    await t.database.db
      .update(schema.files)
      .set({ status: "ready", expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.files.originalName, "page.html"));
    const ctx = createCtx({ database: t.database, collections: t.collections, files: t.files });
    const { removed } = await sweepFiles({ ctx });
    expect(removed).toBeGreaterThanOrEqual(2);
    expect((await storedKeys()).some((key) => key.startsWith(folder))).toBe(false);
    const left = await t.database.db
      .select()
      .from(schema.files)
      .where(eq(schema.files.status, "deleting"));
    expect(left).toHaveLength(0);
  });
});
