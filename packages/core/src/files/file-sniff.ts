// What a file is, judged from its first bytes, and which types a field accepts or a browser may
// show inline. The client's declared Content-Type is never consulted: it is whatever the uploader says.
import { fileTypeFromBuffer } from "file-type";

/** How many leading bytes callers must collect for sniffMimeType (file-type's own sample size). */
export const sniffBytes = 4100;

/** Text formats file-type cannot see in the bytes, by extension. */
const textTypes: Record<string, string> = {
  txt: "text/plain",
  csv: "text/csv",
  md: "text/markdown",
  json: "application/json",
  xml: "application/xml",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  svg: "image/svg+xml",
  ics: "text/calendar",
  yaml: "application/yaml",
  yml: "application/yaml",
};

/**
 * Types file-type reports from a short printable prefix alone ("BM", "GIF"), so a CSV whose first
 * cell is "BMW" would be a bitmap. When the head is NUL-free UTF-8, which real files of these
 * formats never are, it is text after all. Executables stay out of this list: their verdict is
 * never softened.
 */
const weakBinaryTypes = new Set(["image/bmp", "image/gif"]);

function extensionOf(fileName: string): string {
  const name = fileName.split(/[/\\]/).pop() ?? "";
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/**
 * The head as text when it is valid UTF-8 without NUL bytes, else undefined. A multi-byte
 * character cut by the end of the head is fine: streaming mode holds it back instead of failing.
 */
function decodeText(head: Uint8Array): string | undefined {
  if (head.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
}

function textMimeType(text: string, fileName: string): string {
  const ext = extensionOf(fileName);
  const type = textTypes[ext];
  if (type === undefined) return "text/plain";
  // An .svg that holds no <svg> element is just text, and safer served as such.
  if (type === "image/svg+xml" && !/<svg/i.test(text)) return "text/plain";
  return type;
}

/**
 * The MIME type of a file from its first `sniffBytes` bytes (or all of it, when shorter). Binary
 * formats come from their magic numbers; text is told apart by extension; anything else is
 * application/octet-stream.
 *
 * @example await sniffMimeType(firstBytes, "photo.png") // "image/png", or "application/x-msdownload" for a renamed .exe
 */
export async function sniffMimeType(head: Uint8Array, fileName: string): Promise<string> {
  if (head.length === 0) return "text/plain";
  const detected = await fileTypeFromBuffer(head);
  if (detected !== undefined) {
    // file-type names any text that starts with "<?xml " application/xml, SVGs included.
    if (detected.mime === "application/xml" && extensionOf(fileName) === "svg") {
      const text = decodeText(head);
      if (text !== undefined) return textMimeType(text, fileName);
    }
    if (!weakBinaryTypes.has(detected.mime)) return detected.mime;
  }
  const text = decodeText(head);
  if (text !== undefined) return textMimeType(text, fileName);
  return detected?.mime ?? "application/octet-stream";
}

/** "Image/PNG; charset=x" → "image/png". */
function essence(mimeType: string): string {
  return (mimeType.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Whether a field that accepts `allowed` takes a file of `mimeType`. An empty list accepts
 * everything; entries are exact types or wildcards such as "image/*".
 *
 * @example mimeTypeAllowed("image/png", ["image/*", "application/pdf"]) // true
 */
export function mimeTypeAllowed(mimeType: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const type = essence(mimeType);
  return allowed.some((entry) => {
    const pattern = essence(entry);
    if (pattern === "*/*" || pattern === "*") return true;
    if (pattern.endsWith("/*")) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}

/** Raster images no browser runs script in; SVG is not one of them. */
const inlineSafeTypes = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/x-icon",
  "application/pdf",
  "text/plain",
]);

/**
 * Whether a browser may show a file of this type inline from our origin without risk. Anything
 * that can run script there (HTML, SVG, XML, JavaScript) must be downloaded as an attachment.
 *
 * @example inlineSafe("image/png") // true; inlineSafe("image/svg+xml") // false
 */
export function inlineSafe(mimeType: string): boolean {
  const type = essence(mimeType);
  if (inlineSafeTypes.has(type)) return true;
  return /^(video|audio)\/[a-z0-9][a-z0-9.+-]*$/.test(type);
}
