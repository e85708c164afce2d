#!/usr/bin/env node
// The `cairn` command: operator entry point. Reads the environment once, here.
import { parseArgs } from "node:util";
import { createDb, DatabaseUnreachableError, DataDirInUseError } from "@cairn/db";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

const usage = `Usage: cairn <command>

Commands:
  serve     Start the server (default). Applies pending migrations first.
  migrate   Apply pending database migrations and exit.

Configuration comes from environment variables; see docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: "boolean", short: "h" } },
  });
  const command = positionals[0] ?? "serve";
  if (values.help || command === "help") {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const config = loadConfig(process.env);
  const logger = createLogger(config);

  switch (command) {
    case "serve": {
      const server = await startServer(config, logger);
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          logger.info({ signal }, "signal received");
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
          server.stop().then(resolve);
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      });
      return 0;
    }
    case "migrate": {
      const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      await database.close();
      logger.info({ database: database.driver }, "migrations applied");
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      error instanceof DataDirInUseError ||
      error instanceof DatabaseUnreachableError
    ) {
      process.stderr.write(`cairn: ${error.message}\n`);
    } else {
      process.stderr.write(
        `cairn: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exitCode = 1;
  },
);
