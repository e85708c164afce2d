// The types of files in the SDK: what may be uploaded in a file field, progress, download
// tokens and direct uploads. Types only; the code is in file-form.ts and file-client.ts.

/**
 * Bytes to upload, named: for Node, or bytes you made yourself.
 *
 * @example
 * await cairn.collection("posts").create({ title, cover: { data: await readFile("a.png"), name: "a.png" } });
 */
export interface FileBytes {
  data: Uint8Array | ArrayBuffer;
  /** The file's name; the server keeps it as the original name and derives the stored one. */
  name: string;
  /** A MIME type; default "application/octet-stream" (the server sniffs the real one anyway). */
  type?: string;
}

/**
 * A file on a React Native device, as image and document pickers describe it. Uploaded as a
 * file only on React Native, whose FormData reads it from `uri`.
 *
 * @example
 * await cairn.collection("users").update(id, { avatar: { uri: asset.uri, name: "me.jpg", type: "image/jpeg" } });
 */
export interface NativeFile {
  /** `file://…`, `content://…`, `ph://…`: what the picker returned. */
  uri: string;
  name: string;
  /** Android refuses parts without a type; default "application/octet-stream". */
  type?: string;
}

/** A value a file field takes in `create` and `update`: a `File` or `Blob`, bytes, or a native file. */
export type FileUpload = Blob | FileBytes | NativeFile;

/** How much of a request body was sent. `total` is unknown when the runtime does not say. */
export interface UploadProgress {
  loaded: number;
  total?: number | undefined;
}

/** A download token for protected files: `cairn.files.url(record, name, { token })`. */
export interface FileToken {
  token: string;
  /** ISO 8601; tokens live about two minutes and can be used until then. */
  expiresAt: string;
}

/** What a file URL points at: a record (or just its collection and id). */
export interface FileOwner {
  id: string;
  /** Preferred, when the record has it (every record the API returns does). */
  collectionName?: string;
  collectionId?: string;
}

export interface FileUrlOptions {
  /** A thumbnail of an image: `"100x100"` (crop), `"0x300"` (height 300), `"200x200f"` (fit). */
  thumb?: string;
  /** A download token (`cairn.files.getToken()`), for protected fields. */
  token?: string;
  /** Ask the browser to save the file (`Content-Disposition: attachment`) instead of showing it. */
  download?: boolean;
}

export interface DirectUploadInput {
  collection: string;
  /** The file field the upload is for. */
  field: string;
  file: FileUpload;
  /** The name to give the file; default the file's own name (a bare Blob's is "blob"). */
  name?: string;
  /** The record the file is for; without it, the server reserves a new record id. */
  recordId?: string;
  /** Progress of the bytes going to storage. */
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** A confirmed direct upload: put `name` in the field of record `recordId`. */
export interface DirectUploadResult {
  /** The record id given, or the one the server reserved (create the record with it). */
  recordId: string;
  /** The stored name, e.g. `holiday_k3j9x0a1bq.jpg`. */
  name: string;
  size: number;
  /** The MIME type the server sniffed. */
  type: string;
}
