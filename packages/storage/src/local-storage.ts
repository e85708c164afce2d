// Stores objects as plain files under one root directory (the server passes <dataDir>/storage).
// Every write goes to a dot-named temp file that is fsynced, then renamed: readers see a whole
// file or none. Must never touch a path outside the root, whatever the key says.
import { createHash, randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import {
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { addAbortSignal, Readable } from "node:stream";
import {
  DEFAULT_CONTENT_TYPE,
  type GetOptions,
  type GetResult,
  type ListedObject,
  type PutOptions,
  type SignalOption,
  type StorageAdapter,
  type StoredObject,
} from "./storage-adapter.js";
import { checkPutOptions, meterBody } from "./storage-body.js";
import { isStorageError, type StorageError, storageErrors } from "./storage-error.js";
import { assertSafeKey, isSafeKey, normalizePrefix } from "./storage-key.js";
import { resolveRange } from "./storage-range.js";

export interface LocalStorageOptions {
  /** Directory that holds every object; created on first write. */
  root: string;
}

/** What the sidecar `.<name>.meta.json` beside each file holds. */
interface Sidecar {
  contentType: string;
  etag: string;
  /** Size the sidecar was written for, to notice a file replaced without it. */
  size: number;
}

/**
 * @example const storage = createLocalStorage({ root: join(dataDir, "storage") });
 *          await storage.put("posts/abc/photo.jpg", request.body, { maxBytes: 5_000_000 });
 */
export function createLocalStorage(options: LocalStorageOptions): StorageAdapter {
  return new LocalStorage(resolve(options.root));
}

// Keys can never start a segment with "." (assertSafeKey), so these names never collide with one,
// and `list` skips them: crash leftovers stay invisible until someone sweeps them.
const tempName = () => `.tmp-${randomBytes(8).toString("hex")}`;
const sidecarOf = (file: string) => join(dirname(file), `.${basename(file)}.meta.json`);

class LocalStorage implements StorageAdapter {
  readonly kind = "local";
  readonly capabilities = { presign: false } as const;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async put(
    key: string,
    body: Readable | Uint8Array,
    options: PutOptions = {},
  ): Promise<StoredObject> {
    const file = this.#pathOf(key);
    checkPutOptions(options);
    const metered = meterBody(body, options);
    const dir = dirname(file);
    const temp = join(dir, tempName());
    const sidecarTemp = join(dir, tempName());
    let handle: FileHandle | undefined;
    try {
      await this.#ensureRoot();
      await mkdir(dir, { recursive: true });
      handle = await open(temp, "wx");
      // MD5 only as a cache validator: it is what S3 reports for single-part uploads, so ETags
      // survive a move from local disk to S3 for most files.
      const hash = createHash("md5");
      for await (const chunk of metered.chunks) {
        hash.update(chunk);
        await writeAll(handle, chunk);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      const sidecar: Sidecar = {
        contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
        etag: `"${hash.digest("hex")}"`,
        size: metered.bytes,
      };
      await writeDurably(sidecarTemp, JSON.stringify(sidecar));
      // Data before sidecar: a reader in between pairs new bytes with the old ETag, which only
      // costs a cache miss; the other order could pin old bytes to the new ETag in caches.
      await rename(temp, file);
      await rename(sidecarTemp, sidecarOf(file));
      await syncDirectory(dir);
      const { mtime } = await stat(file);
      return {
        key,
        size: sidecar.size,
        etag: sidecar.etag,
        contentType: sidecar.contentType,
        lastModified: mtime,
      };
    } catch (error) {
      await handle?.close().catch(() => {});
      await Promise.all([rm(temp, { force: true }), rm(sidecarTemp, { force: true })]).catch(
        () => {},
      );
      if (body instanceof Readable) body.destroy();
      throw metered.failure ?? this.#fsError(error, key);
    }
  }

  async head(key: string, options: SignalOption = {}): Promise<StoredObject | undefined> {
    const file = this.#pathOf(key);
    throwIfAborted(options.signal);
    try {
      const stats = await stat(file);
      return stats.isFile() ? await describe(key, file, stats) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.#fsError(error, key);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult | undefined> {
    const file = this.#pathOf(key);
    throwIfAborted(options.signal);
    let handle: FileHandle | undefined;
    try {
      // Open first, then stat the handle: size, range and bytes all come from the same file even
      // if a put renames a new one into place meanwhile.
      handle = await open(file, "r");
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return undefined;
      }
      const object = await describe(key, file, stats);
      const range = options.range ? resolveRange(options.range, stats.size) : undefined;
      const body = handle.createReadStream(range ?? {});
      handle = undefined; // the stream owns and closes it now
      if (options.signal) addAbortSignal(options.signal, body);
      return range ? { object, body, range } : { object, body };
    } catch (error) {
      await handle?.close().catch(() => {});
      if (isMissing(error)) return undefined;
      throw this.#fsError(error, key);
    }
  }

  async delete(key: string, options: SignalOption = {}): Promise<void> {
    const file = this.#pathOf(key);
    throwIfAborted(options.signal);
    try {
      // A folder of the same name is not the object; leave it alone.
      if (!(await lstat(file)).isFile()) return;
      await unlink(file);
      await rm(sidecarOf(file), { force: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw this.#fsError(error, key);
    }
  }

  async deletePrefix(prefix: string, options: SignalOption = {}): Promise<void> {
    const folder = normalizePrefix(prefix);
    if (folder === "") throw storageErrors.invalidKey(prefix, "deletePrefix needs a folder");
    const dir = this.#pathOf(folder);
    throwIfAborted(options.signal);
    try {
      if (!(await lstat(dir)).isDirectory()) return;
      // Rename out of sight first, so readers and `list` never see a half-deleted folder.
      const doomed = join(dirname(dir), tempName());
      await rename(dir, doomed);
      await rm(doomed, { recursive: true, force: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw this.#fsError(error, folder);
    }
  }

  async *list(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    const folder = normalizePrefix(prefix);
    const dir = folder === "" ? this.#root : this.#pathOf(folder);
    yield* this.#walk(dir, folder === "" ? "" : `${folder}/`, options.signal);
  }

  async check(options: SignalOption = {}): Promise<void> {
    throwIfAborted(options.signal);
    const probe = join(this.#root, tempName());
    try {
      await this.#ensureRoot();
      const text = `cairn storage check ${Date.now()}`;
      await writeDurably(probe, text);
      if ((await readFile(probe, "utf8")) !== text) {
        throw new Error("the probe file read back different bytes");
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw storageErrors.unavailable(`local disk check failed: ${message}`, error);
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  async *#walk(dir: string, keyPrefix: string, signal?: AbortSignal): AsyncIterable<ListedObject> {
    throwIfAborted(signal);
    let entries: { name: string; folder: boolean; file: boolean }[];
    try {
      entries = (await readdir(dir, { withFileTypes: true }))
        // Dot-files are ours (temp files, sidecars); other odd names were not written by a key.
        .filter((entry) => isSafeKey(entry.name))
        .map((entry) => ({ name: entry.name, folder: entry.isDirectory(), file: entry.isFile() }));
    } catch (error) {
      if (isMissing(error)) return;
      throw this.#fsError(error, keyPrefix);
    }
    // Sorting folders as "name/" makes a depth-first walk come out in full-key order, like S3.
    const sortKey = (entry: { name: string; folder: boolean }) =>
      entry.folder ? `${entry.name}/` : entry.name;
    entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.folder) {
        yield* this.#walk(path, `${keyPrefix}${entry.name}/`, signal);
      } else if (entry.file) {
        try {
          const stats = await stat(path);
          yield { key: `${keyPrefix}${entry.name}`, size: stats.size, lastModified: stats.mtime };
        } catch (error) {
          if (!isMissing(error)) throw this.#fsError(error, keyPrefix);
        }
      }
    }
  }

  /** A broken root is the backend's failure (UNAVAILABLE), not a clash with the key. */
  async #ensureRoot(): Promise<void> {
    try {
      await mkdir(this.#root, { recursive: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw storageErrors.unavailable(`local disk: ${message}`, error);
    }
  }

  /** Key → absolute path, re-checked after resolution as a second line behind assertSafeKey. */
  #pathOf(key: string): string {
    assertSafeKey(key);
    const path = resolve(this.#root, key);
    const inside = relative(this.#root, path);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      throw storageErrors.invalidKey(key, "resolves outside the storage root");
    }
    return path;
  }

  #fsError(error: unknown, key: string): StorageError {
    if (isStorageError(error)) return error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    // A file where a folder is needed (or the reverse): S3 allows "a" and "a/b" side by side,
    // a file system does not. Callers lay keys out so this never happens.
    if (code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST") {
      return storageErrors.invalidKey(key, "clashes with an existing object or folder");
    }
    const message = error instanceof Error ? error.message : String(error);
    return storageErrors.unavailable(`local disk: ${message}`, error);
  }
}

async function describe(key: string, file: string, stats: Stats): Promise<StoredObject> {
  const sidecar = await readSidecar(file);
  // A sidecar for other bytes (or none: a file copied in by hand) gets an ETag from size and
  // mtime instead, like nginx, rather than a wrong hash.
  const fresh = sidecar !== undefined && sidecar.size === stats.size;
  return {
    key,
    size: stats.size,
    etag: fresh
      ? sidecar.etag
      : `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
    contentType: sidecar?.contentType ?? DEFAULT_CONTENT_TYPE,
    lastModified: stats.mtime,
  };
}

async function readSidecar(file: string): Promise<Sidecar | undefined> {
  try {
    const value = JSON.parse(await readFile(sidecarOf(file), "utf8")) as Partial<Sidecar>;
    if (
      typeof value.contentType === "string" &&
      typeof value.etag === "string" &&
      typeof value.size === "number"
    ) {
      return { contentType: value.contentType, etag: value.etag, size: value.size };
    }
  } catch {
    // Missing or unreadable: the caller falls back to what stat says.
  }
  return undefined;
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename survive a power cut. Not every platform can open a folder; skip it there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; its renames are as durable as they get.
  } finally {
    await handle?.close().catch(() => {});
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw storageErrors.aborted(signal.reason);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
