// File names: the stored name (a safe storage key segment, unique per record), the display name a
// download is offered under, and the Content-Disposition header carrying it. A client-supplied name
// never reaches a storage key or a header without passing through here.
import { generateRandomString, type RandomReader } from "@oslojs/crypto/random";

const suffixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
const suffixLength = 10;
const maxBaseLength = 100;
const maxOriginalLength = 255;

const cryptoReader: RandomReader = { read: (bytes) => crypto.getRandomValues(bytes) };

/** 10 random [a-z0-9] characters from the CSPRNG; what makes a stored name unique. */
export function randomNameSuffix(): string {
  return generateRandomString(cryptoReader, suffixAlphabet, suffixLength);
}

/** The last segment of a path, whichever separator the client's OS uses. */
function lastPathSegment(name: string): string {
  return name.split(/[/\\]/).pop() ?? "";
}

/** A lone surrogate would make encodeURIComponent throw; U+FFFD stands in for it. */
function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}

/** "café" → "cafe", "ｆｕｌｌ" → "full": keeps what ASCII can keep before the rest becomes "_". */
function foldToAscii(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "");
}

/**
 * The name a file is stored under: the client's name made safe for a storage key and a URL, with
 * 10 random characters before the extension so two uploads of "photo.jpg" never collide and a
 * stored name cannot be guessed from the original. The result matches /^[\w.-]{1,200}$/, has at
 * most one dot, and never starts with a dot.
 *
 * @example storedFileName("holiday photo.JPG") // "holiday_photo_k3j9x0a1bq.jpg"
 */
export function storedFileName(original: string, random: () => string = randomNameSuffix): string {
  const suffix = random();
  if (!/^[a-z0-9]{10}$/.test(suffix))
    throw new Error("A name suffix is 10 characters of [a-z0-9].");
  // Leading dots make a hidden file, not an extension: ".htaccess" is the name "htaccess".
  const name = foldToAscii(wellFormed(lastPathSegment(original)))
    .trim()
    .replace(/^\.+/, "");
  const dot = name.lastIndexOf(".");
  let base = name;
  let ext = "";
  if (dot >= 0) {
    const candidate = name.slice(dot + 1).toLowerCase();
    // An extension we cannot keep stays part of the base ("v1.5 notes" → "v1_5_notes"), so the
    // name keeps its words.
    if (/^[a-z0-9]{1,10}$/.test(candidate)) {
      base = name.slice(0, dot);
      ext = candidate;
    }
  }
  // Code point by code point, so an emoji (a surrogate pair) becomes one "_", not two.
  base = Array.from(base, (char) => (/^[A-Za-z0-9_-]$/.test(char) ? char : "_")).join("");
  base = base
    .replace(/_+/g, "_")
    .replace(/^[_.]+|[_.]+$/g, "")
    .slice(0, maxBaseLength)
    .replace(/_+$/, "");
  if (base === "") base = "file";
  return ext === "" ? `${base}_${suffix}` : `${base}_${suffix}.${ext}`;
}

/** Bidi controls (U+202E shows "exe.txt" as "txt.exe"), line separators and the BOM. */
const invisibleControls = /[\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/**
 * The name a download is offered under (Content-Disposition): the client's name as they would
 * recognise it, minus the path, control characters and bidi overrides, at most 255 characters.
 *
 * @example originalFileName("C:\\Users\\ann\\Report 2026.pdf") // "Report 2026.pdf"
 */
export function originalFileName(name: string): string {
  const cleaned = wellFormed(lastPathSegment(name))
    .normalize("NFC")
    .replace(/\p{Cc}/gu, "")
    .replace(invisibleControls, "")
    .trim();
  // Cut by code points so a surrogate pair is never split.
  const cut = Array.from(cleaned).slice(0, maxOriginalLength).join("").trim();
  return cut === "" || cut === "." || cut === ".." ? "file" : cut;
}

/** RFC 5987 ext-value characters: encodeURIComponent leaves ' ( ) * alone, the RFC does not. */
function encodeRfc5987(text: string): string {
  return encodeURIComponent(wellFormed(text)).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A Content-Disposition value (RFC 6266) with an ASCII `filename` for old clients and the exact
 * name as `filename*` for every current browser.
 *
 * @example contentDisposition("attachment", "Grüße.pdf")
 * // 'attachment; filename="Gru_e.pdf"; filename*=UTF-8\'\'Gr%C3%BC%C3%9Fe.pdf'
 */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  // Outside printable ASCII, quotes and backslashes become "_" (replacing is safer than the
  // quoted-pair escapes some clients mishandle); "%" too, as some clients percent-decode this
  // parameter (RFC 6266 appendix D).
  const fallback = foldToAscii(wellFormed(filename)).replace(/[^\x20-\x7E]|["\\%]/gu, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}
