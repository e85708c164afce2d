// The FileStorage the server runs on, driven by the `storage` setting: local disk always exists
// (files stored there stay readable after a switch), S3 is opened from the setting when asked for.
// Every replica follows a change within `refreshMs`; this one at once after invalidate(). Works
// outside requests (no Ctx), and never puts a secret in a log line or an error message.
import { type Db, schema } from "@cairn/db";
import {
  canPresign,
  createLocalStorage,
  createS3Storage,
  type GetOptions,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutOptions,
  type S3StorageOptions,
  type SignalOption,
  type StorageAdapter,
  storageErrors,
} from "@cairn/storage";
import { eq } from "drizzle-orm";
import type { Log } from "../context.js";
import { type StorageSettings, storageSettingsSchema } from "../settings/settings-store.js";
import type { FileStorage, StorageKind } from "./file-storage.js";

/** S3StorageOptions that are tuning rather than settings (timeouts, part sizes, a key prefix). */
export type S3Tuning = Omit<
  S3StorageOptions,
  "endpoint" | "region" | "bucket" | "accessKeyId" | "secretAccessKey" | "forcePathStyle"
>;

export interface CreateFileStorageOptions {
  /** Where the `storage` setting is read from. */
  database: { db: Db };
  /** The local backend's directory; the server passes `<dataDir>/storage`. */
  localRoot: string;
  /** Re-read the setting at most this often (default 5 s), so other replicas follow a change. */
  refreshMs?: number;
  log?: Log;
  /** Applied to every S3 adapter opened (tests shorten timeouts and retries with it). */
  s3Tuning?: S3Tuning;
  /** Opens an S3 adapter; createS3Storage by default (tests observe adapters through it). */
  createS3?: (options: S3StorageOptions) => StorageAdapter;
}

/** The stored `storage` setting, read without a Ctx; defaults when unset or invalid. */
export async function readStorageSettings(db: Db): Promise<StorageSettings> {
  const [row] = await db
    .select({ value: schema.settings.value })
    .from(schema.settings)
    .where(eq(schema.settings.key, "storage"));
  const parsed = storageSettingsSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : storageSettingsSchema.parse({});
}

/** Whether the S3 section names a bucket and credentials (it may still fail its check). */
export function isS3Configured(s3: StorageSettings["s3"]): boolean {
  return s3.bucket !== "" && s3.accessKeyId !== "" && s3.secretAccessKey !== "";
}

/** The adapter options for the S3 section of the setting. */
export function s3StorageOptions(
  s3: StorageSettings["s3"],
  tuning: S3Tuning = {},
): S3StorageOptions {
  return {
    ...tuning,
    endpoint: s3.endpoint === "" ? undefined : s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: s3.forcePathStyle,
  };
}

export function s3NotConfigured(): Error {
  return storageErrors.unavailable(
    "S3 storage is not configured. Set its bucket, access key id and secret access key in the " +
      "storage settings (PATCH /api/settings/storage).",
  );
}

const silent: Log = { info() {}, warn() {}, error() {} };

/**
 * @example const files = createFileStorage({ database, localRoot: join(config.dataDir, "storage") });
 *          const { kind, adapter } = await files.active(); // where a new upload goes
 */
export function createFileStorage(options: CreateFileStorageOptions): FileStorage {
  const refreshMs = options.refreshMs ?? 5_000;
  const log = options.log ?? silent;
  const openS3 = options.createS3 ?? createS3Storage;
  const local = createLocalStorage({ root: options.localRoot });

  let settings: StorageSettings | undefined;
  let readAt = 0;
  // Bumped by invalidate(): a read that started before it must not become the cached value.
  let generation = 0;
  let reading: { generation: number; promise: Promise<StorageSettings> } | undefined;
  let s3: { fingerprint: string; tracked: TrackedAdapter } | undefined;
  const retired = new Set<TrackedAdapter>();
  let closed = false;

  const retireS3 = () => {
    if (!s3) return;
    const old = s3.tracked;
    s3 = undefined;
    retired.add(old);
    void old.retire().then(() => retired.delete(old));
  };

  const read = (): Promise<StorageSettings> => {
    const started = generation;
    const promise = readStorageSettings(options.database.db).then(
      (next) => {
        if (started === generation) {
          settings = next;
          readAt = Date.now();
          // A changed S3 section: the old client goes once its requests are done, even if
          // nothing asks for S3 again.
          if (s3 && s3.fingerprint !== JSON.stringify(next.s3)) retireS3();
        }
        return next;
      },
      (error: unknown) => {
        // Database trouble: keep serving the last known settings rather than failing files.
        if (settings) {
          readAt = Date.now();
          log.warn({ err: error }, "could not re-read the storage settings; keeping the last ones");
          return settings;
        }
        throw storageErrors.unavailable("the storage settings could not be read.", error);
      },
    );
    reading = { generation: started, promise };
    const done = () => {
      if (reading?.promise === promise) reading = undefined;
    };
    promise.then(done, done);
    return promise;
  };

  const current = (): Promise<StorageSettings> => {
    if (closed) return Promise.reject(storageErrors.unavailable("file storage is closed."));
    if (settings && Date.now() - readAt < refreshMs) return Promise.resolve(settings);
    if (reading && reading.generation === generation) return reading.promise;
    return read();
  };

  const s3Adapter = (from: StorageSettings): StorageAdapter => {
    if (!isS3Configured(from.s3)) throw s3NotConfigured();
    const fingerprint = JSON.stringify(from.s3);
    if (s3?.fingerprint !== fingerprint) {
      retireS3();
      s3 = { fingerprint, tracked: track(openS3(s3StorageOptions(from.s3, options.s3Tuning))) };
      const { endpoint, region, bucket, forcePathStyle } = from.s3;
      log.info(
        { endpoint: endpoint || "(AWS)", region, bucket, forcePathStyle },
        "S3 file storage opened",
      );
    }
    return s3.tracked.adapter;
  };

  return {
    async active() {
      const now = await current();
      return now.kind === "s3"
        ? { kind: "s3", adapter: s3Adapter(now) }
        : { kind: "local", adapter: local };
    },
    async adapter(kind: StorageKind) {
      if (kind === "local") return local;
      return s3Adapter(await current());
    },
    invalidate() {
      generation += 1;
      settings = undefined;
    },
    async close() {
      closed = true;
      const open = [...retired, ...(s3 ? [s3.tracked] : [])];
      s3 = undefined;
      retired.clear();
      await Promise.all([local.close(), ...open.map((tracked) => tracked.closeNow())]);
    },
  };
}

interface TrackedAdapter {
  adapter: StorageAdapter;
  /** Closes the adapter once no request is using it (a download's body counts until it closes). */
  retire(): Promise<void>;
  closeNow(): Promise<void>;
}

/**
 * Wraps an adapter to count its requests in flight, so one replaced by a settings change is
 * closed only when the last of them (a long download included) is done. New requests on it are
 * still served until then; once closed, they fail UNAVAILABLE and the caller asks again.
 */
function track(inner: StorageAdapter): TrackedAdapter {
  let inFlight = 0;
  let retiring = false;
  let closing: Promise<void> | undefined;
  let whenClosed: () => void = () => {};
  const closedPromise = new Promise<void>((resolve) => {
    whenClosed = resolve;
  });

  const closeNow = () => {
    // A client that fails to close has nothing left to give back; the caller cannot act on it.
    closing ??= inner
      .close()
      .catch(() => {})
      .finally(whenClosed);
    return closing;
  };
  const enter = () => {
    if (closing) throw storageErrors.unavailable("the storage settings changed; try again.");
    inFlight += 1;
  };
  const leave = () => {
    inFlight -= 1;
    if (retiring && inFlight === 0) void closeNow();
  };
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    enter();
    try {
      return await work();
    } finally {
      leave();
    }
  };

  const adapter: StorageAdapter = {
    kind: inner.kind,
    capabilities: inner.capabilities,
    put: (key, body, putOptions?: PutOptions) => counted(() => inner.put(key, body, putOptions)),
    head: (key, signal?: SignalOption) => counted(() => inner.head(key, signal)),
    async get(key, getOptions?: GetOptions) {
      enter();
      let result: Awaited<ReturnType<StorageAdapter["get"]>>;
      try {
        result = await inner.get(key, getOptions);
      } catch (error) {
        leave();
        throw error;
      }
      if (!result) leave();
      else if (result.body.destroyed) leave();
      else result.body.once("close", leave);
      return result;
    },
    delete: (key, signal?: SignalOption) => counted(() => inner.delete(key, signal)),
    deletePrefix: (prefix, signal?: SignalOption) =>
      counted(() => inner.deletePrefix(prefix, signal)),
    async *list(prefix, signal?: SignalOption) {
      enter();
      try {
        yield* inner.list(prefix, signal);
      } finally {
        leave();
      }
    },
    check: (signal?: SignalOption) => counted(() => inner.check(signal)),
    // The FileStorage owns its adapters: callers never close one.
    close: async () => {},
  };
  if (canPresign(inner)) {
    // Signing is local: no request to wait for, but a closed client cannot sign.
    Object.assign(adapter, {
      presignGet: (key: string, presign: PresignGetOptions) =>
        counted(() => inner.presignGet(key, presign)),
      presignPut: (key: string, presign: PresignPutOptions) =>
        counted(() => inner.presignPut(key, presign)),
    });
  }

  return {
    adapter,
    retire() {
      retiring = true;
      if (inFlight === 0) void closeNow();
      return closedPromise;
    },
    closeNow,
  };
}
