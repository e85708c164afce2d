// Server processes for the benchmarks: spawn on a free port, wait for readiness over HTTP, read
// and sample their resident memory and CPU time (Linux /proc), stop them. Never kills anything it did not start.
import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
/** The built server, as deployed: `pnpm bench` builds it first. */
export const cairnCli = fileURLToPath(new URL("../apps/server/dist/cli.js", import.meta.url));
/** The bench's own compiled scripts (tsc -b emits them): plain node, no loader in the process. */
export const benchDist = (name: string) =>
  fileURLToPath(new URL(`./dist/${name}.js`, import.meta.url));

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first 200 from the readiness URL. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `node <args>` with `env` on a free port (PORT) and polls `readyPath` every 10 ms until it
 * answers 200. Output goes to `logFile` (a server's request log costs what it costs in production,
 * where it goes to a file or a pipe too).
 */
export async function startServer(options: {
  args: string[];
  env: Record<string, string>;
  readyPath: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const out = openSync(options.logFile, "a");
  const started = performance.now();
  const child = spawn(process.execPath, options.args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      ...options.env,
    },
    stdio: ["ignore", out, out],
  });
  const url = `http://127.0.0.1:${port}`;
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited !== undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined)
      throw new Error(`${options.args.join(" ")} exited with ${exited}; see ${options.logFile}`);
    const status = await fetch(`${url}${options.readyPath}`).then(
      (response) => response.body?.cancel().then(() => response.status) ?? response.status,
      () => 0,
    );
    if (status === 200) return { child, url, readyMs: performance.now() - started, stop };
    if (performance.now() > deadline) {
      await stop();
      throw new Error(
        `${options.args.join(" ")} not ready after ${options.timeoutMs ?? 60_000} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The resident set of a process in bytes (0 when it cannot be read). */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process has used so far, in ms (0 when it cannot be read). */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; resolves to the peak. */
export function sampleRss(pid: number | undefined, everyMs = 200): { stop(): number } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssOf(pid));
    },
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
