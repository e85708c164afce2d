// Typed errors thrown by the domain. Each carries a catalogue code; the transport maps the code
// to an HTTP status. Recognised by a brand, not instanceof: pnpm can load two copies of a module.
import { type ErrorCode, type FieldError, statusOf } from "@cairn/schema";

const brand = Symbol.for("cairn.error");

export class CairnError extends Error {
  readonly [brand] = true;
  readonly code: ErrorCode;
  readonly fields: Record<string, FieldError> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fields?: Record<string, FieldError>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "CairnError";
    this.code = code;
    this.fields = options.fields;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function isCairnError(value: unknown): value is CairnError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

type Fields = Record<string, FieldError>;

/** One factory per catalogue code, so call sites read as `errors.notFound("…")`. */
export const errors = {
  badRequest: (message: string, fields?: Fields) =>
    new CairnError("BAD_REQUEST", message, { fields }),
  invalidJson: (message = "The request body is not valid JSON.") =>
    new CairnError("INVALID_JSON", message),
  validation: (fields: Fields, message = "Some fields are invalid.") =>
    new CairnError("VALIDATION_FAILED", message, { fields }),
  unauthorized: (message = "Authentication is required.") =>
    new CairnError("UNAUTHORIZED", message),
  forbidden: (message = "You are not allowed to do this.") => new CairnError("FORBIDDEN", message),
  notFound: (message = "Not found.") => new CairnError("NOT_FOUND", message),
  methodNotAllowed: (message: string) => new CairnError("METHOD_NOT_ALLOWED", message),
  conflict: (message: string) => new CairnError("CONFLICT", message),
  payloadTooLarge: (limitBytes: number) =>
    new CairnError("PAYLOAD_TOO_LARGE", `The request body is larger than ${limitBytes} bytes.`),
  unsupportedMediaType: (message: string) => new CairnError("UNSUPPORTED_MEDIA_TYPE", message),
  rangeNotSatisfiable: (message: string) => new CairnError("RANGE_NOT_SATISFIABLE", message),
  rateLimited: (message = "Too many requests.") => new CairnError("RATE_LIMITED", message),
  unavailable: (message: string, cause?: unknown) =>
    new CairnError("SERVICE_UNAVAILABLE", message, { cause }),
};
