#!/usr/bin/env node
// The `cairn` command: operator entry point. Answers help and usage mistakes from plain text,
// then loads the commands (and with them the server) only for a command that will run.
import { parseArgs } from "node:util";
import {
  backupUsage,
  filesUsage,
  migrateUsage,
  restoreUsage,
  schemaUsage,
  serveUsage,
  superuserUsage,
  typegenUsage,
  usage,
} from "./cli-help.js";

const helps: Record<string, string> = {
  serve: serveUsage,
  migrate: migrateUsage,
  superuser: superuserUsage,
  schema: schemaUsage,
  typegen: typegenUsage,
  files: filesUsage,
  backup: backupUsage,
  restore: restoreUsage,
};

const parseCommandLine = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      out: { type: "string" },
      password: { type: "string" },
      "allow-destructive": { type: "boolean" },
      to: { type: "string" },
      "dry-run": { type: "boolean" },
      "no-files": { type: "boolean" },
      force: { type: "boolean" },
    },
  });

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    // Unknown options and missing option values are usage errors, like unknown commands.
    process.stderr.write(`cairn: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const command = positionals[0] ?? "serve";
  if (values.help || command === "help") {
    process.stdout.write(`${helps[command] ?? usage}\n`);
    return 0;
  }
  if (!(command in helps)) {
    process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
    return 2;
  }
  const { runCommand } = await import("./cli-commands.js");
  return runCommand({ command, args: positionals.slice(1), values });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `cairn: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
