// `cairn backup` and `cairn restore`: the operator's side of core/backups. Prints progress on
// stderr (stdout may carry the archive) and answers with the CLI's exit codes: 0, 1 failed, 2 usage.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { access, rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { type Ctx, createBackup, isCairnError, restoreBackup } from "@cairn/core";
import { backupUsage, restoreUsage } from "./cli-help.js";
import type { Config } from "./config.js";

type WithCliCtx = (
  config: Config,
  run: (ctx: Ctx) => Promise<number>,
  options?: { files?: boolean },
) => Promise<number>;

export async function backupCommand(
  config: Config,
  args: string[],
  options: { out: string | undefined; noFiles: boolean },
  withCliCtx: WithCliCtx,
): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(`${backupUsage}\n`);
    return 2;
  }
  const toStdout = options.out === "-";
  const file =
    options.out ??
    `cairn-backup-${new Date()
      .toISOString()
      .replace(/[:]/g, "-")
      .replace(/\.\d+Z$/, "Z")}.tar.gz`;
  return withCliCtx(
    config,
    async (ctx) => {
      let output: Writable = process.stdout;
      if (!toStdout) {
        const stream = createWriteStream(file, { flags: "wx" });
        try {
          await once(stream, "open");
        } catch (error) {
          process.stderr.write(`cairn: cannot write ${file}: ${(error as Error).message}\n`);
          return 1;
        }
        output = stream;
      }
      try {
        const summary = await createBackup({
          ctx,
          input: { output, includeFiles: !options.noFiles },
        });
        for (const missing of summary.manifest.missingFiles) {
          process.stderr.write(
            `cairn: warning: ${missing.key} (${missing.storage}) was gone when read; left out.\n`,
          );
        }
        process.stderr.write(
          `${toStdout ? "Wrote the backup" : `Wrote ${file}`}: ${summary.tables} tables, ` +
            `${summary.rows} rows, ${summary.files} files, ${summary.size} bytes.\n`,
        );
        return 0;
      } catch (error) {
        if (!toStdout) await rm(file, { force: true });
        throw error;
      }
    },
    { files: !options.noFiles },
  );
}

export async function restoreCommand(
  config: Config,
  args: string[],
  options: { force: boolean },
  withCliCtx: WithCliCtx,
): Promise<number> {
  const [file, ...extra] = args;
  if (!file || extra.length > 0) {
    process.stderr.write(`${restoreUsage}\n`);
    return 2;
  }
  try {
    await access(file);
  } catch {
    process.stderr.write(`cairn: cannot read ${file}.\n`);
    return 1;
  }
  return withCliCtx(
    config,
    async (ctx) => {
      try {
        const result = await restoreBackup({
          ctx,
          input: {
            path: file,
            force: options.force,
            onProgress: (message) => process.stderr.write(`${message}\n`),
          },
        });
        for (const key of result.missingFiles) {
          process.stderr.write(`cairn: warning: ${key} has no bytes in the archive.\n`);
        }
        process.stdout.write(
          `Restored ${result.tables} tables (${result.rows} rows) and ${result.files} files ` +
            `(${result.bytes} bytes) from a backup of ${result.manifest.createdAt}.\n`,
        );
        return 0;
      } catch (error) {
        // A non-empty instance is the operator's call (--force), like a usage error.
        if (isCairnError(error) && error.code === "CONFLICT") {
          process.stderr.write(`cairn: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
    },
    { files: true },
  );
}
