// Benchmark: the posts workload (get by id, list, create, update as signed-in users, under rules)
// against a built `cairn serve` and a hand-written hono + postgres.js baseline (baseline-server.ts),
// in the same run on the same fresh Postgres database; then cold start and idle memory.
// Run: pnpm bench   (or, after tsc -b: pnpm --filter @cairn/bench posts --duration 3 --warmup 1)
//   --duration s (15)  --warmup s (3)  --connections n (32)  --operations get,list,create,update
//   --skip-cold-start  --all (also the webhook and realtime benchmarks, shortened)
//   --profile (Cairn runs with --cpu-prof; the profile is kept)
//   --baseline-unprepared (the baseline sends unnamed statements, as drizzle does)
//   BENCH_DATABASE_URL
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  authOptionsOf,
  CollectionRegistry,
  createCollection,
  createCtx,
  createRecord,
  createSession,
} from "@cairn/core";
import { openPostgres } from "@cairn/db";
import postgres from "postgres";
import {
  benchDist,
  cairnCli,
  cpuMsOf,
  mib,
  repoRoot,
  type ServerProcess,
  sampleRss,
  startServer,
} from "./bench-process.js";
import { coldStartTable, measureColdStart } from "./cold-start.js";
import type { LoadConfig, LoadResult, LoadUser, Operation } from "./posts-load.js";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    operations: { type: "string", default: "get,list,create,update" },
    "skip-cold-start": { type: "boolean", default: false },
    all: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "baseline-unprepared": { type: "boolean", default: false },
  },
});
const durationSeconds = Number(options.duration);
const warmupSeconds = Number(options.warmup);
const connections = Number(options.connections);
const operations = options.operations.split(",") as Operation[];
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const postCount = 10_000;
const userCount = 100;
const targets = { p99Ms: 50, ratio: 0.6 };
const labels: Record<Operation, string> = {
  get: "get by id",
  list: "list (published, -views, 50)",
  create: "create",
  update: "update own",
};
const rules = {
  view: "owner = @request.auth.id || published = true",
  create: "owner = @request.auth.id",
  update: "owner = @request.auth.id",
};

interface Seeded {
  usersCollectionId: string;
  sessionLifetimeMs: number;
  users: LoadUser[];
  published: string[];
}

/** The schema through Cairn's own verbs, users with real sessions, then 10 000 posts by SQL. */
async function seed(databaseUrl: string): Promise<Seeded> {
  const database = openPostgres(databaseUrl);
  const direct = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await database.migrate();
    const ctx = createCtx({
      database,
      collections: new CollectionRegistry(database),
      actor: { kind: "superuser", id: "bench", email: "bench@example.com" },
    });
    const users = await createCollection({
      ctx,
      input: { name: "users", type: "auth", listRule: "", viewRule: "" },
    });
    await createCollection({
      ctx,
      input: {
        name: "posts",
        fields: [
          { name: "title", type: "text" },
          { name: "body", type: "text" },
          { name: "published", type: "bool", nullable: false },
          { name: "views", type: "number", integer: true, nullable: false },
          {
            name: "owner",
            type: "relation",
            collection: "users",
            nullable: false,
            onDelete: "cascade",
          },
        ],
        listRule: rules.view,
        viewRule: rules.view,
        createRule: rules.create,
        updateRule: rules.update,
        deleteRule: rules.update,
        indexes: [{ name: "published_views", fields: ["published", "views"] }],
      },
    });
    const loadUsers: LoadUser[] = [];
    for (let i = 0; i < userCount; i++) {
      const user = await createRecord({
        ctx,
        input: { collection: "users", body: { email: `user${i}@example.com` } },
      });
      const { token } = await createSession({
        ctx,
        input: { subject: { kind: "user", collectionId: users.id, id: user.id } },
      });
      loadUsers.push({ id: user.id, token, own: [] });
    }
    // Every user gets 100 posts, half of them published.
    await direct.unsafe(`
      WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM public.users)
      INSERT INTO public.posts (id, title, body, published, views, owner)
      SELECT gen_random_uuid()::text, 'Post number ' || g,
             repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 9),
             (g / ${userCount}) % 2 = 0, (g * 7919) % 100000, u.ids[1 + g % ${userCount}]
      FROM generate_series(0, ${postCount - 1}) AS g, u`);
    // As autovacuum leaves a table in steady state: statistics, and a visibility map that lets
    // Postgres answer from an index alone.
    await direct.unsafe("VACUUM ANALYZE public.posts");
    const rows = await direct<{ id: string; owner: string; published: boolean }[]>`
      SELECT id, owner, published FROM public.posts`;
    const byId = new Map(loadUsers.map((u) => [u.id, u]));
    const published: string[] = [];
    for (const row of rows) {
      byId.get(row.owner)!.own.push(row.id);
      if (row.published) published.push(row.id);
    }
    return {
      usersCollectionId: users.id,
      sessionLifetimeMs: authOptionsOf(users).sessionLifetimeSeconds * 1000,
      users: loadUsers,
      published,
    };
  } finally {
    await direct.end({ timeout: 5 });
    await database.close();
  }
}

interface Target {
  name: "Cairn" | "baseline";
  /** Its connections' application_name: how its Postgres backends are found. */
  applicationName: string;
  server: ServerProcess;
}

/** One request of each operation against both servers: same statuses, same rows, or no run. */
async function checkAgreement(cairn: Target, baseline: Target, seeded: Seeded) {
  const user = seeded.users[0]!;
  const mine = user.own[0]!;
  const headers = { authorization: `Bearer ${user.token}`, "content-type": "application/json" };
  const path = "/api/collections/posts/records";
  const ask = async (target: Target, method: string, url: string, body?: unknown) => {
    const response = await fetch(`${target.server.url}${path}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const other = seeded.users[1]!;
  const hiddenOfOther = (
    await ask(cairn, "GET", `/${other.own.find((id) => !seeded.published.includes(id))}`)
  ).status;
  for (const [what, method, url, body] of [
    ["get own", "GET", `/${mine}`, undefined],
    ["get published", "GET", `/${seeded.published[7]}`, undefined],
    ["list", "GET", "?filter=published%20%3D%20true&sort=-views&perPage=50", undefined],
    ["update own", "PATCH", `/${mine}`, { views: 5 }],
    ["update other's", "PATCH", `/${other.own[0]}`, { views: 5 }],
    ["create", "POST", "", { title: "t", body: "b", published: true, views: 1, owner: user.id }],
    ["create as other", "POST", "", { title: "t", published: true, views: 1, owner: other.id }],
  ] as const) {
    const [a, b] = [await ask(cairn, method, url, body), await ask(baseline, method, url, body)];
    const same =
      a.status === b.status &&
      (what !== "list" ||
        (a.body.totalItems === b.body.totalItems &&
          JSON.stringify((a.body.items as { id: string }[]).map((i) => i.id)) ===
            JSON.stringify((b.body.items as { id: string }[]).map((i) => i.id))));
    if (!same) throw new Error(`${what}: Cairn ${a.status}, baseline ${b.status}; they must agree`);
  }
  if (hiddenOfOther !== 404) throw new Error(`another user's draft answered ${hiddenOfOther}`);
}

async function load(target: Target, operation: Operation, seeded: Seeded, workDir: string) {
  const config: LoadConfig = {
    url: target.server.url,
    operation,
    connections,
    warmupSeconds,
    durationSeconds,
    users: seeded.users,
    published: seeded.published,
  };
  const file = join(workDir, `load-${target.name}-${operation}.json`);
  writeFileSync(file, JSON.stringify(config));
  const backends = async () =>
    (
      await admin<{ pid: number }[]>`
        SELECT pid FROM pg_stat_activity
        WHERE datname = ${name} AND application_name = ${target.applicationName}`
    ).map((row) => row.pid);
  const dbBefore = new Map((await backends()).map((pid) => [pid, cpuMsOf(pid)]));
  const serverBefore = cpuMsOf(target.server.child.pid);
  const rss = sampleRss(target.server.child.pid);
  const child = spawn(process.execPath, [benchDist("posts-load"), file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const peakRss = rss.stop();
  const serverCpuMs = cpuMsOf(target.server.child.pid) - serverBefore;
  let dbCpuMs = 0;
  for (const pid of await backends()) dbCpuMs += cpuMsOf(pid) - (dbBefore.get(pid) ?? 0);
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return { ...(JSON.parse(out) as LoadResult), peakRss, serverCpuMs, dbCpuMs };
}

type Measured = Awaited<ReturnType<typeof load>>;

function resultsTable(results: Map<Operation, Record<Target["name"], Measured>>): string {
  // autocannon's latency histogram counts whole milliseconds.
  const ms = (n: number) => `${Math.round(n)} ms`;
  const cpu = (r: Measured) =>
    `${(r.serverCpuMs / r.allRequests).toFixed(2)} + ${(r.dbCpuMs / r.allRequests).toFixed(2)} ms`;
  const lines = [
    "| operation | Cairn req/s | p50 | p99 | peak RSS | CPU / req | baseline req/s | p50 | p99 | peak RSS | CPU / req | Cairn / baseline | ≥ 60 % of baseline | p99 < 50 ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: |",
  ];
  for (const [operation, { Cairn: c, baseline: b }] of results) {
    const ratio = c.perSecond / b.perSecond;
    lines.push(
      `| ${labels[operation]} | ${Math.round(c.perSecond)} | ${ms(c.p50)} | ${ms(c.p99)} | ${mib(c.peakRss)} | ${cpu(c)} | ${Math.round(b.perSecond)} | ${ms(b.p50)} | ${ms(b.p99)} | ${mib(b.peakRss)} | ${cpu(b)} | ${(ratio * 100).toFixed(0)} % | ${ratio >= targets.ratio ? "PASS" : "FAIL"} | ${c.p99 < targets.p99Ms ? "PASS" : "FAIL"} |`,
    );
  }
  return lines.join("\n");
}

async function runOther(script: string, env: Record<string, string>) {
  console.log(
    `\n## ${script} (${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")})`,
  );
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(repoRoot, "bench", script)],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: "inherit" },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) console.log(`${script} exited with ${code}`);
}

const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
const [{ server_version: pgVersion } = { server_version: "?" }] = await admin<
  { server_version: string }[]
>`SHOW server_version`.catch((error: unknown) => {
  console.error(`Postgres at ${adminUrl} does not answer: ${String(error)}`);
  process.exit(1);
});
const name = `cairn_bench_posts_${process.pid}`;
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${name}`;
const workDir = await mkdtemp(join(tmpdir(), "cairn-bench-posts-"));
const servers: ServerProcess[] = [];
const loads: number[] = [];
const sample = () => loads.push(loadavg()[0]!);

console.log(
  `# Cairn posts benchmark, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
);
console.log(
  `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${pgVersion}`,
);
console.log(
  `${postCount} posts of ${userCount} users; ${connections} connections; ${warmupSeconds} s warm-up + ${durationSeconds} s per operation and server; load average before: ${loadavg()[0]!.toFixed(2)}`,
);
await admin.unsafe(`CREATE DATABASE "${name}"`);
let results = new Map<Operation, Record<Target["name"], Measured>>();
try {
  const seeded = await seed(dbUrl.toString());
  const profileDir = join(workDir, "profile");
  if (options.profile) await mkdir(profileDir);
  const cairn: Target = {
    name: "Cairn",
    applicationName: "cairn",
    server: await startServer({
      args: [
        ...(options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
        cairnCli,
        "serve",
      ],
      env: { DATABASE_URL: dbUrl.toString(), CAIRN_DATA_DIR: join(workDir, "data") },
      readyPath: "/api/ready",
      logFile: join(workDir, "cairn.log"),
    }),
  };
  servers.push(cairn.server);
  const baseline: Target = {
    name: "baseline",
    applicationName: "baseline",
    server: await startServer({
      args: [benchDist("baseline-server")],
      env: {
        DATABASE_URL: dbUrl.toString(),
        USERS_COLLECTION_ID: seeded.usersCollectionId,
        SESSION_LIFETIME_MS: String(seeded.sessionLifetimeMs),
        BASELINE_PREPARE: options["baseline-unprepared"] ? "false" : "true",
      },
      readyPath: "/ready",
      logFile: join(workDir, "baseline.log"),
    }),
  };
  servers.push(baseline.server);
  await checkAgreement(cairn, baseline, seeded);

  // Take turns, the order alternating from one operation to the next; writes come last so
  // the reads see the table as seeded.
  const order: Operation[] = ["get", "list", "update", "create"].filter((o) =>
    operations.includes(o as Operation),
  ) as Operation[];
  const measured = new Map<Operation, Record<Target["name"], Measured>>();
  for (const [i, operation] of order.entries()) {
    const turn = i % 2 === 0 ? [cairn, baseline] : [baseline, cairn];
    const pair = {} as Record<Target["name"], Measured>;
    for (const target of turn) {
      sample();
      pair[target.name] = await load(target, operation, seeded, workDir);
      const r = pair[target.name];
      console.log(
        `  ${labels[operation].padEnd(30)} ${target.name.padEnd(8)} ${String(Math.round(r.perSecond)).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${mib(r.peakRss)}  CPU/req ${(r.serverCpuMs / r.allRequests).toFixed(2)} + ${(r.dbCpuMs / r.allRequests).toFixed(2)} ms${r.unexpected > 0 ? `  UNEXPECTED ANSWERS: ${JSON.stringify(r.statuses)}` : ""}`,
      );
    }
    measured.set(operation, pair);
  }
  sample();
  results = new Map(
    (["get", "list", "create", "update"] as Operation[])
      .filter((o) => measured.has(o))
      .map((o) => [o, measured.get(o)!]),
  );
  for (const server of servers.splice(0)) await server.stop();

  console.log(
    `\n${resultsTable(results)}\n\nload average (1 min) during the runs: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
  );
  const invalid = [...results.values()].some((pair) =>
    Object.values(pair).some((r) => r.unexpected > 0),
  );
  if (invalid) console.log("Some answers had an unexpected status: see the lines above.");
  if (options.profile) console.log(`CPU profile of Cairn: ${profileDir}`);
} finally {
  for (const server of servers) await server.stop();
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  if (!options.profile) await rm(workDir, { recursive: true, force: true });
}

if (!options["skip-cold-start"]) {
  console.log(`\n${coldStartTable(await measureColdStart(adminUrl))}`);
}
await admin.end({ timeout: 5 });

if (options.all) {
  await runOther("webhook-throughput.ts", { BENCH_EVENTS: "2000" });
  await runOther("realtime-fanout.ts", { BENCH_SUBSCRIBERS: "1000", BENCH_WRITES: "10" });
}
