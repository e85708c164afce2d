// Benchmark: one write fanned out to 1 000 SSE subscribers of a real `cairn serve` process.
// Each subscriber is a fetch() stream in this process; the latency of a write is measured from
// its HTTP response arriving here to each subscriber receiving the event (a subscriber that
// gets it before the response counts 0). Runs on PGlite and, when it answers, on Postgres.
// Run: pnpm --filter @cairn/bench realtime-fanout
//   BENCH_SUBSCRIBERS (1000), BENCH_WRITES (20), BENCH_DATABASE_URL (the local Postgres),
//   BENCH_TARGETS ("pglite,postgres")
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { CollectionRegistry, createCollection, createCtx } from "@cairn/core";
import { createDb } from "@cairn/db";
import postgres from "postgres";

const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const writes = Number(process.env.BENCH_WRITES ?? 20);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const targets = (process.env.BENCH_TARGETS ?? "pglite,postgres").split(",");
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repoRoot, "apps/server/src/cli.ts");

/** A fresh database with one public collection, made before the server opens it. */
async function prepare(config: { databaseUrl?: string; dataDir: string }) {
  const database = await createDb(config);
  try {
    await createCollection({
      ctx: createCtx({
        database,
        collections: new CollectionRegistry(database),
        actor: { kind: "superuser", id: "bench", email: "bench" },
      }),
      input: {
        name: "ticks",
        fields: [{ name: "n", type: "number" }],
        listRule: "",
        viewRule: "",
        createRule: "",
      },
    });
  } finally {
    await database.close();
  }
}

function serve(env: Record<string, string>): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", cli, "serve"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", PORT: "0", CAIRN_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const text of lines) {
        if (!text.startsWith("{")) continue;
        const entry = JSON.parse(text) as { msg?: string; url?: string };
        if (entry.msg === "cairn is ready" && entry.url) resolve(entry.url);
      }
    });
    child.once("exit", (code) => reject(new Error(`cairn serve exited with ${code}`)));
  });
  return { child, ready };
}

/** One subscriber: a fetch stream; records when each record id arrives. */
async function subscribe(url: string, onChange: (id: string, at: number) => void) {
  const topics = encodeURIComponent(JSON.stringify([{ topic: "ticks/*" }]));
  const abort = new AbortController();
  const response = await fetch(`${url}/api/realtime?subscriptions=${topics}`, {
    signal: abort.signal,
  });
  if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let connected!: () => void;
  const connect = new Promise<void>((resolve) => {
    connected = resolve;
  });
  void (async () => {
    let text = "";
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      const at = performance.now();
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf("\n\n");
      while (end >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        end = text.indexOf("\n\n");
        if (block.includes("event: connect")) connected();
        else if (block.includes("event: change")) {
          const id = /"record":\{[^}]*?"id":"([^"]+)"/.exec(block)?.[1];
          if (id) onChange(id, at);
        }
      }
    }
  })();
  await connect;
  return () => abort.abort();
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function run(target: string): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "cairn-bench-rt-"));
  let databaseUrl: string | undefined;
  let admin: ReturnType<typeof postgres> | undefined;
  const name = `cairn_bench_rt_${process.pid}`;
  let child: ChildProcess | undefined;
  const stops: (() => void)[] = [];
  try {
    if (target === "postgres") {
      admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${name}"`);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      databaseUrl = u.toString();
    }
    await prepare({ databaseUrl, dataDir });
    const server = serve({
      CAIRN_DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    child = server.child;
    const url = await server.ready;

    // Per write id: when each subscriber got it.
    const arrivals = new Map<string, number[]>();
    let waiting: { id: string; done: () => void } | undefined;
    const onChange = (id: string, at: number) => {
      let list = arrivals.get(id);
      if (!list) {
        list = [];
        arrivals.set(id, list);
      }
      list.push(at);
      if (waiting?.id === id && list.length === subscribers) waiting.done();
    };
    const opening = performance.now();
    for (let i = 0; i < subscribers; i += 50) {
      const batch = Math.min(50, subscribers - i);
      stops.push(
        ...(await Promise.all(Array.from({ length: batch }, () => subscribe(url, onChange)))),
      );
    }
    const openMs = performance.now() - opening;

    const write = async (n: number) => {
      const sent = performance.now();
      const response = await fetch(`${url}/api/collections/ticks/records`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ n }),
      });
      const answered = performance.now();
      const { id } = (await response.json()) as { id: string };
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `write ${n}: ${arrivals.get(id)?.length ?? 0} of ${subscribers} after 10 s`,
              ),
            ),
          10_000,
        );
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiting = { id, done };
        if ((arrivals.get(id)?.length ?? 0) === subscribers) done();
      });
      return { id, sent, answered };
    };

    for (let n = 0; n < 3; n++) await write(-1 - n); // warm-up
    const samples: number[] = [];
    const fromRequest: number[] = [];
    let early = 0;
    const perWriteMax: number[] = [];
    for (let n = 0; n < writes; n++) {
      const { id, sent, answered } = await write(n);
      let max = 0;
      for (const at of arrivals.get(id)!) {
        if (at < answered) early += 1;
        const latency = Math.max(0, at - answered);
        samples.push(latency);
        fromRequest.push(at - sent);
        max = Math.max(max, latency);
      }
      perWriteMax.push(max);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    samples.sort((a, b) => a - b);
    fromRequest.sort((a, b) => a - b);
    const p99 = quantile(samples, 0.99);
    console.log(
      `\n${target}: ${subscribers} subscribers (opened in ${fmt(openMs)}), ${writes} writes, ${samples.length} deliveries`,
    );
    console.log(
      `  write response → receipt   p50 ${fmt(quantile(samples, 0.5))}  p99 ${fmt(p99)}  max ${fmt(samples[samples.length - 1]!)}  (${early} arrived before the response)`,
    );
    console.log(
      `  write request  → receipt   p50 ${fmt(quantile(fromRequest, 0.5))}  p99 ${fmt(quantile(fromRequest, 0.99))}  max ${fmt(fromRequest[fromRequest.length - 1]!)}`,
    );
    console.log(
      `  slowest subscriber per write: ${perWriteMax.map((m) => m.toFixed(0)).join(" ")} ms`,
    );
    console.log(`  target p99 < 250 ms: ${p99 < 250 ? "met" : "NOT met"}`);
  } finally {
    for (const stop of stops) stop();
    if (child) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (admin) {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

for (const target of targets) {
  if (target === "postgres") {
    const probe = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
    const reachable = await probe`select 1`.then(
      () => true,
      () => false,
    );
    await probe.end({ timeout: 1 });
    if (!reachable) {
      console.log(`\npostgres: skipped (${adminUrl} does not answer)`);
      continue;
    }
  }
  await run(target);
}
