import type {
  Actor,
  CollectionRegistry,
  EventWake,
  FileStorage,
  RequestLogWriter,
} from "@cairn/core";
import type { Database } from "@cairn/db";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";

/** What createApp needs; built once by the caller (the server, or a test). */
export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  /** The schema cache; one per process. Created by createApp when not given. */
  collections?: CollectionRegistry;
  /** Where file bytes live (the server builds it from the storage setting). */
  files?: FileStorage;
  /** Wakes outbox readers (realtime, webhooks) when events commit, on any replica. */
  events?: EventWake;
  /** Where the request log goes (the server makes one); without it, only the pino line. */
  requestLogs?: RequestLogWriter;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    actor: Actor;
    /** The error envelope's code, set when one is sent (for the request log). */
    errorCode: string;
  };
}
