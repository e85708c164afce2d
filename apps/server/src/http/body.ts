import { errors } from "@cairn/core";
import type { Context } from "hono";

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
