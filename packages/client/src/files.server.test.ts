// Files through the SDK against a real server process: uploads with create and update (File,
// Blob, named bytes), downloads by URL (thumbnails, download=1), protected files with a token,
// the server's refusals as CairnErrors, and direct uploads to S3 (s3rver on loopback).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { type S3rverHarness, startS3rver } from "../test/s3-server.js";
import { adminFor, appClient, uniqueEmail } from "../test/sdk-fixtures.js";
import type { CairnClient } from "./client.js";
import type { FileUpload, UploadProgress } from "./file-types.js";

type Album = {
  id: string;
  collectionId: string;
  collectionName: "albums";
  title: string;
  cover: string | null;
  docs: string[];
  secret: string | null;
};
type Upload<M extends boolean> = M extends true
  ? string[] | FileUpload | FileUpload[] | null
  : string | FileUpload | null;
type AlbumWrite = {
  title?: string;
  cover?: Upload<false>;
  docs?: Upload<true>;
  secret?: Upload<false>;
};
type Schema = {
  users: {
    record: { id: string; name: string | null };
    create: { name?: string };
    update: { name?: string };
    relations: Record<never, never>;
    backRelations: Record<never, never>;
    type: "auth";
  };
  albums: {
    record: Album;
    create: AlbumWrite & { id?: string; title: string };
    update: AlbumWrite;
    relations: Record<never, never>;
    backRelations: Record<never, never>;
    type: "base";
  };
};

// A 2×2 PNG: enough for the server's sniffer and its thumbnailer.
const png = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
const text = (value: string) => new TextEncoder().encode(value);

let server: TestServer;
let cairn: CairnClient<Schema>;
let adminClient: Awaited<ReturnType<typeof adminFor>>["client"];

beforeAll(async () => {
  server = await startCairn("files.server");
  const { admin, client } = await adminFor(server);
  adminClient = client;
  await admin.collections.create({
    name: "users",
    type: "auth",
    fields: [{ name: "name", type: "text" }],
    createRule: "",
  });
  await admin.collections.create({
    name: "albums",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "cover", type: "file", mimeTypes: ["image/*"], thumbs: ["100x100"] },
      { name: "docs", type: "file", multiple: true, maxSelect: 5 },
      { name: "secret", type: "file", protected: true },
    ],
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
    updateRule: "@request.auth.id != ''",
  });
  cairn = appClient(server) as unknown as CairnClient<Schema>;
  const signedUp = await cairn.auth.signUp({
    email: uniqueEmail(),
    password: "correct horse battery",
    name: "Ann",
  });
  if (signedUp.status !== "signedIn") throw new Error("expected a session");
});

afterAll(async () => {
  await server?.stop();
});

async function bytesOf(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe("uploads with a record", () => {
  it("create with a File and named bytes, then download both by URL", async () => {
    const progress: UploadProgress[] = [];
    const album = await cairn.collection("albums").create(
      {
        title: "Summer",
        cover: new File([png], "holiday photo.png", { type: "image/png" }),
        docs: [{ data: text("hello"), name: "notes.txt", type: "text/plain" }],
      },
      { onUploadProgress: (p) => progress.push(p) },
    );
    expect(album.cover).toMatch(/^holiday_photo_[a-z0-9]{10}\.png$/);
    expect(album.docs).toHaveLength(1);
    expect(album.docs[0]).toMatch(/^notes_[a-z0-9]{10}\.txt$/);
    // Node: one event once the body went.
    expect(progress).toHaveLength(1);
    expect(progress[0]!.loaded).toBeGreaterThan(png.length);

    const cover = await bytesOf(cairn.files.url(album, album.cover));
    expect(cover.response.status).toBe(200);
    expect(cover.response.headers.get("content-type")).toBe("image/png");
    expect(cover.bytes).toEqual(png);
    const [docUrl] = cairn.files.urls(album, "docs");
    const doc = await bytesOf(docUrl!);
    expect(new TextDecoder().decode(doc.bytes)).toBe("hello");

    const thumb = await fetch(cairn.files.url(album, album.cover, { thumb: "100x100" }));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toMatch(/^image\//);
    const saved = await fetch(cairn.files.url(album, album.cover, { download: true }));
    expect(saved.headers.get("content-disposition")).toContain("attachment");
    expect(saved.headers.get("content-disposition")).toContain("holiday photo.png");
  });

  it("update: `docs+` appends (Blob and bytes), `docs-` removes by stored name", async () => {
    const albums = cairn.collection("albums");
    const album = await albums.create({ title: "Docs", docs: new Blob(["one"]) });
    const [first] = album.docs;
    const appended = await albums.update(album.id, {
      "docs+": [new File(["two"], "two.txt"), { data: text("three"), name: "three.txt" }],
    });
    expect(appended.docs).toHaveLength(3);
    expect(appended.docs[0]).toBe(first);

    // One multipart request: the removal and the title in @jsonPayload, the new file after.
    const removed = await albums.update(album.id, {
      "docs-": [first!],
      "docs+": new File(["four"], "four.txt"),
      title: "Docs 2",
    });
    expect(removed.title).toBe("Docs 2");
    expect(removed.docs).toHaveLength(3);
    expect(removed.docs.slice(0, 2)).toEqual(appended.docs.slice(1));
    expect(removed.docs[2]).toMatch(/^four_[a-z0-9]{10}\.txt$/);
    expect((await fetch(cairn.files.url(album, first))).status).toBe(404);
    // A file replaced in a single field: the new one only.
    const covered = await albums.update(album.id, { cover: { data: png, name: "c.png" } });
    const recovered = await albums.update(album.id, { cover: { data: png, name: "d.png" } });
    expect(recovered.cover).not.toBe(covered.cover);
    expect((await fetch(cairn.files.url(album, covered.cover))).status).toBe(404);
  });

  it("the server's refusals arrive as CairnErrors with their fields", async () => {
    const wrongType = await cairn
      .collection("albums")
      .create({ title: "Not an image", cover: { data: text("plain text"), name: "x.png" } })
      .catch((e) => e);
    expect(wrongType).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect(wrongType.fields.cover.code).toBe("invalid_mime_type");

    const unknown = await cairn
      .collection("albums")
      .create({ title: "Steals", docs: ["invented_abcdefghij.png"] })
      .catch((e) => e);
    expect(unknown.fields.docs.code).toBe("unknown_file");
  });
});

describe("protected files", () => {
  it("403 without a token; a token from getToken opens it, and is reused", async () => {
    const album = await cairn
      .collection("albums")
      .create({ title: "Private", secret: { data: png, name: "secret.png" } });
    const bare = await fetch(cairn.files.url(album, album.secret));
    expect(bare.status).toBe(403);

    const token = await cairn.files.getToken();
    expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now());
    expect(await cairn.files.getToken()).toEqual(token);
    const opened = await bytesOf(cairn.files.url(album, album.secret, { token: token.token }));
    expect(opened.response.status).toBe(200);
    expect(opened.bytes).toEqual(png);
    expect((await fetch(cairn.files.url(album, album.secret, { token: "nonsense" }))).status).toBe(
      403,
    );

    const anonymous = appClient(server);
    await expect(anonymous.files.getToken()).rejects.toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
  });
});

describe("direct uploads", () => {
  it("need S3: on local storage the server answers 409", async () => {
    await expect(
      cairn.files.uploadDirect({ collection: "albums", field: "docs", file: new Blob(["x"]) }),
    ).rejects.toMatchObject({ status: 409, code: "CONFLICT" });
  });

  describe("on S3", () => {
    let s3: S3rverHarness;

    beforeAll(async () => {
      s3 = await startS3rver("cairn-sdk-files");
      const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3.options;
      await adminClient.request("/api/settings/storage", {
        method: "PATCH",
        body: {
          kind: "s3",
          s3: { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle: true },
        },
      });
    });

    afterAll(async () => {
      await adminClient?.request("/api/settings/storage", {
        method: "PATCH",
        body: { kind: "local" },
      });
      await s3?.stop();
    });

    it("reserve, PUT to the bucket, confirm, then create the record with the stored name", async () => {
      const progress: UploadProgress[] = [];
      const up = await cairn.files.uploadDirect({
        collection: "albums",
        field: "cover",
        file: new File([png], "big photo.png", { type: "image/png" }),
        onProgress: (p) => progress.push(p),
      });
      expect(up).toMatchObject({ size: png.length, type: "image/png" });
      expect(up.name).toMatch(/^big_photo_[a-z0-9]{10}\.png$/);
      expect(progress).toEqual([{ loaded: png.length, total: png.length }]);

      const album = await cairn
        .collection("albums")
        .create({ id: up.recordId, title: "Direct", cover: up.name });
      expect(album).toMatchObject({ id: up.recordId, cover: up.name });
      const stored = await bytesOf(cairn.files.url(album, album.cover));
      expect(stored.bytes).toEqual(png);

      // Appending to an existing record: its id, then `field+`.
      const more = await cairn.files.uploadDirect({
        collection: "albums",
        field: "docs",
        recordId: album.id,
        file: { data: text("appendix"), name: "appendix.txt", type: "text/plain" },
      });
      expect(more.recordId).toBe(album.id);
      const updated = await cairn.collection("albums").update(album.id, { "docs+": [more.name] });
      expect(updated.docs).toEqual([more.name]);
    });

    it("confirm checks the bytes: text declared as a PNG is refused there", async () => {
      const error = await cairn.files
        .uploadDirect({
          collection: "albums",
          field: "cover",
          file: { data: text("not a picture"), name: "fake.png", type: "image/png" },
        })
        .catch((e) => e);
      expect(error).toMatchObject({ status: 400 });
    });
  });
});
