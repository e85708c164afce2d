// multipart/form-data record bodies: form fields (text, typed later against the collection)
// and `@jsonPayload`, one JSON object with the non-file fields, as SDKs send them.
import { errors } from "@cairn/core";
import type { Context } from "hono";

export interface MultipartRecord {
  form: Record<string, string[]>;
  json: Record<string, unknown>;
}

export async function readMultipartRecord(c: Context): Promise<MultipartRecord> {
  let parsed: Record<string, string | File | (string | File)[]>;
  try {
    parsed = await c.req.parseBody({ all: true });
  } catch {
    throw errors.badRequest("The multipart body could not be read.");
  }
  const form: Record<string, string[]> = {};
  const json: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(parsed)) {
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.some((value) => typeof value !== "string")) {
      throw errors.validation({
        [key]: { code: "invalid_type", message: "Files cannot be uploaded to this field." },
      });
    }
    if (key === "@jsonPayload") {
      for (const text of values as string[]) {
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          payload = undefined;
        }
        if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
          throw errors.badRequest("@jsonPayload must be a JSON object.");
        }
        Object.assign(json, payload);
      }
      continue;
    }
    form[key] = values as string[];
  }
  return { form, json };
}
