// Record bodies sent as form fields (multipart): every value is text, so each is read as the
// type its field holds before the usual validation.
import type { Collection, Field } from "@cairn/schema";
import { isMultiple } from "../collections/collection-fields.js";

function coerce(field: Field, text: string): unknown {
  switch (field.type) {
    case "number":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    case "bool":
      if (/^(true|1|on)$/i.test(text)) return true;
      if (/^(false|0|off|)$/i.test(text)) return false;
      return text;
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

export function coerceFormBody(
  collection: Collection,
  form: Record<string, string[]>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(form)) {
    const name = /^\+?([A-Za-z][A-Za-z0-9_]*)[+-]?$/.exec(key)?.[1];
    const field = collection.fields.find((f) => f.name === name);
    if (!field) {
      body[key] = values.length === 1 ? values[0] : values;
      continue;
    }
    if (isMultiple(field)) {
      // One value that is a JSON array stands for the whole list.
      if (values.length === 1 && values[0]!.trim().startsWith("[")) {
        try {
          body[key] = JSON.parse(values[0]!);
          continue;
        } catch {}
      }
      body[key] = values.filter((value) => value !== "");
      continue;
    }
    body[key] = coerce(field, values[values.length - 1]!);
  }
  return body;
}
