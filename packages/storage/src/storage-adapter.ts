// Where file bytes live. Small on purpose: every backend (local disk, S3) implements all of it,
// and one contract suite holds them to the same behaviour.
import type { Readable } from "node:stream";

export interface StoredObject {
  key: string;
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
  lastModified: Date | undefined;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive; to the end when omitted. */
  end?: number;
}

export interface PutOptions {
  contentType?: string;
  signal?: AbortSignal;
}

export interface GetOptions {
  range?: ByteRange;
  signal?: AbortSignal;
}

export interface StorageAdapter {
  /** Streams `body` to `key`; the object appears whole or not at all. */
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredObject>;
  /** Undefined when there is no such object. */
  head(key: string, options?: { signal?: AbortSignal }): Promise<StoredObject | undefined>;
  /** Undefined when there is no such object. */
  get(
    key: string,
    options?: GetOptions,
  ): Promise<{ object: StoredObject; body: Readable } | undefined>;
  /** Removing a missing object is not an error. */
  delete(key: string, options?: { signal?: AbortSignal }): Promise<void>;
  list(prefix: string, options?: { signal?: AbortSignal }): AsyncIterable<StoredObject>;
}
