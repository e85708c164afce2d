// Reads a put body once, counting bytes, so both adapters enforce maxBytes, contentLength and the
// AbortSignal identically and mid-stream. It never buffers: each chunk passes straight through.
import { addAbortSignal, Readable } from "node:stream";
import type { PutOptions } from "./storage-adapter.js";
import { isStorageError, type StorageError, storageErrors } from "./storage-error.js";

export interface MeteredBody {
  chunks: AsyncGenerator<Uint8Array>;
  /** Bytes passed through so far. */
  readonly bytes: number;
  /** Set when the body itself (not the backend) ended the write: too large, aborted, broken. */
  readonly failure: StorageError | undefined;
}

/** The checks that need no bytes: run them before opening anything on the backend. */
export function checkPutOptions(options: PutOptions): void {
  const { contentLength, maxBytes, signal } = options;
  if (signal?.aborted) throw storageErrors.aborted(signal.reason);
  if (maxBytes !== undefined && contentLength !== undefined && contentLength > maxBytes) {
    throw storageErrors.tooLarge(maxBytes);
  }
}

export function meterBody(body: Readable | Uint8Array, options: PutOptions): MeteredBody {
  const { contentLength, maxBytes, signal } = options;
  // A signal must also interrupt a body that is waiting for bytes, not only between chunks.
  if (signal && body instanceof Readable) addAbortSignal(signal, body);
  const source: AsyncIterator<Uint8Array | string> =
    body instanceof Uint8Array
      ? (async function* () {
          yield body;
        })()
      : body[Symbol.asyncIterator]();
  const state = { bytes: 0, failure: undefined as StorageError | undefined };
  const fail = (error: StorageError) => {
    state.failure = error;
    return error;
  };
  const pull = async () => {
    try {
      return await source.next();
    } catch (error) {
      if (isStorageError(error)) throw fail(error);
      // The body broke (client went away, a transform upstream threw): the caller's problem, not
      // the backend's, so never UNAVAILABLE. The original error stays reachable as `cause`.
      throw fail(storageErrors.aborted(signal?.aborted ? signal.reason : error));
    }
  };

  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (let next = await pull(); !next.done; next = await pull()) {
        const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
        state.bytes += chunk.byteLength;
        if (signal?.aborted) throw fail(storageErrors.aborted(signal.reason));
        if (maxBytes !== undefined && state.bytes > maxBytes) {
          throw fail(storageErrors.tooLarge(maxBytes));
        }
        if (contentLength !== undefined && state.bytes > contentLength) {
          throw fail(storageErrors.lengthMismatch(contentLength, state.bytes));
        }
        // Whatever the consumer throws in here (a backend failure, its own teardown) is not the
        // body's fault, so it passes through unrecorded.
        yield chunk;
      }
    } finally {
      // Stopping early destroys the caller's stream, so an HTTP request body stops flowing.
      await Promise.resolve(source.return?.()).catch(() => {});
    }
    if (contentLength !== undefined && state.bytes !== contentLength) {
      throw fail(storageErrors.lengthMismatch(contentLength, state.bytes));
    }
  }

  return {
    chunks: chunks(),
    get bytes() {
      return state.bytes;
    },
    get failure() {
      return state.failure;
    },
  };
}
