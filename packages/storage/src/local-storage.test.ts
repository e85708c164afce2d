import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalStorage } from "./local-storage.js";
import { generatedBody, storageContract } from "./storage.contract.js";
import { isStorageError } from "./storage-error.js";

let parent: string;
let count = 0;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), "cairn-storage-"));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});
const freshRoot = () => join(parent, `root-${++count}`);

storageContract("local", () => createLocalStorage({ root: freshRoot() }));

/** Every entry under `dir`, dot-files included, as relative paths. */
async function everything(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => []);
  return entries.map(String).sort();
}

describe("local storage on disk", () => {
  it("keeps a dot-named sidecar beside each file and no temp files", async () => {
    const root = freshRoot();
    const storage = createLocalStorage({ root });
    await storage.put("c/r1/a.txt", new TextEncoder().encode("a"), { contentType: "text/plain" });
    expect(await everything(root)).toEqual(["c", "c/r1", "c/r1/.a.txt.meta.json", "c/r1/a.txt"]);
    await storage.delete("c/r1/a.txt");
    expect(await everything(root)).toEqual(["c", "c/r1"]);
  });

  it("removes its temp file when a write fails or is aborted", async () => {
    const root = freshRoot();
    const storage = createLocalStorage({ root });
    await storage.put("w/keep.txt", new TextEncoder().encode("keep"));
    const before = await everything(root);

    const tooLarge = generatedBody(4 * 1024 * 1024);
    await expect(
      storage.put("w/f.bin", tooLarge.stream, { maxBytes: 1024 * 1024 }),
    ).rejects.toMatchObject({
      code: "TOO_LARGE",
    });
    const controller = new AbortController();
    const aborted = generatedBody(4 * 1024 * 1024, {
      beforeChunk: (sent) => {
        if (sent > 1024 * 1024) controller.abort();
      },
    });
    await expect(
      storage.put("w/keep.txt", aborted.stream, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: "ABORTED" });
    expect(await everything(root)).toEqual(before);
  });

  it("serves files without a sidecar with a size-and-time ETag", async () => {
    const root = freshRoot();
    const storage = createLocalStorage({ root });
    await mkdir(join(root, "legacy"), { recursive: true });
    await writeFile(join(root, "legacy", "old.txt"), "copied in by hand");
    const head = await storage.head("legacy/old.txt");
    expect(head).toMatchObject({ size: 17, contentType: "application/octet-stream" });
    expect(head?.etag).toMatch(/^"11-[0-9a-f]+"$/);
  });

  it("lists in full key order, as AWS does", async () => {
    const storage = createLocalStorage({ root: freshRoot() });
    for (const key of ["c/r1/b.txt", "c/r1-a.txt", "c/r1/a.txt", "c/r10/a.txt", "c/r0.txt"]) {
      await storage.put(key, new TextEncoder().encode(key));
    }
    const keys = [];
    for await (const item of storage.list("c")) keys.push(item.key);
    expect(keys).toEqual(["c/r0.txt", "c/r1-a.txt", "c/r1/a.txt", "c/r1/b.txt", "c/r10/a.txt"]);
  });

  it("hides temp files, sidecars and foreign names from list", async () => {
    const root = freshRoot();
    const storage = createLocalStorage({ root });
    await storage.put("f/a.txt", new TextEncoder().encode("a"));
    await writeFile(join(root, "f", ".tmp-deadbeef"), "half");
    await writeFile(join(root, "f", "with space.txt"), "foreign");
    const keys = [];
    for await (const item of storage.list("")) keys.push(item.key);
    expect(keys).toEqual(["f/a.txt"]);
  });

  it("refuses keys that clash with a folder or a file", async () => {
    const storage = createLocalStorage({ root: freshRoot() });
    await storage.put("a/b/c.txt", new TextEncoder().encode("c"));
    await expect(storage.put("a/b", new TextEncoder().encode("x"))).rejects.toMatchObject({
      code: "INVALID_KEY",
    });
    await expect(storage.put("a/b/c.txt/d", new TextEncoder().encode("x"))).rejects.toMatchObject({
      code: "INVALID_KEY",
    });
    expect(await storage.head("a/b")).toBeUndefined();
    expect(await storage.get("a/b/c.txt/d")).toBeUndefined();
  });

  it("reports an unusable root as UNAVAILABLE", async () => {
    const root = freshRoot();
    await writeFile(root, "a file where the folder should be");
    const storage = createLocalStorage({ root });
    const error = await storage.check().catch((caught: unknown) => caught);
    expect(isStorageError(error, "UNAVAILABLE")).toBe(true);
    await expect(storage.put("x/y.txt", new Uint8Array(1))).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
  });
});
