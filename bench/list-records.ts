// Benchmark: listing 100 000 records with an indexed filter and sort, 50 per page, on Postgres.
// A real `cairn serve` process answers over loopback; its own request log gives the time spent
// at the server. The baseline is a hand-written hono + postgres.js server (baseline-server.ts)
// answering the same rows with plain SQL, in the same run on the same database.
// Run: pnpm bench   (BENCH_DATABASE_URL, default the local Postgres; BENCH_ROWS, BENCH_ITERATIONS)
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { CollectionRegistry, createCollection, createCtx } from "@cairn/core";
import { openPostgres } from "@cairn/db";
import postgres from "postgres";

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 1000);
const name = `cairn_bench_${process.pid}`;
const cli = fileURLToPath(new URL("../apps/server/dist/cli.js", import.meta.url));
const baselineServer = fileURLToPath(new URL("./baseline-server.ts", import.meta.url));

/** Starts a server process and resolves with its URL once it logs `readyMessage`. */
function start(
  args: string[],
  env: Record<string, string>,
  readyMessage: string,
  onLine: (entry: Record<string, unknown>) => void,
) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const text of lines) {
        const entry = JSON.parse(text) as Record<string, unknown>;
        if (entry.msg === readyMessage) resolve(entry.url as string);
        onLine(entry);
      }
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
  return { child, ready };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`.padStart(9);
const line = (label: string, s: ReturnType<typeof stats>) =>
  console.log(`${label.padEnd(40)} p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(s.p99)}`);

async function repeat(run: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 100; i++) await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = openPostgres(url.toString());
const baseline = postgres(url.toString(), { max: 10 });
const children: ReturnType<typeof spawn>[] = [];
try {
  await database.migrate();
  const collections = new CollectionRegistry(database);
  const superuser = createCtx({
    database,
    collections,
    actor: { kind: "superuser", id: "bench", email: "bench" },
  });
  await createCollection({
    ctx: superuser,
    input: {
      name: "posts",
      listRule: "published = true",
      fields: [
        { name: "title", type: "text" },
        { name: "body", type: "text" },
        { name: "published", type: "bool", nullable: false },
        { name: "views", type: "number", integer: true, nullable: false },
      ],
      indexes: [{ name: "published_views", fields: ["published", "views"] }],
    },
  });
  const seeding = performance.now();
  await baseline.unsafe(`
    insert into "public"."posts" (id, title, body, published, views)
    select lpad(g::text, 10, '0'), 'Post number ' || g, repeat('lorem ipsum dolor sit amet ', 18), g % 3 = 0, (g * 7919) % 100000
    from generate_series(1, ${rows}) as g`);
  await baseline.unsafe(`analyze "public"."posts"`);
  console.log(
    `${rows} records seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s; ${iterations} sequential requests each\n`,
  );

  const serverTimes: number[] = [];
  const cairn = start(
    [cli, "serve"],
    { PORT: "0", DATABASE_URL: url.toString(), CAIRN_LOG_LEVEL: "info" },
    "cairn is ready",
    (entry) => {
      if (entry.msg === "request" && entry.path === "/api/collections/posts/records")
        serverTimes.push(entry.durationMs as number);
    },
  );
  const hono = start(
    ["--import", "tsx", baselineServer],
    { DATABASE_URL: url.toString() },
    "baseline ready",
    () => {},
  );
  children.push(cairn.child, hono.child);
  const [base, baseBase] = await Promise.all([cairn.ready, hono.ready]);
  const query = `${base}/api/collections/posts/records?filter=published%20%3D%20true&sort=-views&perPage=50&skipTotal=1`;
  const first = (await (await fetch(query)).json()) as { items: unknown[] };
  if (first.items.length !== 50) throw new Error(`expected 50 items, got ${first.items.length}`);

  serverTimes.length = 0;
  const client = await repeat(async () => {
    await (await fetch(query)).text();
  });
  const atServer = serverTimes.slice(-iterations);
  const hand = await repeat(async () => {
    await (await fetch(`${baseBase}/posts?perPage=50`)).text();
  });
  serverTimes.length = 0;
  const withCount = await repeat(async () => {
    await (await fetch(query.replace("&skipTotal=1", ""))).text();
  });

  const s = stats(atServer);
  const c = stats(client);
  const h = stats(hand);
  line("Cairn, at the server (its request log)", s);
  line("Cairn, at the client over loopback", c);
  line("hand-written hono + postgres.js, client", h);
  line("Cairn with totalItems, at the client", stats(withCount));
  console.log(
    `\nCairn / hand-written, both at the client: ${(c.p50 / h.p50).toFixed(2)}× at p50 (${((h.mean / c.mean) * 100).toFixed(0)} % of its sequential throughput)`,
  );
  console.log(
    `target p50 < 10 ms at the server: ${s.p50 < 10 ? "met" : "not met"} (${s.p50.toFixed(2)} ms)`,
  );
} finally {
  for (const child of children) child.kill("SIGTERM");
  await baseline.end({ timeout: 5 });
  await database.close();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end({ timeout: 5 });
}
