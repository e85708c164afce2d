// Starts `cairn serve` as a child process, the way an operator runs it, for tests that need
// more than one server (replicas sharing one Postgres). Resolves once it logs "cairn is ready".
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));
const cli = join(repoRoot, "apps/server/src/cli.ts");

export interface CairnProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startCairnProcess(env: Record<string, string>): Promise<CairnProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), "cairn-replica-"));
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", cli, "serve"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      CAIRN_LOG_LEVEL: "info",
      CAIRN_SHUTDOWN_TIMEOUT_MS: "5000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 60 s: ${stderr}`)), 60_000);
      let partial = "";
      child.stdout.on("data", (chunk) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.startsWith("{")) continue;
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === "cairn is ready" && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`cairn exited (${code}) before it was ready: ${stderr}`));
      });
    });
    return {
      url,
      async stop() {
        child.kill("SIGTERM");
        await exited;
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
