// Builds an app over a test database, with a logger whose lines the test can read.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { CollectionRegistry, type FileStorage, fixedFileStorage } from "@cairn/core";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { createLocalStorage } from "@cairn/storage";
import { createApp } from "../app.js";
import { type Config, loadConfig } from "../config.js";
import { createLogger } from "../logger.js";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  collections: CollectionRegistry;
  database: TestDatabase;
  config: Config;
  /** Local-disk storage in a temporary folder, removed by close(). */
  files: FileStorage;
  storageRoot: string;
  /** Every JSON line the app logged, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  options: { files?: FileStorage } = {},
): Promise<TestApp> {
  // A generous auth rate limit: every request of a test shares one unknown client address.
  const config = loadConfig({
    CAIRN_DATA_DIR: "/nonexistent",
    CAIRN_AUTH_RATE_LIMIT: "10000",
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ logLevel: "info" }, sink);
  const database = await testDatabase();
  const collections = new CollectionRegistry(database);
  const storageRoot = await mkdtemp(join(tmpdir(), "cairn-files-"));
  const files =
    options.files ?? fixedFileStorage({ local: createLocalStorage({ root: storageRoot }) });
  const app = createApp({ config, database, logger, collections, files });
  const close = async () => {
    await files.close();
    await database.close();
    await rm(storageRoot, { recursive: true, force: true });
  };
  return { app, collections, database, config, files, storageRoot, logs, close };
}
