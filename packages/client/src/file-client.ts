// `cairn.files`: URLs of stored files, download tokens for protected fields, and direct
// uploads to storage (S3). Uploads with a record go through create/update (file-form.ts).
import { CairnError } from "./cairn-error.js";
import type {
  DirectUploadInput,
  DirectUploadResult,
  FileOwner,
  FileToken,
  FileUrlOptions,
  NativeFile,
} from "./file-types.js";
import { type CallOptions, type Transport, toError } from "./http-transport.js";

/** The answer of `POST /api/files/uploads`. */
interface UploadTicket {
  id: string;
  recordId: string;
  url: string;
  method: string;
  headers: Record<string, string>;
}

export class FilesClient {
  readonly #transport: Transport;
  /** The last token, and the session it was made for (another session needs its own). */
  #token: { session: unknown; token: Promise<FileToken> } | undefined;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * The URL of one stored file of a record; `""` when `fileName` is empty (a field with no
   * file), so it can go straight into `src`. The record needs its `id` and `collectionName`
   * (or `collectionId`): every record the API returns has them.
   *
   * @example
   * <img src={cairn.files.url(user, user.avatar, { thumb: "100x100" })} />
   * cairn.files.url({ collectionName: "posts", id: postId }, "report_k3j9x0a1bq.pdf", { download: true });
   */
  url(
    record: FileOwner,
    fileName: string | null | undefined,
    options: FileUrlOptions = {},
  ): string {
    if (!fileName) return "";
    const collection = record.collectionName || record.collectionId;
    if (!collection || !record.id) {
      throw new TypeError("cairn.files.url needs the record's id and collectionName.");
    }
    const { thumb, token, download } = options;
    const path = `/api/files/${enc(collection)}/${enc(record.id)}/${enc(fileName)}`;
    return this.#transport.url(path, {
      thumb: thumb || undefined,
      token: token || undefined,
      download: download ? 1 : undefined,
    });
  }

  /**
   * The URLs of every file in a field of the record, in order (`[]` when it holds none).
   *
   * @example
   * const links = cairn.files.urls(post, "attachments", { token });
   */
  urls<R extends FileOwner>(
    record: R,
    field: keyof R & string,
    options: FileUrlOptions = {},
  ): string[] {
    const value: unknown = record[field];
    const names = Array.isArray(value) ? value : [value];
    return names
      .filter((name): name is string => typeof name === "string" && name !== "")
      .map((name) => this.url(record, name, options));
  }

  /**
   * A download token for protected file fields, acting as the signed-in user (or API key).
   * Tokens last about two minutes; the same one is answered until 10 s before it expires.
   *
   * @example
   * const { token } = await cairn.files.getToken();
   * const href = cairn.files.url(invoice, invoice.pdf, { token });
   */
  async getToken(options: CallOptions = {}): Promise<FileToken> {
    await this.#transport.store.ready();
    const session = this.#transport.store.current;
    const cached = this.#token;
    if (cached?.session === session) {
      const token = await cached.token.catch(() => undefined);
      if (token && Date.parse(token.expiresAt) - 10_000 > Date.now()) return token;
    }
    const token = this.#transport.request<FileToken>("/api/files/token", {
      ...options,
      method: "POST",
    });
    this.#token = { session, token };
    return token;
  }

  /**
   * Sends a file straight to storage (S3 only): reserve, PUT the bytes, confirm. Then put the
   * answered `name` in the record's field, with JSON: big files never pass through the server.
   *
   * @example
   * const up = await cairn.files.uploadDirect({ collection: "videos", field: "clip", file, onProgress });
   * await cairn.collection("videos").create({ id: up.recordId, title, clip: up.name });
   */
  async uploadDirect(input: DirectUploadInput): Promise<DirectUploadResult> {
    const { collection, field, recordId, onProgress, signal } = input;
    const { file } = input;
    let bytes: Blob | Uint8Array | ArrayBuffer;
    let fileName = input.name;
    let type: string;
    if (isBlob(file)) {
      bytes = file;
      fileName ??= (file as Partial<File>).name || "blob";
      type = file.type;
    } else if ("data" in file) {
      bytes = file.data;
      fileName ??= file.name;
      type = file.type ?? "";
    } else {
      // React Native: XHR sends a Blob, so read the file into one (and learn its size).
      const blob = await readNative(file, signal);
      bytes = blob;
      fileName ??= file.name;
      type = file.type || blob.type;
    }
    const size = bytes instanceof Blob ? bytes.size : bytes.byteLength;
    const ticket = await this.#transport.request<UploadTicket>("/api/files/uploads", {
      method: "POST",
      signal,
      body: {
        collection,
        field,
        name: fileName,
        size,
        // The bare MIME type: "text/plain;charset=utf-8" is "text/plain" to storage.
        type: type.split(";")[0]!.trim() || "application/octet-stream",
        ...(recordId === undefined ? {} : { recordId }),
      },
    });
    // A presigned storage URL: exactly the headers it was signed with, no session.
    const init = { method: ticket.method, headers: ticket.headers, body: bytes, signal };
    const put = await this.#transport.send(ticket.url, init, onProgress);
    if (!put.ok) throw toError(put, undefined);
    const done = await this.#transport.request<DirectUploadResult>(
      `/api/files/uploads/${enc(ticket.id)}/confirm`,
      { method: "POST", signal },
    );
    return { recordId: done.recordId, name: done.name, size: done.size, type: done.type };
  }
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

async function readNative(file: NativeFile, signal: AbortSignal | undefined): Promise<Blob> {
  try {
    return await (await fetch(file.uri, { signal })).blob();
  } catch (cause) {
    const aborted = signal?.aborted === true;
    throw new CairnError({
      status: 0,
      code: aborted ? "ABORTED" : "NETWORK_ERROR",
      message: aborted ? "The request was aborted." : `Could not read ${file.uri}.`,
      cause,
    });
  }
}
