// Streaming tar + gzip for backup archives (tar-stream and zlib): entries go in with their size
// known up front and come out one at a time, so neither side ever holds the archive in memory.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PassThrough, Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import tar from "tar-stream";

export interface ArchiveWriter {
  /** Adds a small entry held in memory. */
  addBuffer(name: string, data: Buffer): Promise<{ size: number; sha256: string }>;
  /** Adds an entry streamed from `body`, which must yield exactly `size` bytes. */
  addStream(name: string, body: Readable, size: number): Promise<{ size: number; sha256: string }>;
  /** Adds a file from disk (a table spooled by dumpTable). */
  addFile(name: string, path: string, size: number): Promise<{ size: number; sha256: string }>;
  /** Ends the archive; resolves with its gzipped size once `output` has taken it all. */
  finish(): Promise<number>;
  /** Abandons the archive (the output is destroyed with `error`). */
  abort(error: Error): void;
}

/** Writes a gzipped tar to `output`. Entries are added one after another, never at once. */
export function createArchiveWriter(output: Writable): ArchiveWriter {
  // tar-stream's streams are streamx ones: joined with pipe(), as its documentation does, and
  // their errors carried over by hand; the Node side is one pipeline.
  const pack = tar.pack();
  const gzip = createGzip();
  let written = 0;
  const counter = new PassThrough();
  counter.on("data", (chunk: Buffer) => {
    written += chunk.length;
  });
  pack.on("error", (error: Error) => gzip.destroy(error));
  pack.pipe(gzip);
  const done = pipeline(gzip, counter, output);
  let failure: Error | undefined;
  // Surfaced by finish() or by the entry being written when the output fails.
  done.catch((error: Error) => {
    failure ??= error;
  });

  const addStream = async (name: string, body: Readable, size: number) => {
    const hash = createHash("sha256");
    let seen = 0;
    let finished: (error?: Error | null) => void = () => {};
    const entryDone = new Promise<void>((resolve, reject) => {
      finished = (error) => (error ? reject(error) : resolve());
    });
    const entry = pack.entry({ name, size, mode: 0o644, mtime: new Date(0) }, (error) =>
      finished(error),
    );
    try {
      for await (const chunk of body) {
        if (failure) throw failure;
        const bytes = chunk as Buffer;
        hash.update(bytes);
        seen += bytes.length;
        if (seen > size) throw new Error(`${name}: more than the ${size} bytes expected.`);
        if (!entry.write(bytes)) {
          await Promise.race([
            new Promise<void>((resolve) => entry.once("drain", () => resolve())),
            done.then(() => {}),
          ]);
        }
      }
      if (seen !== size) throw new Error(`${name}: expected ${size} bytes, read ${seen}.`);
      entry.end(undefined);
      await Promise.race([entryDone, done.then(() => {})]);
      if (failure) throw failure;
    } catch (error) {
      body.destroy();
      throw error;
    }
    return { size, sha256: hash.digest("hex") };
  };

  return {
    addStream,
    addBuffer: (name, data) => addStream(name, bufferStream(data), data.length),
    addFile: (name, path, size) => addStream(name, createReadStream(path), size),
    async finish() {
      pack.finalize();
      await done;
      return written;
    },
    abort(error) {
      pack.destroy(error);
      gzip.destroy(error);
      output.destroy(error);
    },
  };
}

function bufferStream(data: Buffer): Readable {
  const stream = new PassThrough();
  stream.end(data);
  return stream;
}

/** One entry as it is read: its name and its bytes, to consume (or skip) before the next. */
export interface ArchiveEntry {
  name: string;
  size: number;
  body: Readable;
}

/**
 * Reads the entries of an archive file in order. The loop body must consume `body` or leave it
 * to be drained; breaking out of the loop stops reading.
 */
export async function* readArchive(path: string): AsyncGenerator<ArchiveEntry> {
  const extract = tar.extract();
  const file = createReadStream(path);
  const gunzip = createGunzip();
  const fail = (error: Error) => extract.destroy(error);
  file.on("error", fail);
  gunzip.on("error", fail);
  file.pipe(gunzip).pipe(extract as unknown as Writable);
  try {
    for await (const entry of extract) {
      // A Node stream over tar-stream's streamx one, so callers may pipeline() it.
      const body = Readable.from(entry, { objectMode: false });
      yield { name: entry.header.name, size: entry.header.size ?? 0, body };
      // Whatever the caller left unread is skipped.
      entry.resume();
    }
  } finally {
    file.destroy();
    gunzip.destroy();
    extract.destroy();
  }
}

/** sha256 and byte count of a stream, consuming it. */
export async function hashStream(body: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest("hex") };
}

/** The lines of an NDJSON stream, hashed on the way: `result()` is valid once they are read. */
export function ndjsonLines(body: Readable) {
  const hash = createHash("sha256");
  let size = 0;
  async function* lines(): AsyncGenerator<string> {
    let rest = "";
    body.setEncoding("utf8");
    for await (const chunk of body) {
      const text = chunk as string;
      hash.update(text);
      size += Buffer.byteLength(text);
      rest += text;
      let start = 0;
      for (let newline = rest.indexOf("\n"); newline >= 0; newline = rest.indexOf("\n", start)) {
        yield rest.slice(start, newline);
        start = newline + 1;
      }
      rest = rest.slice(start);
    }
    if (rest !== "") yield rest;
  }
  return { lines: lines(), result: () => ({ size, sha256: hash.digest("hex") }) };
}
