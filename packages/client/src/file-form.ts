// Request bodies with files: which values are uploads, and the multipart body they travel in
// (`@jsonPayload` first, then one part per file). Never reads file contents itself.
import type { FileBytes, FileUpload, NativeFile } from "./file-types.js";

const octetStream = "application/octet-stream";

/**
 * React Native's FormData uploads `{ uri, name, type }` objects; anywhere else such an object
 * is plain JSON (a json field may hold one), so the shape counts as a file only there.
 */
function isReactNative(): boolean {
  const nav = (globalThis as { navigator?: { product?: string } }).navigator;
  return nav?.product === "ReactNative";
}

/** A value that travels as a file part: a Blob (File included), named bytes, a native file. */
export function isUpload(value: unknown): value is FileUpload {
  if (typeof Blob !== "undefined" && value instanceof Blob) return true;
  if (typeof value !== "object" || value === null) return false;
  const { name, data, uri } = value as Partial<Record<string, unknown>>;
  if (typeof name !== "string") return false;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return true;
  return typeof uri === "string" && /^[a-z][a-z0-9+.-]*:/i.test(uri) && isReactNative();
}

/**
 * The multipart form of a body whose top-level values (or their list items) hold uploads;
 * undefined when there are none, and the body goes as JSON. A key holds files or other values,
 * never both: the server could not tell which to keep.
 */
export function toFormData(body: unknown): FormData | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const json: Record<string, unknown> = {};
  const files: [string, FileUpload][] = [];
  for (const [key, value] of Object.entries(body)) {
    const list: unknown[] = Array.isArray(value) ? value : [value];
    const uploads = list.filter(isUpload);
    if (uploads.length === 0) {
      json[key] = value;
      continue;
    }
    if (uploads.length !== list.length) {
      throw new TypeError(
        `"${key}" mixes files with other values. Send new files under "${key}+" to keep the stored ones.`,
      );
    }
    for (const file of uploads) files.push([key, file]);
  }
  if (files.length === 0) return undefined;
  const form = new FormData();
  // First: the server reads the JSON before the (possibly large) files that follow it.
  if (Object.keys(json).length > 0) form.append("@jsonPayload", JSON.stringify(json));
  for (const [key, file] of files) appendFile(form, key, file);
  return form;
}

function appendFile(form: FormData, key: string, file: FileUpload): void {
  if (typeof Blob !== "undefined" && file instanceof Blob) {
    form.append(key, file);
  } else if ("data" in file) {
    const { data, name, type } = file as FileBytes;
    form.append(key, new Blob([data as BlobPart], { type: type || octetStream }), name);
  } else {
    const { uri, name, type } = file as NativeFile;
    // React Native's FormData takes this shape as a file part; the DOM types do not know it.
    form.append(key, { uri, name, type: type || octetStream } as unknown as Blob);
  }
}

/** Throws when a body meant for JSON carries files (a batch, a sign-up). */
export function assertNoUploads(body: unknown, where: string): void {
  if (typeof body !== "object" || body === null) return;
  for (const value of Object.values(body)) {
    if (isUpload(value) || (Array.isArray(value) && value.some(isUpload))) {
      throw new TypeError(`${where} cannot carry files: upload them with create or update.`);
    }
  }
}

/** The bytes of a body's content (not counting multipart framing), for a final progress event. */
export function bodySize(body: unknown): number {
  if (typeof body === "string") return new TextEncoder().encode(body).length;
  if (typeof Blob !== "undefined" && body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  let size = 0;
  if (typeof FormData !== "undefined" && body instanceof FormData) {
    body.forEach((value) => {
      size += bodySize(value);
    });
  }
  return size;
}
