// Boots a Cairn server: database (migrated), app, HTTP listener, and an orderly stop.
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  type BackupScheduler,
  CollectionRegistry,
  createBackupScheduler,
  createCtx,
  createEventWake,
  createFileStorage,
  createRequestLogWriter,
  createWebhookWorker,
  type EventWake,
  type FileStorage,
  issueSetupLink,
  pruneEvents,
  pruneExpired,
  pruneRequestLogs,
  pruneWebhookDeliveries,
  sweepFiles,
  type WebhookWorker,
} from "@cairn/core";
import { createDb, type Database } from "@cairn/db";
import type { ServerType } from "@hono/node-server";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { createMetrics } from "./http/metrics.js";
import type { Logger } from "./logger.js";
import { closeRealtimeStreams } from "./routes/realtime.js";

export interface RunningServer {
  /** The base URL it listens on, e.g. http://127.0.0.1:8090. */
  readonly url: string;
  readonly database: Database;
  /** Where file bytes live: local disk under <dataDir>/storage, S3 when the settings say so. */
  readonly files: FileStorage;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes storage
   * and the db. */
  stop(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const started = performance.now();
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // Local files live beside the embedded database, also when Postgres is elsewhere; S3 (the
  // `storage` setting) is what several replicas share.
  const files = createFileStorage({
    database,
    localRoot: join(config.dataDir, "storage"),
    log: logger,
  });
  let server: ServerType;
  let events: EventWake | undefined;
  let webhooks: WebhookWorker | undefined;
  let backups: BackupScheduler | undefined;
  let unfollowSchema: (() => Promise<void>) | undefined;
  const collections = new CollectionRegistry(database);
  // Requests are stored in batches off their path; flushed on stop.
  const requestLogs = createRequestLogWriter({ database, log: logger });
  try {
    // Schema changes made through another replica drop this one's cached schema.
    unfollowSchema = await collections.follow();
    events = await createEventWake(database);
    // One registry for the process: the app's requests, the worker's deliveries, process stats.
    const metrics = createMetrics({ database, requestLogs, processMetrics: true });
    const app = createApp({
      config,
      database,
      logger,
      collections,
      files,
      events,
      requestLogs,
      metrics,
    });
    // Every replica runs one; they share the work through the database.
    webhooks = createWebhookWorker({
      database,
      events,
      log: logger,
      // The embedded database is this process's alone: a crash's claims are ours to release.
      soleWorker: database.driver === "pglite",
      onAttempt: metrics.webhookAttempt,
    });
    await webhooks.start();
    // Scheduled backups: every replica checks each minute; an advisory lock picks one to run.
    backups = createBackupScheduler({ database, collections, files, log: logger });
    server = await new Promise<ServerType>((resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
        resolve(listening),
      );
      listening.once("error", reject);
    });
  } catch (error) {
    await backups?.stop();
    await webhooks?.stop();
    await requestLogs.stop();
    await events?.close();
    await unfollowSchema?.();
    await files.close();
    await database.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    {
      url,
      console: `${config.publicUrl ?? url}/_/`,
      database: database.driver,
      dataDir: database.driver === "pglite" ? config.dataDir : undefined,
      storage: await activeStorage(files),
      startupMs: Math.round(performance.now() - started),
    },
    "cairn is ready",
  );

  // First run: whoever can read this server's output may create the first superuser.
  const setupLink = await issueSetupLink(
    createCtx({
      database,
      collections: new CollectionRegistry(database),
      baseUrl: config.publicUrl ?? url,
    }),
  );
  if (setupLink) {
    logger.warn(
      {},
      "no superuser yet: open the setup link printed below (valid 24 h), or run `cairn superuser create`",
    );
  }
  // The log holds lines back to write them in batches: the start-up lines go out now (scripts
  // wait for "cairn is ready"), and before the link.
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  if (setupLink) {
    // On stderr, as text: it is for the operator's eyes, not for the JSON log stream.
    process.stderr.write(`\n  Create the first superuser: ${setupLink}\n\n`);
  }

  // Hourly, idempotent on any replica: expired tokens, sessions and rate-limit windows go, and
  // the file sweep removes unattached uploads and finishes interrupted deletions.
  const housekeeping = setInterval(
    () => {
      const ctx = createCtx({ database, collections: new CollectionRegistry(database), files });
      pruneExpired({ ctx })
        .then(() => pruneEvents({ ctx }))
        .then(() => pruneWebhookDeliveries({ ctx }))
        .then(() => pruneRequestLogs({ ctx }))
        .then(() => sweepFiles({ ctx }))
        .catch((error: unknown) => logger.warn({ err: error }, "housekeeping failed"));
    },
    60 * 60 * 1000,
  );
  housekeeping.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("shutting down: no new connections, finishing in-flight requests");
      clearInterval(housekeeping);
      // Realtime streams never finish on their own: end them (clients resume elsewhere).
      await closeRealtimeStreams(events);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; in-flight requests keep theirs.
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), config.shutdownTimeoutMs);
      });
      if ((await Promise.race([closed, deadline])) === "timeout") {
        logger.warn("in-flight requests did not finish in time; closing their connections");
        if ("closeAllConnections" in server) server.closeAllConnections();
        await closed;
      }
      clearTimeout(timer);
      // A backup in progress is stopped (its row says so) before storage and db close.
      await backups?.stop();
      // Deliveries in flight get a moment to finish; the rest are released for later.
      await webhooks?.stop();
      // The last requests' log entries, before the database goes.
      await requestLogs.stop();
      await events?.close();
      await unfollowSchema?.();
      await files.close();
      await database.close();
      logger.info("stopped");
    })();
    return stopping;
  };
  return { url, database, files, stop };
}

/** The backend new files go to, for the ready line; a storage problem must not stop the boot. */
async function activeStorage(files: FileStorage): Promise<string> {
  try {
    return (await files.active()).kind;
  } catch (error) {
    return `unavailable (${error instanceof Error ? error.message : String(error)})`;
  }
}
