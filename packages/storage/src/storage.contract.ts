// The one behaviour every StorageAdapter must show, run by each adapter's test file. A backend
// is done when it passes all of this; adapter-specific tests only add what cannot be shared.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ByteRange, canPresign, type StorageAdapter } from "./storage-adapter.js";
import { isStorageError, type StorageErrorCode } from "./storage-error.js";

const MiB = 1024 * 1024;
const text = (value: string) => new TextEncoder().encode(value);

/** Deterministic bytes, so a test can hash what it sent without keeping it. */
function pattern(offset: number, length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) chunk[i] = ((offset + i) * 2654435761) >>> 24;
  return chunk;
}

interface GeneratedBody {
  stream: Readable;
  /** Bytes the consumer has pulled so far. */
  readonly sent: number;
}

/** A generated body of `size` bytes in 64 KiB chunks; hooks run before each chunk is handed out. */
export function generatedBody(
  size: number,
  hooks: { beforeChunk?: (sent: number) => void | Promise<void> } = {},
): GeneratedBody {
  const state = { sent: 0 };
  async function* chunks() {
    while (state.sent < size) {
      await hooks.beforeChunk?.(state.sent);
      const length = Math.min(64 * 1024, size - state.sent);
      const chunk = pattern(state.sent, length);
      state.sent += length;
      yield chunk;
    }
  }
  return {
    stream: Readable.from(chunks(), { objectMode: false }),
    get sent() {
      return state.sent;
    },
  };
}

function patternHash(size: number): string {
  const hash = createHash("sha256");
  for (let offset = 0; offset < size; offset += MiB) {
    hash.update(pattern(offset, Math.min(MiB, size - offset)));
  }
  return hash.digest("hex");
}

async function hashOf(body: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

async function textOf(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function keysOf(adapter: StorageAdapter, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of adapter.list(prefix)) keys.push(item.key);
  // Order is not part of the contract (s3rver, for one, does not list in key order).
  return keys.sort();
}

async function expectCode(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isStorageError(error), `expected a StorageError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

export const UNSAFE_KEYS = [
  "",
  "../x",
  "a/../../x",
  "/abs",
  "a//b",
  "a/",
  "a\\b",
  "a\0b",
  ".hidden",
  "a/./b",
  "a b",
  "naïve.txt",
  "x".repeat(600),
  `${"y".repeat(201)}/z`,
];

/**
 * Runs the shared suite. `makeAdapter` is called before every test and must return an adapter
 * over an empty, private namespace (a fresh folder, a fresh bucket prefix).
 */
export function storageContract(
  name: string,
  makeAdapter: () => StorageAdapter | Promise<StorageAdapter>,
): void {
  describe(`${name}: StorageAdapter contract`, () => {
    let storage: StorageAdapter;
    beforeEach(async () => {
      storage = await makeAdapter();
    });
    afterEach(async () => {
      await storage.close();
    });

    it("stores bytes and reports them the same way from put, head and get", async () => {
      const put = await storage.put("posts/r1/hello.txt", text("hello, world"), {
        contentType: "text/plain",
      });
      expect(put).toMatchObject({ key: "posts/r1/hello.txt", size: 12, contentType: "text/plain" });
      expect(put.etag).toMatch(/^"[^"]+"$/);
      expect(put.lastModified).toBeInstanceOf(Date);

      const head = await storage.head("posts/r1/hello.txt");
      expect(head).toMatchObject({
        key: put.key,
        size: 12,
        etag: put.etag,
        contentType: "text/plain",
      });
      expect(head?.lastModified).toBeInstanceOf(Date);

      const got = await storage.get("posts/r1/hello.txt");
      expect(got?.object).toEqual(head);
      expect(got?.range).toBeUndefined();
      expect(await textOf(got!.body)).toBe("hello, world");
    });

    it("accepts a stream body, defaults the content type and handles empty objects", async () => {
      await storage.put("a/stream.bin", Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
      const head = await storage.head("a/stream.bin");
      expect(head).toMatchObject({ size: 4, contentType: "application/octet-stream" });

      const empty = await storage.put("a/empty.bin", new Uint8Array());
      expect(empty.size).toBe(0);
      const got = await storage.get("a/empty.bin");
      expect(got?.object.size).toBe(0);
      expect(await textOf(got!.body)).toBe("");
    });

    it("replaces an object on overwrite, with a new ETag", async () => {
      const first = await storage.put("a/f.txt", text("one"));
      const second = await storage.put("a/f.txt", text("two!"), { contentType: "text/plain" });
      expect(second.etag).not.toBe(first.etag);
      const got = await storage.get("a/f.txt");
      expect(got?.object).toMatchObject({ size: 4, etag: second.etag, contentType: "text/plain" });
      expect(await textOf(got!.body)).toBe("two!");
    });

    it("answers undefined for missing objects and deletes idempotently", async () => {
      expect(await storage.head("nope/x.txt")).toBeUndefined();
      expect(await storage.get("nope/x.txt")).toBeUndefined();
      expect(await storage.get("nope/x.txt", { range: { start: 0, end: 1 } })).toBeUndefined();
      await storage.delete("nope/x.txt");

      await storage.put("a/x.txt", text("x"));
      await storage.delete("a/x.txt");
      expect(await storage.head("a/x.txt")).toBeUndefined();
      await storage.delete("a/x.txt");
      expect(await keysOf(storage, "")).toEqual([]);
    });

    it("lists a folder's objects, never a sibling with a longer name", async () => {
      for (const key of ["c/r1/b.txt", "c/r1/a.txt", "c/r1/thumbs/a_100x100.jpg", "c/r10/a.txt"]) {
        await storage.put(key, text(key));
      }
      await storage.put("c/r1-a.txt", text("not in c/r1"));

      expect(await keysOf(storage, "c/r1")).toEqual([
        "c/r1/a.txt",
        "c/r1/b.txt",
        "c/r1/thumbs/a_100x100.jpg",
      ]);
      expect(await keysOf(storage, "c/r1/")).toHaveLength(3);
      expect(await keysOf(storage, "")).toEqual([
        "c/r1-a.txt",
        "c/r1/a.txt",
        "c/r1/b.txt",
        "c/r1/thumbs/a_100x100.jpg",
        "c/r10/a.txt",
      ]);
      expect(await keysOf(storage, "c/none")).toEqual([]);

      const listed = [];
      for await (const item of storage.list("c/r10")) listed.push(item);
      expect(listed).toEqual([{ key: "c/r10/a.txt", size: 11, lastModified: expect.any(Date) }]);
    });

    it("deletes a whole folder, and only that folder", async () => {
      await storage.put("c/r1/a.txt", text("a"));
      await storage.put("c/r1/thumbs/a.jpg", text("t"));
      await storage.put("c/r10/a.txt", text("b"));
      await storage.put("c/r1-x.txt", text("c"));

      await storage.deletePrefix("c/r1");
      expect(await keysOf(storage, "")).toEqual(["c/r1-x.txt", "c/r10/a.txt"]);
      await storage.deletePrefix("c/r1");
      await storage.deletePrefix("c/never");
      await expectCode(storage.deletePrefix(""), "INVALID_KEY");
    });

    describe("byte ranges", () => {
      const body = pattern(0, 1000);
      const expectRange = async (range: ByteRange, start: number, end: number) => {
        const got = await storage.get("r/data.bin", { range });
        expect(got?.object.size).toBe(1000);
        expect(got?.range).toEqual({ start, end });
        const chunks: Buffer[] = [];
        for await (const chunk of got!.body) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).equals(body.subarray(start, end + 1))).toBe(true);
      };

      beforeEach(async () => {
        await storage.put("r/data.bin", body);
      });

      it("serves the first bytes", () => expectRange({ start: 0, end: 9 }, 0, 9));
      it("serves the middle", () => expectRange({ start: 100, end: 199 }, 100, 199));
      it("serves an open-ended range to the end", () => expectRange({ start: 990 }, 990, 999));
      it("clamps an end past the object", () => expectRange({ start: 995, end: 5000 }, 995, 999));
      it("serves a suffix", () => expectRange({ suffix: 10 }, 990, 999));
      it("serves everything for a suffix longer than the object", () =>
        expectRange({ suffix: 5000 }, 0, 999));
      it("refuses a range starting past the end", async () => {
        await expectCode(storage.get("r/data.bin", { range: { start: 1000 } }), "INVALID_RANGE");
        await expectCode(
          storage.get("r/data.bin", { range: { start: 5, end: 4 } }),
          "INVALID_RANGE",
        );
      });
      it("refuses any range on an empty object", async () => {
        await storage.put("r/empty.bin", new Uint8Array());
        await expectCode(storage.get("r/empty.bin", { range: { start: 0 } }), "INVALID_RANGE");
        await expectCode(storage.get("r/empty.bin", { range: { suffix: 1 } }), "INVALID_RANGE");
      });
    });

    it("streams a 20 MB upload and reads it back intact", async () => {
      const size = 20 * MiB;
      const body = generatedBody(size);
      const put = await storage.put("big/file.bin", body.stream, {
        contentType: "application/x-test",
        maxBytes: 25 * MiB,
      });
      expect(put.size).toBe(size);
      const head = await storage.head("big/file.bin");
      expect(head).toMatchObject({ size, etag: put.etag });
      const got = await storage.get("big/file.bin");
      expect(await hashOf(got!.body)).toEqual({ sha256: patternHash(size), size });
    });

    describe("writes that fail leave nothing behind", () => {
      it("stops at maxBytes as soon as the body passes it, keeping the old version", async () => {
        await storage.put("w/f.bin", text("old"));
        const body = generatedBody(12 * MiB);
        await expectCode(storage.put("w/f.bin", body.stream, { maxBytes: 6 * MiB }), "TOO_LARGE");
        expect(body.sent).toBeLessThan(12 * MiB);
        const got = await storage.get("w/f.bin");
        expect(await textOf(got!.body)).toBe("old");

        await expectCode(storage.put("w/g.bin", pattern(0, 2048), { maxBytes: 1024 }), "TOO_LARGE");
        expect(await keysOf(storage, "")).toEqual(["w/f.bin"]);
      });

      it("refuses a declared contentLength over maxBytes before reading anything", async () => {
        const body = generatedBody(1024);
        await expectCode(
          storage.put("w/f.bin", body.stream, { contentLength: 2048, maxBytes: 1024 }),
          "TOO_LARGE",
        );
        expect(body.sent).toBe(0);
        expect(await keysOf(storage, "")).toEqual([]);
      });

      it("refuses a body that does not match its contentLength", async () => {
        await expectCode(
          storage.put("w/f.bin", text("abc"), { contentLength: 4 }),
          "LENGTH_MISMATCH",
        );
        await expectCode(
          storage.put("w/f.bin", text("abcde"), { contentLength: 4 }),
          "LENGTH_MISMATCH",
        );
        expect(await keysOf(storage, "")).toEqual([]);
        await storage.put("w/f.bin", text("abcd"), { contentLength: 4 });
        expect((await storage.head("w/f.bin"))?.size).toBe(4);
      });

      it("stops when the signal aborts mid-stream (after a multipart upload began)", async () => {
        const controller = new AbortController();
        const body = generatedBody(16 * MiB, {
          beforeChunk: (sent) => {
            if (sent >= 7 * MiB) controller.abort();
          },
        });
        await expectCode(
          storage.put("w/f.bin", body.stream, { signal: controller.signal }),
          "ABORTED",
        );
        expect(body.sent).toBeLessThan(16 * MiB);
        expect(await storage.head("w/f.bin")).toBeUndefined();
        expect(await keysOf(storage, "")).toEqual([]);
      });

      it("stops when the signal aborts while the body is waiting for bytes", async () => {
        const controller = new AbortController();
        const body = generatedBody(2 * MiB, {
          beforeChunk: async (sent) => {
            if (sent >= 64 * 1024) await sleep(60_000, undefined, { signal: controller.signal });
          },
        });
        setTimeout(() => controller.abort(), 50);
        await expectCode(
          storage.put("w/f.bin", body.stream, { signal: controller.signal }),
          "ABORTED",
        );
        expect(await keysOf(storage, "")).toEqual([]);

        await expectCode(
          storage.put("w/g.bin", text("x"), { signal: AbortSignal.abort() }),
          "ABORTED",
        );
        expect(await keysOf(storage, "")).toEqual([]);
      });

      it("gives up when the body itself fails mid-stream", async () => {
        const failure = new Error("client went away");
        const body = generatedBody(8 * MiB, {
          beforeChunk: (sent) => {
            if (sent >= 6 * MiB) throw failure;
          },
        });
        const error = await storage.put("w/f.bin", body.stream).catch((caught: unknown) => caught);
        expect(isStorageError(error, "ABORTED")).toBe(true);
        expect((error as Error).cause).toBe(failure);
        expect(await keysOf(storage, "")).toEqual([]);
      });
    });

    it("refuses unsafe keys and prefixes on every method", async () => {
      await storage.put("safe/file.txt", text("x"));
      for (const key of UNSAFE_KEYS) {
        await expectCode(storage.put(key, text("x")), "INVALID_KEY");
        await expectCode(storage.head(key), "INVALID_KEY");
        await expectCode(storage.get(key), "INVALID_KEY");
        await expectCode(storage.delete(key), "INVALID_KEY");
        if (key !== "" && key !== "a/") {
          await expectCode(storage.deletePrefix(key), "INVALID_KEY");
          await expectCode(keysOf(storage, key), "INVALID_KEY");
        }
        if (canPresign(storage)) {
          await expectCode(storage.presignGet(key, { expiresInSeconds: 60 }), "INVALID_KEY");
        }
      }
      expect(await keysOf(storage, "")).toEqual(["safe/file.txt"]);
    });

    it("declares presigning exactly when it has the methods", () => {
      const methods = "presignGet" in storage && "presignPut" in storage;
      expect(methods).toBe(storage.capabilities.presign);
    });

    it("presigns a GET that downloads, with the asked-for file name", async (context) => {
      if (!canPresign(storage)) return context.skip();
      await storage.put("p/photo.jpg", text("jpeg bytes"), { contentType: "image/jpeg" });
      const url = await storage.presignGet("p/photo.jpg", {
        expiresInSeconds: 60,
        downloadName: "Ferien Foto ü.jpg",
      });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("jpeg bytes");
      expect(response.headers.get("content-disposition")).toBe(
        `attachment; filename="Ferien Foto _.jpg"; filename*=UTF-8''Ferien%20Foto%20%C3%BC.jpg`,
      );
    });

    it("presigns a PUT a client can upload to directly", async (context) => {
      if (!canPresign(storage)) return context.skip();
      const url = await storage.presignPut("p/direct.txt", {
        expiresInSeconds: 60,
        contentType: "text/plain",
        contentLength: 6,
      });
      const response = await fetch(url, {
        method: "PUT",
        headers: { "content-type": "text/plain" },
        body: text("direct"),
      });
      expect(response.status).toBe(200);
      expect(await storage.head("p/direct.txt")).toMatchObject({
        size: 6,
        contentType: "text/plain",
      });
    });

    it("passes its own health check", async () => {
      await storage.check();
      expect(await keysOf(storage, "")).toEqual([]);
    });
  });
}
