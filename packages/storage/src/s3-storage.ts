// Stores objects in an S3 bucket (AWS or any S3-compatible server), optionally under a key prefix.
// Uploads stream through lib-storage's multipart Upload; any backend failure surfaces as
// UNAVAILABLE, and a failed or refused upload never leaves an object behind.
import { randomBytes } from "node:crypto";
import { addAbortSignal, Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  DEFAULT_CONTENT_TYPE,
  type GetOptions,
  type GetResult,
  type ListedObject,
  type PresignGetOptions,
  type PresigningStorageAdapter,
  type PresignPutOptions,
  type PutOptions,
  type SignalOption,
  type StoredObject,
} from "./storage-adapter.js";
import { checkPutOptions, meterBody } from "./storage-body.js";
import { isStorageError, type StorageError, storageErrors } from "./storage-error.js";
import { assertSafeKey, isSafeKey, normalizePrefix } from "./storage-key.js";
import { resolveRange } from "./storage-range.js";

export interface S3StorageOptions {
  /** For S3-compatible servers (MinIO, R2, B2…); omit for AWS. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `bucket` in the path instead of the host name; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /**
   * When the SDK adds and checks CRC checksums. Defaults to "WHEN_REQUIRED": several
   * S3-compatible servers reject the checksums "WHEN_SUPPORTED" (the AWS default) adds.
   */
  checksumMode?: "WHEN_REQUIRED" | "WHEN_SUPPORTED";
  /** Folder inside the bucket that holds every object, e.g. `"cairn"`. */
  prefix?: string;
  /** Give up on connecting after this long (default 5 s). */
  connectTimeoutMs?: number;
  /** Give up on a request whose socket stays silent this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Attempts per request, retries included (default 3). */
  maxAttempts?: number;
  /** Multipart part size (default 8 MiB, at least 5 MiB); memory per upload ≈ part × queue. */
  partSizeBytes?: number;
  /** Parts uploaded in parallel per upload (default 2). */
  queueSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/**
 * @example const storage = createS3Storage({ endpoint: "http://127.0.0.1:9000", region: "us-east-1",
 *            bucket: "cairn", accessKeyId, secretAccessKey, forcePathStyle: true });
 */
export function createS3Storage(options: S3StorageOptions): PresigningStorageAdapter {
  return new S3Storage(options);
}

class S3Storage implements PresigningStorageAdapter {
  readonly kind = "s3";
  readonly capabilities = { presign: true } as const;
  readonly #client: S3Client;
  // Presigned PUTs made "WHEN_SUPPORTED" carry a checksum of an empty body, which breaks them;
  // signing needs no network, so a second client configured "WHEN_REQUIRED" costs nothing.
  readonly #signer: S3Client;
  readonly #bucket: string;
  /** "" or "folder/": prepended to every key in the bucket. */
  readonly #root: string;
  readonly #partSize: number;
  readonly #queueSize: number;

  constructor(options: S3StorageOptions) {
    const root = normalizePrefix(options.prefix ?? "");
    this.#root = root === "" ? "" : `${root}/`;
    this.#bucket = options.bucket;
    this.#partSize = Math.max(MIN_PART_SIZE, options.partSizeBytes ?? 8 * 1024 * 1024);
    this.#queueSize = Math.max(1, options.queueSize ?? 2);
    const config = (checksums: "WHEN_REQUIRED" | "WHEN_SUPPORTED"): S3ClientConfig => ({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
      },
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      maxAttempts: options.maxAttempts ?? 3,
      // An idle timeout rather than a total one: a multi-gigabyte upload may take long, but a
      // socket that goes silent means the server is gone.
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 5_000,
        socketTimeout: options.idleTimeoutMs ?? 60_000,
      },
    });
    this.#client = new S3Client(config(options.checksumMode ?? "WHEN_REQUIRED"));
    this.#signer = new S3Client(config("WHEN_REQUIRED"));
  }

  async put(
    key: string,
    body: Readable | Uint8Array,
    options: PutOptions = {},
  ): Promise<StoredObject> {
    const objectKey = this.#keyOf(key);
    checkPutOptions(options);
    const metered = meterBody(body, options);
    const source = Readable.from(metered.chunks);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    // The signal reaches the upload only through the body: lib-storage's own abort() answers
    // before in-flight requests settle, when a last PUT could still land; ending the body lets
    // the upload wind down (and abort its multipart upload) before we report anything.
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.#bucket, Key: objectKey, Body: source, ContentType: contentType },
      partSize: this.#partSize,
      queueSize: this.#queueSize,
      leavePartsOnError: false,
    });
    try {
      const result = await upload.done();
      return {
        key,
        size: metered.bytes,
        etag: result.ETag ?? "",
        contentType,
        // The server's own timestamp would cost another request; `head` reports it exactly.
        lastModified: new Date(),
      };
    } catch (error) {
      if (body instanceof Readable) body.destroy();
      // The body's own failure wins: when the upload then fails to abort its multipart upload,
      // that secondary error is what lib-storage throws.
      throw metered.failure ?? toStorageError(error, options.signal);
    } finally {
      source.destroy();
    }
  }

  async head(key: string, options: SignalOption = {}): Promise<StoredObject | undefined> {
    const objectKey = this.#keyOf(key);
    try {
      const result = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey }),
        { abortSignal: options.signal },
      );
      return {
        key,
        size: result.ContentLength ?? 0,
        etag: result.ETag ?? "",
        contentType: result.ContentType ?? DEFAULT_CONTENT_TYPE,
        lastModified: result.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw toStorageError(error, options.signal);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult | undefined> {
    const objectKey = this.#keyOf(key);
    const { range, signal } = options;
    let header: string | undefined;
    let ifMatch: string | undefined;
    if (range && "suffix" in range) {
      // s3rver (and some other S3-compatible servers) misread `bytes=-n`; resolving it against a
      // HEAD works everywhere, and If-Match keeps both requests on the same version.
      const object = await this.head(key, { signal });
      if (!object) return undefined;
      const { start, end } = resolveRange(range, object.size);
      header = `bytes=${start}-${end}`;
      ifMatch = object.etag;
    } else if (range) {
      resolveRange(range, Number.MAX_SAFE_INTEGER); // validates the shape only
      header = `bytes=${range.start}-${range.end ?? ""}`;
    }
    let result: GetObjectCommandOutput;
    try {
      result = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: objectKey,
          Range: header,
          IfMatch: ifMatch,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      if (statusOf(error) === 416) throw storageErrors.invalidRange();
      // The object changed between HEAD and GET: start over against the new version.
      if (statusOf(error) === 412 && ifMatch) return this.get(key, options);
      throw toStorageError(error, signal);
    }
    const body = result.Body as Readable;
    const served = parseContentRange(result.ContentRange);
    const size = served?.size ?? Number(result.ContentLength ?? 0);
    // S3 refuses any range on an empty object; some compatible servers answer with "0-0/0".
    if (range && size === 0) {
      body.destroy();
      throw storageErrors.invalidRange(0);
    }
    if (signal) addAbortSignal(signal, body);
    const object: StoredObject = {
      key,
      size,
      etag: result.ETag ?? "",
      contentType: result.ContentType ?? DEFAULT_CONTENT_TYPE,
      lastModified: result.LastModified ?? new Date(0),
    };
    return range && served
      ? { object, body, range: { start: served.start, end: served.end } }
      : { object, body };
  }

  async delete(key: string, options: SignalOption = {}): Promise<void> {
    const objectKey = this.#keyOf(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: objectKey }), {
        abortSignal: options.signal,
      });
    } catch (error) {
      if (isNoSuchKey(error)) return;
      throw toStorageError(error, options.signal);
    }
  }

  async deletePrefix(prefix: string, options: SignalOption = {}): Promise<void> {
    const folder = normalizePrefix(prefix);
    if (folder === "") throw storageErrors.invalidKey(prefix, "deletePrefix needs a folder");
    // Every key under the folder goes, including ones no key could name: the folder is ours.
    // One DeleteObject at a time, not DeleteObjects: the batch call needs a Content-MD5 that
    // current SDKs replace with a CRC some S3-compatible servers reject (GCS has no batch call at
    // all, and s3rver's fails under load). A record's folder holds a handful of files.
    for await (const page of this.#pages(`${this.#root}${folder}/`, options.signal)) {
      for (const { Key } of page) {
        try {
          await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key }), {
            abortSignal: options.signal,
          });
        } catch (error) {
          throw toStorageError(error, options.signal);
        }
      }
    }
  }

  async *list(prefix: string, options: SignalOption = {}): AsyncIterable<ListedObject> {
    const folder = normalizePrefix(prefix);
    for await (const page of this.#pages(
      folder === "" ? this.#root : `${this.#root}${folder}/`,
      options.signal,
    )) {
      for (const item of page) {
        const key = item.Key.slice(this.#root.length);
        // Objects someone else put in the bucket under names no key can have are not ours.
        if (!isSafeKey(key)) continue;
        yield { key, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) };
      }
    }
  }

  async check(options: SignalOption = {}): Promise<void> {
    // A dot name is never a valid key, so a probe left by a crash stays out of `list`.
    const probe = `${this.#root}.cairn-check-${randomBytes(8).toString("hex")}`;
    const text = `cairn storage check ${Date.now()}`;
    const send = { abortSignal: options.signal };
    let step = "write";
    try {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.#bucket, Key: probe, Body: text }),
        send,
      );
      step = "read";
      const read = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: probe }),
        send,
      );
      if ((await read.Body?.transformToString()) !== text) {
        throw new Error("the probe object read back different bytes");
      }
      step = "delete";
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: probe }), send);
    } catch (error) {
      const cause = toStorageError(error, options.signal);
      if (cause.code !== "UNAVAILABLE") throw cause;
      throw storageErrors.unavailable(
        `S3 bucket ${JSON.stringify(this.#bucket)} failed the ${step} check: ${describeError(error)}`,
        error,
      );
    }
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: this.#keyOf(key),
      ResponseContentDisposition:
        options.downloadName === undefined ? undefined : attachment(options.downloadName),
    });
    return getSignedUrl(this.#signer, command, { expiresIn: expiry(options.expiresInSeconds) });
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<string> {
    if (!Number.isSafeInteger(options.contentLength) || options.contentLength < 0) {
      throw new RangeError("presignPut needs a non-negative integer contentLength.");
    }
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: this.#keyOf(key),
      ContentType: options.contentType,
      ContentLength: options.contentLength,
    });
    return getSignedUrl(this.#signer, command, {
      expiresIn: expiry(options.expiresInSeconds),
      // Signed as headers, so the uploader cannot pick another type or a bigger body.
      signableHeaders: new Set(["content-type", "content-length"]),
    });
  }

  async close(): Promise<void> {
    this.#client.destroy();
    this.#signer.destroy();
  }

  /** Raw listing pages under a bucket prefix, keys unfiltered. */
  async *#pages(
    prefix: string,
    signal: AbortSignal | undefined,
  ): AsyncIterable<{ Key: string; Size?: number; LastModified?: Date }[]> {
    let token: string | undefined;
    do {
      let result: ListObjectsV2CommandOutput;
      try {
        result = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: prefix === "" ? undefined : prefix,
            ContinuationToken: token,
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw toStorageError(error, signal);
      }
      yield (result.Contents ?? []).flatMap((item) =>
        item.Key === undefined
          ? []
          : [{ Key: item.Key, Size: item.Size, LastModified: item.LastModified }],
      );
      token = result.IsTruncated ? result.NextContinuationToken : undefined;
    } while (token);
  }

  #keyOf(key: string): string {
    assertSafeKey(key);
    return `${this.#root}${key}`;
  }
}

function toStorageError(error: unknown, signal: AbortSignal | undefined): StorageError {
  if (isStorageError(error)) return error;
  if (signal?.aborted || (error as Error | undefined)?.name === "AbortError") {
    return storageErrors.aborted(error);
  }
  // Everything else is the backend failing us: refused connections, timeouts, 5xx, and also
  // 4xx like AccessDenied or NoSuchBucket, which mean the storage settings are wrong. Either way
  // the request cannot be served and an operator has to look, which is what 503 says.
  return storageErrors.unavailable(describeError(error), error);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = statusOf(error);
  const code = (error as NodeJS.ErrnoException).code;
  const what = [error.name, status && `HTTP ${status}`, code].filter(Boolean).join(", ");
  return `${what}: ${error.message || "no message"}`;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

function isNoSuchKey(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  // HEAD answers carry no body, so a missing object is just "NotFound" (404); a missing bucket
  // says so by name and must stay an error.
  return name === "NoSuchKey" || (statusOf(error) === 404 && name !== "NoSuchBucket");
}

function parseContentRange(
  header: string | undefined,
): { start: number; end: number; size: number } | undefined {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/** RFC 6266 attachment with an ASCII fallback name and the exact UTF-8 one. */
function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

function expiry(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(
      `expiresInSeconds must be a whole number from 1 to ${MAX_PRESIGN_SECONDS}.`,
    );
  }
  return seconds;
}
