// multipart/form-data record bodies, streamed: text parts (typed later against the collection),
// `@jsonPayload` (one JSON object with the non-file fields, as SDKs send it first) and file
// parts, each handed to `onFile` as a stream while it arrives, so no file is ever held whole.
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { errors, maxFilesPerRequest } from "@cairn/core";
import { Busboy, type BusboyFileStream } from "@fastify/busboy";
import type { Context } from "hono";

export interface MultipartRecord {
  form: Record<string, string[]>;
  json: Record<string, unknown>;
}

export interface MultipartOptions<T> {
  /** Largest text part (and @jsonPayload) in bytes. */
  maxFieldBytes: number;
  /** Stores one file part; called one part at a time, in order. */
  onFile?: (part: {
    key: string;
    fileName: string;
    body: Readable;
    /** The text parts read before this file. */
    before: MultipartRecord;
  }) => Promise<T>;
}

const maxFiles = maxFilesPerRequest;
const maxFields = 1000;

/** Multipart record routes stream their bodies, past the API's general body limit. */
export function isMultipart(c: Context): boolean {
  return /^multipart\/form-data/i.test(c.req.header("content-type") ?? "");
}

export async function readMultipartRecord<T>(
  c: Context,
  options: MultipartOptions<T>,
): Promise<MultipartRecord & { files: { key: string; stored: T }[] }> {
  const form: Record<string, string[]> = {};
  const json: Record<string, unknown> = {};
  const files: { key: string; stored: T }[] = [];
  const contentType = c.req.header("content-type") ?? "";
  const source = requestStream(c);
  let parser: ReturnType<typeof createParser>;
  try {
    parser = createParser(contentType, options.maxFieldBytes);
  } catch {
    throw errors.badRequest("The multipart body has no valid boundary.");
  }

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    let pending = Promise.resolve();
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      // Stop reading: the rest of a refused body is not wanted (the answer closes the connection).
      source.unpipe(parser);
      source.pause();
      reject(error);
    };
    parser.on("field", (key: string, value: string, _keyCut: boolean, valueCut: boolean) => {
      if (failed) return;
      if (valueCut) return fail(errors.payloadTooLarge(options.maxFieldBytes));
      if (key === "@jsonPayload") {
        let payload: unknown;
        try {
          payload = JSON.parse(value);
        } catch {
          payload = undefined;
        }
        if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
          return fail(errors.badRequest("@jsonPayload must be a JSON object."));
        }
        Object.assign(json, payload);
        return;
      }
      form[key] = [...(form[key] ?? []), value];
    });
    parser.on("file", (key: string, stream: BusboyFileStream, fileName: string) => {
      // An empty file input: browsers send it with no name and no bytes.
      if (failed || fileName === "") return void stream.resume();
      const onFile = options.onFile;
      if (!onFile) {
        stream.resume();
        return fail(
          errors.validation({
            [key]: { code: "invalid_type", message: "Files cannot be uploaded here." },
          }),
        );
      }
      pending = pending.then(async () => {
        if (failed) return void stream.resume();
        try {
          files.push({
            key,
            stored: await onFile({ key, fileName, body: stream, before: { form, json } }),
          });
        } catch (error) {
          fail(error);
        }
      });
    });
    for (const limit of ["partsLimit", "filesLimit", "fieldsLimit"]) {
      parser.on(limit, () =>
        fail(errors.badRequest(`At most ${maxFiles} files and ${maxFields} fields per request.`)),
      );
    }
    parser.on("error", () => fail(errors.badRequest("The multipart body could not be read.")));
    parser.on("finish", () => {
      pending.then(() => (failed ? undefined : resolve()), fail);
    });
    source.on("error", () => fail(errors.badRequest("The upload was interrupted.")));
    source.pipe(parser);
  });
  return { form, json, files };
}

function createParser(contentType: string, maxFieldBytes: number) {
  return Busboy({
    headers: { "content-type": contentType },
    limits: {
      fieldSize: maxFieldBytes,
      fields: maxFields,
      files: maxFiles,
      parts: maxFields + maxFiles,
      headerPairs: 100,
    },
  });
}

/** The raw request on Node (exact back-pressure), else the web body as a Node stream. */
function requestStream(c: Context): Readable {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && !incoming.readableEnded) return incoming;
  const body = c.req.raw.body;
  if (!body) return Readable.from([]);
  return Readable.fromWeb(body as import("node:stream/web").ReadableStream);
}
