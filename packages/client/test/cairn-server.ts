// Starts a real Cairn server as a child process for the SDK's end-to-end tests, the way an
// operator runs it (`cairn serve`), on a temp data dir (PGlite) or a Postgres test database.
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const cli = join(repoRoot, "apps/server/src/cli.ts");

export interface TestServer {
  url: string;
  /** The first-superuser setup token the server printed (the server had none yet). */
  setupToken: string;
  stop(): Promise<void>;
}

/** `name`: the test file's name without `.test.ts`, for its Postgres database. */
export async function startCairn(name: string): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "cairn-sdk-"));
  const databaseUrl = inject("cairnClientDatabases")[name];
  if (process.env.TEST_DATABASE_URL && !databaseUrl) {
    throw new Error(`No test database for "${name}": name the file ${name}.server.test.ts.`);
  }
  const template = inject("cairnClientDataDir");
  if (template) await cp(template, dataDir, { recursive: true });
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", cli, "serve"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      CAIRN_AUTH_RATE_LIMIT: "10000",
      CAIRN_LOG_LEVEL: "info",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    const { url, stderr } = await untilReady(child);
    const setupToken = /\/_\/setup\?token=([a-z2-7]+)/.exec(await stderr)?.[1];
    if (!setupToken) throw new Error("The server printed no setup link.");
    return {
      url,
      setupToken,
      async stop() {
        child.kill("SIGTERM");
        await exit;
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The URL from the "cairn is ready" line, and stderr up to the setup link. */
function untilReady(child: ChildProcess): Promise<{ url: string; stderr: Promise<string> }> {
  let stderr = "";
  const linked = new Promise<string>((resolve) => {
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
      if (/setup\?token=[a-z2-7]+\s/.test(stderr)) resolve(stderr);
    });
    child.once("exit", () => resolve(stderr));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 110 s: ${stderr}`)), 110_000);
    let partial = "";
    child.stdout?.on("data", (chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "cairn is ready" && entry.url) {
          clearTimeout(timer);
          resolve({ url: entry.url, stderr: linked });
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn exited (${code}) before it was ready: ${stderr}`));
    });
  });
}
