// Benchmark: cold start of the built `cairn serve`, from spawn to the first 200 from /api/ready,
// on an empty data directory (PGlite: the database is created) and on an empty Postgres database
// (every migration applied); then the resident memory of the idle server. Median of 3 runs each.
// Run: pnpm --filter @cairn/bench cold-start   (after pnpm build; BENCH_DATABASE_URL)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { cairnCli, median, rssOf, startServer } from "./bench-process.js";

export interface ColdStart {
  target: "PGlite" | "Postgres";
  runsMs: number[];
  medianMs: number;
  /** Median RSS of the idle server, `idleSeconds` after it was ready. */
  idleRss: number;
}

const idleSeconds = 3;

async function once(target: ColdStart["target"], adminUrl: string, n: number) {
  const dataDir = await mkdtemp(join(tmpdir(), "cairn-bench-cold-"));
  const name = `cairn_bench_cold_${process.pid}_${n}`;
  const admin = target === "Postgres" ? postgres(adminUrl, { max: 1, onnotice: () => {} }) : null;
  try {
    const env: Record<string, string> = { CAIRN_DATA_DIR: dataDir };
    if (admin) {
      await admin.unsafe(`CREATE DATABASE "${name}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
    }
    const server = await startServer({
      args: [cairnCli, "serve"],
      env,
      readyPath: "/api/ready",
      logFile: join(dataDir, "cairn.log"),
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
      return { ms: server.readyMs, rss: rssOf(server.child.pid) };
    } finally {
      await server.stop();
    }
  } finally {
    if (admin) {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Three cold starts per target; Postgres is left out when `adminUrl` is null. */
export async function measureColdStart(adminUrl: string | null, runs = 3): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  for (const target of ["PGlite", "Postgres"] as const) {
    if (target === "Postgres" && !adminUrl) continue;
    const samples: { ms: number; rss: number }[] = [];
    for (let n = 0; n < runs; n++) samples.push(await once(target, adminUrl ?? "", n));
    const runsMs = samples.map((s) => s.ms);
    results.push({
      target,
      runsMs,
      medianMs: median(runsMs),
      idleRss: median(samples.map((s) => s.rss)),
    });
  }
  return results;
}

export function coldStartTable(results: ColdStart[]): string {
  const lines = [
    `| cold start (median of ${results[0]?.runsMs.length ?? 0}) | to /api/ready | runs | idle RSS (${idleSeconds} s after ready) |`,
    "| --- | ---: | --- | ---: |",
  ];
  for (const r of results) {
    const what = r.target === "PGlite" ? "PGlite, empty data dir" : "Postgres, empty database";
    const runs = r.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(" / ");
    lines.push(
      `| ${what} | ${(r.medianMs / 1000).toFixed(2)} s | ${runs} s | ${Math.round(r.idleRss / 1024 / 1024)} MiB |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  console.log(coldStartTable(await measureColdStart(adminUrl)));
}
