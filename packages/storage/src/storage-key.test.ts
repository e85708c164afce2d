import { describe, expect, it } from "vitest";
import { UNSAFE_KEYS } from "./storage.contract.js";
import { isStorageError } from "./storage-error.js";
import { assertSafeKey, isSafeKey, normalizePrefix } from "./storage-key.js";
import { resolveRange } from "./storage-range.js";

describe("assertSafeKey", () => {
  it("accepts the keys Cairn lays out", () => {
    for (const key of [
      "posts",
      "pbc_123/r_abc/photo_x7k2a.jpg",
      "c/r/thumbs_photo.jpg/100x100f.webp",
      "a-b_c.d/E.F",
      `${"x".repeat(200)}/y`,
    ]) {
      expect(() => assertSafeKey(key), key).not.toThrow();
    }
  });

  it("refuses anything that could leave its folder or confuse a file system", () => {
    for (const key of [...UNSAFE_KEYS, "..", ".", "a/..", "C:\\x", "a/b\n", "%2e%2e/x", "a:b"]) {
      expect(isSafeKey(key), JSON.stringify(key)).toBe(false);
      const error = (() => {
        try {
          assertSafeKey(key);
        } catch (caught) {
          return caught;
        }
      })();
      expect(isStorageError(error, "INVALID_KEY")).toBe(true);
    }
  });

  it("treats prefixes as folders, with one optional trailing slash", () => {
    expect(normalizePrefix("")).toBe("");
    expect(normalizePrefix("a/b")).toBe("a/b");
    expect(normalizePrefix("a/b/")).toBe("a/b");
    expect(isSafeKey("a/b//")).toBe(false);
    expect(() => normalizePrefix("/")).toThrow();
    expect(() => normalizePrefix("a//")).toThrow();
    expect(() => normalizePrefix("../")).toThrow();
  });
});

describe("resolveRange", () => {
  it("follows HTTP's rules", () => {
    expect(resolveRange({ start: 0, end: 0 }, 10)).toEqual({ start: 0, end: 0 });
    expect(resolveRange({ start: 3 }, 10)).toEqual({ start: 3, end: 9 });
    expect(resolveRange({ start: 3, end: 99 }, 10)).toEqual({ start: 3, end: 9 });
    expect(resolveRange({ suffix: 4 }, 10)).toEqual({ start: 6, end: 9 });
    expect(resolveRange({ suffix: 40 }, 10)).toEqual({ start: 0, end: 9 });
    for (const range of [
      { start: 10 },
      { start: -1 },
      { start: 1.5 },
      { start: 5, end: 4 },
      { suffix: 0 },
    ]) {
      expect(() => resolveRange(range, 10), JSON.stringify(range)).toThrow(/outside the object/);
    }
  });
});
