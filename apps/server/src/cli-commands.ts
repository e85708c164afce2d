// The CLI's commands themselves, loaded by cli.ts only once help and usage are dealt with, so
// `cairn --help` answers without loading the server. Reads the environment once, here.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  applySchema,
  CollectionRegistry,
  type Ctx,
  createCtx,
  createFileStorage,
  createSuperuser,
  deleteSuperuser,
  exportSchema,
  isCairnError,
  listSuperusers,
  type MigrateFilesProgress,
  migrateFiles,
  planSchema,
  type StorageKind,
  storageKinds,
} from "@cairn/core";
import { createDb, DatabaseUnreachableError, DataDirInUseError } from "@cairn/db";
import { backupCommand, restoreCommand } from "./cli-backup.js";
import { filesUsage, usage } from "./cli-help.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

export interface CommandLine {
  command: string;
  /** The words after the command. */
  args: string[];
  values: {
    out?: string | undefined;
    password?: string | undefined;
    "allow-destructive"?: boolean | undefined;
    to?: string | undefined;
    "dry-run"?: boolean | undefined;
    "no-files"?: boolean | undefined;
    force?: boolean | undefined;
  };
}

/** Runs one known command; answers its exit code. Operator mistakes print as one line, not a stack. */
export async function runCommand(line: CommandLine): Promise<number> {
  try {
    return await dispatch(line);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof DataDirInUseError ||
      error instanceof DatabaseUnreachableError
    ) {
      process.stderr.write(`cairn: ${error.message}\n`);
      return 1;
    }
    if (isCairnError(error)) {
      // Refused input (a taken email, a short password, an invalid document): its words, not a
      // stack trace.
      const fields = Object.entries(error.fields ?? {}).map(
        ([field, problem]) => `\n  ${field}: ${problem.message}`,
      );
      process.stderr.write(`cairn: ${error.message}${fields.join("")}\n`);
      return 1;
    }
    throw error;
  }
}

async function dispatch({ command, args, values }: CommandLine): Promise<number> {
  const config = loadConfig(process.env);
  const logger = createLogger(config);

  switch (command) {
    case "serve": {
      // Heard from the start: a signal that comes while the server starts (its "ready" line may
      // be out before startServer returns) stops it as soon as it has started.
      let onSignal: (signal: NodeJS.Signals) => void = () => {};
      const signalled = new Promise<NodeJS.Signals>((resolve) => {
        onSignal = resolve;
      });
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        const server = await startServer(config, logger);
        const signal = await signalled;
        logger.info({ signal }, "signal received");
        await server.stop();
        return 0;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    }
    case "migrate": {
      const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      await database.close();
      logger.info({ database: database.driver }, "migrations applied");
      return 0;
    }
    case "superuser":
      return superuserCommand(
        config,
        args,
        values.password ?? process.env.CAIRN_SUPERUSER_PASSWORD,
      );
    case "schema":
      return schemaCommand(config, args, {
        out: values.out,
        allowDestructive: values["allow-destructive"] === true,
      });
    case "typegen":
      return typegenCommand(config, args, values.out);
    case "files":
      return filesCommand(config, args, {
        to: values.to,
        dryRun: values["dry-run"] === true,
      });
    case "backup":
      return backupCommand(
        config,
        args,
        { out: values.out, noFiles: values["no-files"] === true },
        withCliCtx,
      );
    case "restore":
      return restoreCommand(config, args, { force: values.force === true }, withCliCtx);
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
      return 2;
  }
}

/** Runs an operator command straight on the database, acting as a superuser ("cli"). */
async function withCliCtx(
  config: Config,
  run: (ctx: Ctx) => Promise<number>,
  options: { files?: boolean } = {},
): Promise<number> {
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // The same storage the server uses: local disk under the data directory, S3 from the settings.
  const files = options.files
    ? createFileStorage({ database, localRoot: join(config.dataDir, "storage") })
    : undefined;
  try {
    const ctx = createCtx({
      database,
      collections: new CollectionRegistry(database),
      files,
      actor: { kind: "superuser", id: "cli", email: "cli" },
    });
    return await run(ctx);
  } finally {
    await files?.close();
    await database.close();
  }
}

async function superuserCommand(
  config: Config,
  args: string[],
  password: string | undefined,
): Promise<number> {
  const [sub, email] = args;
  if (sub !== "create" && sub !== "list" && sub !== "delete") {
    process.stderr.write(`Usage: cairn superuser create|list|delete\n\n${usage}\n`);
    return 2;
  }
  if (sub !== "list" && !email) {
    process.stderr.write(`cairn superuser ${sub} needs an EMAIL.\n`);
    return 2;
  }
  return withCliCtx(config, async (ctx) => {
    if (sub === "list") {
      for (const superuser of await listSuperusers({ ctx })) {
        process.stdout.write(`${superuser.email}\t${superuser.created}\n`);
      }
      return 0;
    }
    if (sub === "delete") {
      const match = (await listSuperusers({ ctx })).find(
        (s) => s.email.toLowerCase() === email!.toLowerCase(),
      );
      if (!match) {
        process.stderr.write(`cairn: no superuser ${email}\n`);
        return 1;
      }
      await deleteSuperuser({ ctx, input: { id: match.id } });
      process.stdout.write(`Removed superuser ${match.email}\n`);
      return 0;
    }
    if (!password) {
      process.stderr.write(
        "cairn: give the password with --password or CAIRN_SUPERUSER_PASSWORD.\n",
      );
      return 2;
    }
    const created = await createSuperuser({ ctx, input: { email, password } });
    process.stdout.write(`Created superuser ${created.email}\n`);
    return 0;
  });
}

async function schemaCommand(
  config: Config,
  args: string[],
  options: { out: string | undefined; allowDestructive: boolean },
): Promise<number> {
  const [sub, file] = args;
  if (sub !== "export" && sub !== "plan" && sub !== "apply") {
    process.stderr.write(`Usage: cairn schema export|plan|apply\n\n${usage}\n`);
    return 2;
  }
  if (sub !== "export" && !file) {
    process.stderr.write(`cairn schema ${sub} needs a FILE.\n`);
    return 2;
  }
  return withCliCtx(config, async (ctx) => {
    if (sub === "export") {
      const text = `${JSON.stringify(await exportSchema({ ctx }), null, 2)}\n`;
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
      return 0;
    }
    const document = JSON.parse(await readFile(file!, "utf8")) as unknown;
    const plan =
      sub === "plan"
        ? await planSchema({ ctx, input: { document } })
        : await applySchema({
            ctx,
            input: { document, allowDestructive: options.allowDestructive },
          });
    if (plan.steps.length === 0) process.stdout.write("The schema already matches.\n");
    for (const step of plan.steps) {
      process.stdout.write(`${step.destructive ? "! " : "  "}${step.description}\n`);
    }
    if (sub === "plan" && plan.destructive) {
      process.stdout.write(
        "\n! marks steps that drop data: apply them with --allow-destructive.\n",
      );
    }
    return 0;
  });
}

async function typegenCommand(
  config: Config,
  args: string[],
  out: string | undefined,
): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(`Usage: cairn typegen [--out FILE]\n\n${usage}\n`);
    return 2;
  }
  return withCliCtx(config, async (ctx) => {
    // Loaded here, not at the top: `serve` must not need the SDK's build output.
    const { generateTypes } = await import("@cairn/client/typegen");
    // The exported document, as GET /api/schema answers it: same input, same types.
    const types = generateTypes(await exportSchema({ ctx }));
    if (out) {
      await writeFile(out, types);
      process.stderr.write(`Wrote ${out}\n`);
    } else process.stdout.write(types);
    return 0;
  });
}

async function filesCommand(
  config: Config,
  args: string[],
  options: { to: string | undefined; dryRun: boolean },
): Promise<number> {
  const [sub, ...extra] = args;
  if (sub !== "migrate" || extra.length > 0) {
    process.stderr.write(`${filesUsage}\n`);
    return 2;
  }
  const to = options.to;
  if (to !== undefined && !storageKinds.includes(to as StorageKind)) {
    process.stderr.write(`cairn: --to must be one of ${storageKinds.join(", ")}.\n`);
    return 2;
  }
  return withCliCtx(
    config,
    async (ctx) => {
      // Ctrl-C finishes the file in hand, so nothing is left half-moved; a second one kills.
      const stop = new AbortController();
      const onSignal = () => {
        process.stderr.write("cairn: stopping after this file (again to force)\n");
        stop.abort();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const verb = options.dryRun ? "would move" : "moved";
      const onProgress = (step: MigrateFilesProgress) => {
        const what = step.outcome === "moved" ? verb : step.outcome;
        const why = step.message ? `: ${step.message}` : "";
        process.stderr.write(
          `[${step.done}/${step.total}] ${what} ${step.file.key} (${step.file.from}, ${step.file.size} bytes)${why}\n`,
        );
      };
      try {
        const result = await migrateFiles({
          ctx,
          input: {
            to: to as StorageKind | undefined,
            dryRun: options.dryRun,
            onProgress,
            signal: stop.signal,
          },
        });
        for (const leftover of result.leftovers) {
          process.stderr.write(
            `cairn: ${leftover.key} moved, but its old copy on ${leftover.from} is still there: ${leftover.message}\n`,
          );
        }
        const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
        process.stdout.write(
          `${options.dryRun ? "Would move" : "Moved"} ${files(result.moved)} (${result.bytes} bytes) to ${result.to}; ` +
            `${result.skipped} skipped, ${result.failed} failed${result.aborted ? ", stopped early" : ""}.\n`,
        );
        for (const failure of result.failures) {
          process.stdout.write(`  failed ${failure.key} (${failure.from}): ${failure.message}\n`);
        }
        return result.failed > 0 || result.aborted ? 1 : 0;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    },
    { files: true },
  );
}
