// Where file bytes live. Small on purpose: every backend (local disk, S3) implements all of it,
// one contract suite (storage.contract.ts) holds them to the same behaviour.
import type { Readable } from "node:stream";

export interface StoredObject {
  key: string;
  /** Size of the whole object in bytes, also when a range was read. */
  size: number;
  /** Quoted strong validator, ready for an `ETag` header. */
  etag: string;
  /** As given to `put`; `application/octet-stream` when none was. */
  contentType: string;
  lastModified: Date;
}

/** What `list` yields: content types are not listed by S3, so neither adapter promises them. */
export type ListedObject = Pick<StoredObject, "key" | "size" | "lastModified">;

/** Inclusive byte offsets, as in HTTP. `end` past the object is clamped; omitted means to the end.
 * `{ suffix: n }` is the last n bytes (HTTP `bytes=-n`). */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export interface PutOptions {
  /** Stored and returned by `get`/`head`; defaults to `application/octet-stream`. */
  contentType?: string;
  /** The declared length: refused up front when over `maxBytes`, and the body must match it. */
  contentLength?: number;
  /** Stops the write as soon as the body passes it (TOO_LARGE); nothing is left behind. */
  maxBytes?: number;
  /** Aborting stops the write (ABORTED); nothing is left behind. */
  signal?: AbortSignal;
}

export interface GetOptions {
  range?: ByteRange;
  signal?: AbortSignal;
}

export interface GetResult {
  object: StoredObject;
  /** The bytes of `range` (or the whole object); the caller must consume or destroy it. */
  body: Readable;
  /** The inclusive offsets actually served, when a range was asked for (for `Content-Range`). */
  range?: { start: number; end: number };
}

export interface SignalOption {
  signal?: AbortSignal;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Makes the URL download as an attachment with this file name. */
  downloadName?: string;
}

export interface PresignPutOptions {
  expiresInSeconds: number;
  /** Signed: the uploader must send exactly this `Content-Type`… */
  contentType: string;
  /** …and exactly this `Content-Length`, so a URL cannot be reused for a bigger file. */
  contentLength: number;
}

export interface StorageCapabilities {
  /** Whether the backend can hand out URLs that clients use directly (see `canPresign`). */
  readonly presign: boolean;
}

/**
 * Every method validates keys with `assertSafeKey` and fails only with `StorageError`s
 * (`isStorageError`): UNAVAILABLE whenever the backend itself fails. `put` consumes its body and
 * destroys it when the write fails.
 */
export interface StorageAdapter {
  /** Short name for logs and the settings screen, e.g. `"local"` or `"s3"`. */
  readonly kind: string;
  readonly capabilities: StorageCapabilities;
  /** Streams `body` to `key`, replacing any object there; it appears whole or not at all. */
  put(key: string, body: Readable | Uint8Array, options?: PutOptions): Promise<StoredObject>;
  /** Undefined when there is no such object. */
  head(key: string, options?: SignalOption): Promise<StoredObject | undefined>;
  /** Undefined when there is no such object; INVALID_RANGE when the range starts past its end. */
  get(key: string, options?: GetOptions): Promise<GetResult | undefined>;
  /** Removing a missing object is not an error. */
  delete(key: string, options?: SignalOption): Promise<void>;
  /** Removes every object under the folder `prefix` (e.g. a record's files). Refuses `""`. */
  deletePrefix(prefix: string, options?: SignalOption): Promise<void>;
  /** Objects under the folder `prefix` (`""` for all). Local disk and AWS list in key order, but
   * not every S3-compatible server does, so callers must not rely on the order. */
  list(prefix: string, options?: SignalOption): AsyncIterable<ListedObject>;
  /** Proves the backend works (write, read back, delete a probe); throws UNAVAILABLE if not. */
  check(options?: SignalOption): Promise<void>;
  /** Releases connections at shutdown; the adapter must not be used afterwards. */
  close(): Promise<void>;
}

/** An adapter whose clients can talk to the backend directly. */
export interface PresigningStorageAdapter extends StorageAdapter {
  readonly capabilities: { readonly presign: true };
  presignGet(key: string, options: PresignGetOptions): Promise<string>;
  presignPut(key: string, options: PresignPutOptions): Promise<string>;
}

/** The capability check that also narrows the type, so nothing needs a "not supported" stub. */
export function canPresign(adapter: StorageAdapter): adapter is PresigningStorageAdapter {
  return adapter.capabilities.presign;
}

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";
