// The CORS and rate limit settings in memory, for middleware that runs on every request: one
// read on first use, then at most one every `refreshMs` (served stale meanwhile, never a read per
// request). invalidate() makes the next get() wait for a fresh read; a NOTIFY from any replica's
// update does the same here. Works outside requests (no Ctx) and never throws from get().
import type { Database } from "@cairn/db";
import type { Log } from "../context.js";
import {
  readSecuritySettings,
  type SecuritySettings,
  securitySettingsChannel,
} from "./security-settings.js";

export interface SecuritySettingsCache {
  /** The environment's defaults, used for a section never saved. */
  readonly defaults: SecuritySettings;
  /** The settings in force; waits only on first use and right after an invalidation. */
  get(): Promise<SecuritySettings>;
  /** Drops the cached value (after this replica's own update). */
  invalidate(): void;
  /**
   * Starts listening for other replicas' changes (get() starts it too, without waiting).
   * Resolves once listening, or once listening has failed (then only the refresh applies).
   */
  follow(): Promise<void>;
  /** Stops listening for other replicas' changes. */
  close(): Promise<void>;
}

export interface SecuritySettingsCacheOptions {
  database: Pick<Database, "db" | "listen">;
  defaults: SecuritySettings;
  /** Re-read at most this often (default 5 s): the bound on staleness should a NOTIFY be missed. */
  refreshMs?: number;
  /** Listen for other replicas' changes (default true). */
  follow?: boolean;
  log?: Log;
  /** Milliseconds now; tests move time with it. */
  now?: () => number;
}

const silent: Log = { info() {}, warn() {}, error() {} };

/**
 * @example const security = createSecuritySettingsCache({ database, defaults: securityDefaults(config) });
 *          const { cors } = await security.get();
 */
export function createSecuritySettingsCache(
  options: SecuritySettingsCacheOptions,
): SecuritySettingsCache {
  const refreshMs = options.refreshMs ?? 5_000;
  const log = options.log ?? silent;
  const now = options.now ?? Date.now;
  const { defaults } = options;

  let value: SecuritySettings | undefined;
  // false after invalidate(): the value is known to be old, and get() waits for a new one.
  let fresh = false;
  let readAt = 0;
  // Bumped by invalidate(): a read that started before it must not become the cached value.
  let generation = 0;
  let reading: { generation: number; promise: Promise<SecuritySettings> } | undefined;
  let following: Promise<(() => Promise<void>) | undefined> | undefined;
  let closed = false;

  const read = (): Promise<SecuritySettings> => {
    if (reading?.generation === generation) return reading.promise;
    const started = generation;
    const promise = readSecuritySettings(options.database.db, defaults).then(
      ({ cors, rateLimits }): SecuritySettings | Promise<SecuritySettings> => {
        if (started !== generation) return read();
        value = { cors, rateLimits };
        fresh = true;
        readAt = now();
        return value;
      },
      (error: unknown) => {
        // Keep what we had (the defaults on a first read) and try again after refreshMs: a
        // database that does not answer fails the request anyway, and must not be asked on
        // every one.
        log.warn({ err: error }, "could not read the security settings; keeping the last ones");
        value ??= defaults;
        if (started === generation) {
          fresh = true;
          readAt = now();
        }
        return value;
      },
    );
    const entry = { generation: started, promise };
    reading = entry;
    void promise.finally(() => {
      if (reading === entry) reading = undefined;
    });
    return promise;
  };

  const follow = async () => {
    if (options.follow === false || closed) return;
    following ??= Promise.resolve()
      .then(() => options.database.listen(securitySettingsChannel, () => invalidate()))
      .catch((error: unknown) => {
        log.warn(
          { err: error },
          "cannot listen for security settings changes; following them by polling",
        );
        return undefined;
      });
    await following;
  };

  const invalidate = () => {
    generation += 1;
    fresh = false;
  };

  return {
    defaults,
    get() {
      if (closed) return Promise.resolve(value ?? defaults);
      void follow();
      if (value === undefined || !fresh) return read();
      if (now() - readAt >= refreshMs) void read();
      return Promise.resolve(value);
    },
    invalidate,
    follow,
    async close() {
      closed = true;
      const stop = await following;
      await stop?.().catch(() => {});
    },
  };
}
