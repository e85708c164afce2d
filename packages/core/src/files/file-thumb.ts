// Thumbnails: the spec grammar a file field's `thumbs` option uses, and the resize itself. Never
// enlarges, never keeps metadata (EXIF can hold a location), never decodes a pixel bomb.
import type { Readable } from "node:stream";
import sharp, { type ResizeOptions, type SharpOptions } from "sharp";

/** A parsed thumb spec such as "100x100", "200x200f" or "0x300". */
export interface ThumbSpec {
  /** Target width in pixels; 0 = from the aspect ratio. */
  width: number;
  /** Target height in pixels; 0 = from the aspect ratio. */
  height: number;
  /** Crop to exactly width × height (keeping the centre, top or bottom), or fit inside it uncropped. */
  mode: "center" | "top" | "bottom" | "fit";
  /** The canonical spec text ("0100x50" → "100x50"), as used in thumbnail storage keys. */
  text: string;
}

/** The largest width or height a thumb spec may ask for. */
export const maxThumbDimension = 4000;

/** Refuse to decode images above 50 megapixels: a tiny PNG can declare a huge canvas. */
const maxInputPixels = 50_000_000;

/** What makeThumbnail can resize. Animated GIF and WebP become their first frame. */
export const thumbableTypes: readonly string[] = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
];

const modes = { "": "center", t: "top", b: "bottom", f: "fit" } as const;

/**
 * Parses a thumb spec (the `thumbs` grammar, /^\d+x\d+[tbf]?$/): "WxH" crops to the centre,
 * "WxHt" / "WxHb" crop keeping the top / bottom, "WxHf" fits inside, "0xH" and "Wx0" scale by one
 * side. Undefined when malformed, "0x0", or a side above 4000.
 *
 * @example parseThumbSpec("200x200f") // { width: 200, height: 200, mode: "fit", text: "200x200f" }
 */
export function parseThumbSpec(spec: string): ThumbSpec | undefined {
  const match = /^(\d{1,9})x(\d{1,9})([tbf]?)$/.exec(spec);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  const flag = (match[3] ?? "") as keyof typeof modes;
  if (width === 0 && height === 0) return undefined;
  if (width > maxThumbDimension || height > maxThumbDimension) return undefined;
  return { width, height, mode: modes[flag], text: `${width}x${height}${flag}` };
}

/** Errors from decoding or resizing carry this name; a failed input stream keeps its own error. */
const thumbnailErrorName = "ThumbnailError";

function thumbnailError(message: string, cause?: unknown): Error {
  const error = new Error(message, { cause });
  error.name = thumbnailErrorName;
  return error;
}

/** Whether makeThumbnail failed on the image itself (corrupt, too large, unsupported type). */
export function isThumbnailError(value: unknown): value is Error {
  return value instanceof Error && value.name === thumbnailErrorName;
}

function resizeOptions(spec: ThumbSpec): ResizeOptions {
  return {
    // undefined, not 0, is sharp's "from the aspect ratio".
    width: spec.width || undefined,
    height: spec.height || undefined,
    fit: spec.mode === "fit" ? "inside" : "cover",
    position: spec.mode === "fit" ? "centre" : spec.mode === "center" ? "centre" : spec.mode,
    withoutEnlargement: true,
  };
}

/**
 * A thumbnail of an image, in the image's own format, turned upright by its EXIF orientation and
 * stripped of metadata. Only the first frame of an animated GIF or WebP is kept (sharp reads one
 * page unless asked for more), which is what a thumbnail is for. Throws an error that
 * isThumbnailError recognises when the image is corrupt, above 50 megapixels or not a
 * thumbable type.
 *
 * @example await makeThumbnail(bytes, parseThumbSpec("100x100")!, "image/png") // { body, contentType: "image/png" }
 */
export async function makeThumbnail(
  input: Buffer | Readable,
  spec: ThumbSpec,
  mimeType: string,
): Promise<{ body: Buffer; contentType: string }> {
  const contentType = (mimeType.split(";")[0] ?? "").trim().toLowerCase();
  if (!thumbableTypes.includes(contentType)) {
    throw thumbnailError(`Cannot make a thumbnail of a ${contentType || "file without a type"}.`);
  }
  // "error", not sharp's default "warning": a photo whose decoder only warns (stray bytes between
  // JPEG markers, say) still gets a thumbnail; a truncated or garbled one fails.
  const options: SharpOptions = { failOn: "error", limitInputPixels: maxInputPixels };
  const image = Buffer.isBuffer(input) ? sharp(input, options) : sharp(options);
  image.rotate().resize(resizeOptions(spec));
  if (contentType === "image/jpeg") image.jpeg();
  else if (contentType === "image/png") image.png();
  else if (contentType === "image/webp") image.webp();
  else image.gif();

  const output = image.toBuffer().catch((cause: unknown) => {
    // libvips repeats its log in the message; the first line says what went wrong.
    const reason = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
    throw thumbnailError(`Cannot make a thumbnail: ${reason}`, cause);
  });
  if (Buffer.isBuffer(input)) return { body: await output, contentType };
  // When the stream fails first, sharp's own failure that follows has no one waiting for it.
  output.catch(() => {});

  // pipe() does not forward a source error, and sharp would wait for the end forever.
  const streamFailed = new Promise<never>((_, reject) => {
    input.once("error", (error) => {
      image.destroy();
      reject(error);
    });
  });
  input.pipe(image);
  return { body: await Promise.race([output, streamFailed]), contentType };
}
