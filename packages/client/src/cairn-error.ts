import type { ErrorCode, FieldError } from "@cairn/schema";

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

/** Duck-typed, so it holds across bundles that each carry their own copy of the SDK. */
export function isCairnError(value: unknown): value is CairnError {
  return (
    value instanceof Error &&
    value.name === "CairnError" &&
    typeof (value as Partial<CairnError>).status === "number" &&
    typeof (value as Partial<CairnError>).code === "string"
  );
}
