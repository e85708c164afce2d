// The SDK's one error type: the server's error envelope rebuilt, plus network failures and
// aborts. Recognised by shape (isCairnError), never by instanceof alone: bundles may hold two copies.

/** The error codes of the server's catalogue (docs/errors.md), mirrored so the SDK ships no zod. */
export type ErrorCode =
  | "BAD_REQUEST"
  | "INVALID_JSON"
  | "VALIDATION_FAILED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RANGE_NOT_SATISFIABLE"
  | "RATE_LIMITED"
  | "INTERNAL"
  | "SERVICE_UNAVAILABLE";

/** A problem with one input field, keyed by the field's name in `fields`. */
export interface FieldError {
  code: string;
  message: string;
}

/**
 * Every failed call rejects with a CairnError: the server's error envelope, rebuilt.
 * Network failures and aborts have status 0.
 *
 * @example
 * try { await cairn.ready() } catch (e) { if (isCairnError(e) && e.status === 503) retryLater() }
 */
export class CairnError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "NETWORK_ERROR" | "ABORTED";
  readonly fields: Record<string, FieldError> | undefined;
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code: CairnError["code"];
    message: string;
    fields?: Record<string, FieldError> | undefined;
    requestId?: string | undefined;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.name = "CairnError";
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields;
    this.requestId = init.requestId;
  }
}

/**
 * Duck-typed, so it holds across bundles that each carry their own copy of the SDK.
 *
 * @example
 * catch (e) { if (isCairnError(e) && e.code === "VALIDATION_FAILED") showErrors(e.fields) }
 */
export function isCairnError(value: unknown): value is CairnError {
  return (
    value instanceof Error &&
    value.name === "CairnError" &&
    typeof (value as Partial<CairnError>).status === "number" &&
    typeof (value as Partial<CairnError>).code === "string"
  );
}
