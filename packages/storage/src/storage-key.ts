// The single gate every key and prefix passes before an adapter touches a path or a bucket.
// Deliberately narrower than S3 allows, so a client-supplied name can never climb out of its folder.
import { storageErrors } from "./storage-error.js";

/** Whole-key limit: well under S3's 1024 bytes, leaving room for an adapter prefix. */
export const MAX_KEY_LENGTH = 512;
/** Per-segment limit: under the usual 255-byte file name limit, leaving room for the local
 * adapter's `.tmp-…` and `.….meta.json` neighbours. */
export const MAX_SEGMENT_LENGTH = 200;

// A leading dot is refused so `.`, `..`, hidden files and the local adapter's own dot-files
// (temp files, metadata sidecars) can never be named by a key.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Throws INVALID_KEY unless `key` is a relative, `/`-separated path of safe segments.
 *
 * @example assertSafeKey("posts/abc123/photo_x7k2.jpg"); // ok
 *          assertSafeKey("../etc/passwd"); // throws StorageError { code: "INVALID_KEY" }
 */
export function assertSafeKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw storageErrors.invalidKey(key, "empty");
  if (key.length > MAX_KEY_LENGTH) {
    throw storageErrors.invalidKey(key.slice(0, 40), `longer than ${MAX_KEY_LENGTH} characters`);
  }
  for (const segment of key.split("/")) {
    if (segment.length === 0) {
      throw storageErrors.invalidKey(key, "no leading, trailing or doubled '/'");
    }
    if (segment.length > MAX_SEGMENT_LENGTH) {
      throw storageErrors.invalidKey(key, `a segment is longer than ${MAX_SEGMENT_LENGTH}`);
    }
    if (!SEGMENT.test(segment)) {
      throw storageErrors.invalidKey(
        key,
        "segments use only letters, digits, '.', '_' and '-', and do not start with '.'",
      );
    }
  }
}

/** For names found in a listing: ones no key could produce are not ours to hand out. */
export function isSafeKey(key: string): boolean {
  try {
    assertSafeKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * A prefix names a folder: `"posts/abc"` covers `posts/abc/…`, never `posts/abcd/…`. One trailing
 * `/` is tolerated; `""` means everything. Returns the prefix without the trailing slash.
 */
export function normalizePrefix(prefix: string): string {
  if (prefix === "") return "";
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  assertSafeKey(trimmed);
  return trimmed;
}
