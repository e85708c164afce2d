// Renders every failure in the one error envelope. Known errors keep their code; anything
// unexpected becomes a generic 500 whose detail goes only to the log.
import { CairnError, isCairnError } from "@cairn/core";
import { type ErrorCode, type ErrorEnvelope, errorCatalogue } from "@cairn/schema";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../logger.js";
import type { AppEnv } from "./env.js";

const codeForStatus = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(errorCatalogue) as [ErrorCode, number][]) {
  if (!codeForStatus.has(status)) codeForStatus.set(status, code);
}

export function errorResponse(
  c: Context<AppEnv>,
  error: CairnError,
  headers?: Record<string, string>,
) {
  c.set("errorCode", error.code);
  const body: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.fields ? { fields: error.fields } : {}),
      requestId: c.get("requestId") ?? "",
    },
  };
  return c.json(body, error.status as ContentfulStatusCode, headers);
}

function fromHttpException(error: HTTPException): CairnError {
  const code =
    codeForStatus.get(error.status) ?? (error.status >= 500 ? "INTERNAL" : "BAD_REQUEST");
  return new CairnError(code, error.message || "The request could not be handled.");
}

export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context<AppEnv>) => {
    if (isCairnError(error) && error.code !== "INTERNAL") {
      const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      return errorResponse(
        c,
        error,
        typeof retryAfter === "number" ? { "Retry-After": String(retryAfter) } : undefined,
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, fromHttpException(error));
    }
    logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    return errorResponse(
      c,
      new CairnError(
        "INTERNAL",
        "Something went wrong on our side. Quote the request id when reporting it.",
      ),
    );
  };
}
