// The one error a storage adapter throws. Codes, not classes, carry the meaning: the server maps
// them to HTTP statuses, and recognises them by a brand because pnpm can load two copies of us.

const brand = Symbol.for("cairn.storage-error");

/** Each code with the HTTP status the server should answer with. */
export const storageErrorStatus = {
  /** The key (or prefix) is not a safe relative path; see `assertSafeKey`. */
  INVALID_KEY: 400,
  /** The body ended before, or ran past, the declared `contentLength`. */
  LENGTH_MISMATCH: 400,
  /** The write passed `maxBytes` (or declared more); nothing was stored. */
  TOO_LARGE: 413,
  /** The requested byte range starts past the end of the object. */
  INVALID_RANGE: 416,
  /** The caller's AbortSignal fired; nothing was stored. */
  ABORTED: 499,
  /** The backend is down, unreachable, slow past its timeout, full, or refuses our credentials. */
  UNAVAILABLE: 503,
} as const;

export type StorageErrorCode = keyof typeof storageErrorStatus;

export class StorageError extends Error {
  readonly [brand] = true;
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "StorageError";
    this.code = code;
  }

  get status(): number {
    return storageErrorStatus[this.code];
  }
}

/** True for a StorageError from any copy of this package; narrows to one code when given. */
export function isStorageError(value: unknown, code?: StorageErrorCode): value is StorageError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true &&
    (code === undefined || (value as StorageError).code === code)
  );
}

/** One factory per code, so adapters word the same failure the same way. */
export const storageErrors = {
  invalidKey: (key: string, reason: string) =>
    new StorageError("INVALID_KEY", `Invalid storage key ${JSON.stringify(key)}: ${reason}.`),
  lengthMismatch: (declared: number, received: number) =>
    new StorageError(
      "LENGTH_MISMATCH",
      `The body was declared as ${declared} bytes but ${received > declared ? "ran past that" : `ended after ${received}`}.`,
    ),
  tooLarge: (maxBytes: number) =>
    new StorageError("TOO_LARGE", `The file is larger than ${maxBytes} bytes.`),
  invalidRange: (size?: number) =>
    new StorageError(
      "INVALID_RANGE",
      `The requested range is outside the object${size === undefined ? "" : ` (${size} bytes)`}.`,
    ),
  aborted: (cause?: unknown) =>
    new StorageError("ABORTED", "The operation was aborted.", { cause }),
  unavailable: (message: string, cause?: unknown) =>
    new StorageError("UNAVAILABLE", `File storage is unavailable: ${message}`, { cause }),
};
