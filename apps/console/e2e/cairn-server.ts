// Runs the built server (apps/server/dist/cli.js) as a child process on a fresh data directory and
// a loopback port, as an operator would, and hands back its URL and first-run setup link. It never
// builds anything (`pnpm e2e` does) and never talks to anything but 127.0.0.1.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cliPath = fileURLToPath(new URL("../../server/dist/cli.js", import.meta.url));
const consoleBuild = fileURLToPath(new URL("../dist", import.meta.url));
const setupLinkPattern = /Create the first superuser: (\S+)/;

export interface CairnServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** The one-time link printed on first run, e.g. http://127.0.0.1:40123/_/setup?token=… */
  readonly setupLink: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited in time; removes its temporary directory. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the server's stdout and stderr go, for reading after a failure. */
  logFile: string;
  /** How long to wait for the setup link. */
  timeoutMs?: number;
}

export async function startCairnServer({
  logFile,
  timeoutMs = 60_000,
}: StartOptions): Promise<CairnServer> {
  if (!existsSync(cliPath)) {
    throw new Error(`No server build at ${cliPath}: run \`pnpm build\` (or \`pnpm e2e\`) first.`);
  }
  // CAIRN_CONSOLE_DIR tests another console build than this tree's.
  const consoleSource = process.env.CAIRN_CONSOLE_DIR ?? consoleBuild;
  if (!existsSync(join(consoleSource, "index.html"))) {
    throw new Error(`No console build in ${consoleSource}: run \`pnpm build\` first.`);
  }
  const root = await mkdtemp(join(tmpdir(), "cairn-e2e-"));
  const dataDir = join(root, "data");
  // A copy, so that a rebuild while the suite runs (vite empties dist/) cannot pull the pages
  // from under it.
  const consoleDir = join(root, "console");
  await cp(consoleSource, consoleDir, { recursive: true });
  // The developer's own CAIRN_* and DATABASE_URL must not leak in: a fresh embedded database is
  // what makes the setup link appear.
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === "DATABASE_URL" || key === "PORT") continue;
    if (key.startsWith("CAIRN_")) continue;
    env[key] = value;
  }
  Object.assign(env, {
    CAIRN_DATA_DIR: dataDir,
    CAIRN_CONSOLE_DIR: consoleDir,
    CAIRN_HOST: "127.0.0.1",
    // Port 0: the kernel picks a free one with no race; the setup link tells us which.
    PORT: "0",
    CAIRN_LOG_LEVEL: "warn",
    // The specs sign in more often than a person would; the limit itself has its own tests.
    CAIRN_AUTH_RATE_LIMIT: "1000",
  });

  const child = spawn(process.execPath, [cliPath, "serve"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const cleanUp = async () => {
    log.end();
    await rm(root, { recursive: true, force: true });
  };

  let setupLink: string;
  try {
    setupLink = await waitForSetupLink(child, exited, timeoutMs, logFile);
  } catch (error) {
    await stopChild(child, exited);
    await cleanUp();
    throw error;
  }
  const pid = child.pid!;
  return {
    url: new URL(setupLink).origin,
    setupLink,
    pid,
    async stop() {
      await stopChild(child, exited);
      await cleanUp();
    },
  };
}

function waitForSetupLink(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
  logFile: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => {
      reject(
        new Error(`No setup link on the server's stderr within ${timeoutMs} ms; see ${logFile}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = setupLinkPattern.exec(stderr);
      if (!match) return;
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      resolve(match[1]!);
    };
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (code ${code}) before it was ready; see ${logFile}`));
    });
  });
}

/** By PID only: the server's own SIGTERM handler drains and closes the database. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), 15_000);
  });
  if ((await Promise.race([exited, late])) === "late") {
    child.kill("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}
