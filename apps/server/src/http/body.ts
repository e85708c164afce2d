import { errors } from "@cairn/core";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

const jsonType = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|\s*$)/i;

/** Reads a JSON request body, answering 415 for another media type and 400 for bad JSON. */
export async function readJson(c: Context): Promise<unknown> {
  if (!jsonType.test(c.req.header("content-type") ?? "")) {
    throw errors.unsupportedMediaType("Send the body as JSON with Content-Type: application/json.");
  }
  const text = await c.req.text();
  if (text.trim() === "")
    throw errors.invalidJson("The request body is empty; send a JSON document.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw errors.invalidJson(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON object body (not an array or a scalar). */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const body = await readJson(c);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw errors.badRequest("The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

/** A JSON object, or {} for an empty body (POST actions whose options are all optional). */
export async function readOptionalJsonObject(c: Context): Promise<Record<string, unknown>> {
  // hono caches the body, so readJsonObject reads the same text again.
  if ((await c.req.text()).trim() === "") return {};
  return readJsonObject(c);
}

/**
 * hono's bodyLimit, answering from Content-Length first. Its own first step asks for the body
 * stream, which makes the Node adapter build a whole WHATWG Request (a web stream, an
 * AbortSignal) that a JSON body read straight from Node's request never needs: about a tenth of
 * a create's CPU. Node's parser never delivers more than Content-Length says; a chunked body
 * still goes through bodyLimit, which counts as it reads.
 */
export function limitBody(options: {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
  const counting = bodyLimit(options);
  return (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined)
      return counting(c, next);
    return Number(length) > options.maxSize ? Promise.resolve(options.onError(c)) : next();
  };
}
