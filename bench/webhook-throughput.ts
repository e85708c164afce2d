// Benchmark: webhook dispatch throughput on Postgres. 5 000 record events wait in the outbox;
// the delivery worker (as every server replica runs it) fans them out to one endpoint and
// delivers them, signed, to a receiver in another process on loopback. Measured end to end:
// from the worker starting to every delivery recorded as succeeded. The baseline, in the same
// run, POSTs the same bodies to the same receiver with the same concurrency and no database:
// the ceiling the worker's bookkeeping is measured against.
// Run: pnpm --filter @cairn/bench webhook-throughput
//      (BENCH_DATABASE_URL, default the local Postgres; BENCH_EVENTS; BENCH_CONCURRENCY)
import { spawn } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import {
  CollectionRegistry,
  createCollection,
  createCtx,
  createRecord,
  createWebhook,
  createWebhookWorker,
  putSetting,
} from "@cairn/core";
import { openPostgres } from "@cairn/db";
import postgres from "postgres";

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const events = Number(process.env.BENCH_EVENTS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 256);
const name = `cairn_bench_webhooks_${process.pid}`;

// The receiver: its own process, so it does not share the worker's event loop. Answers 204 and
// counts requests and distinct webhook-ids.
const receiverSource = `
const http = require("node:http");
let count = 0;
const ids = new Set();
const server = http.createServer((req, res) => {
  if (req.method === "GET") {
    res.end(JSON.stringify({ count, distinct: ids.size }));
    return;
  }
  req.on("data", () => {});
  req.on("end", () => {
    count++;
    ids.add(req.headers["webhook-id"]);
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

async function startReceiver() {
  const child = spawn(process.execPath, ["-e", receiverSource], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (chunk) => resolve(Number(String(chunk).trim())));
    child.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const stats = async () =>
    (await (await fetch(url)).json()) as { count: number; distinct: number };
  return { child, url, stats };
}

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${name}`;
const database = openPostgres(dbUrl.toString());
const direct = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });
const receiver = await startReceiver();
try {
  await database.migrate();
  const ctx = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "bench", email: "bench@example.com" },
  });
  await createCollection({
    ctx,
    input: {
      name: "orders",
      fields: [
        { name: "customer", type: "text" },
        { name: "total", type: "number" },
        { name: "note", type: "text" },
      ],
    },
  });
  await putSetting(ctx, "webhooks", { allowPrivateAddresses: true, deliveryRetentionDays: 30 });
  const worker = createWebhookWorker({ database, concurrency });
  // The consumer starts at "now": create it before the events exist.
  await worker.drain();
  await createWebhook({ ctx, input: { url: `${receiver.url}/hook`, events: ["orders.created"] } });

  console.log(`writing ${events} records (their events wait in the outbox)…`);
  let written = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (written < events) {
        const n = written++;
        await createRecord({
          ctx,
          input: {
            collection: "orders",
            body: { customer: `customer ${n}`, total: n * 1.5, note: "x".repeat(200) },
          },
        });
      }
    }),
  );

  const started = performance.now();
  await worker.drain();
  const workerMs = performance.now() - started;
  await worker.stop();
  const [done] =
    await direct`SELECT count(*) AS n FROM cairn.webhook_deliveries WHERE "status" = 'succeeded'`;
  const received = await receiver.stats();
  if (Number(done?.n) !== events || received.distinct !== events) {
    throw new Error(
      `expected ${events} deliveries, got ${done?.n} recorded, ${JSON.stringify(received)} received`,
    );
  }

  // Baseline: the same bodies, POSTed with the same concurrency over a keep-alive agent.
  const bodies = await direct<
    { payload: string }[]
  >`SELECT "payload" FROM cairn.webhook_deliveries`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(`${receiver.url}/baseline`, {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      });
      request.on("response", (response) => {
        response.resume();
        response.on("end", resolve);
      });
      request.on("error", reject);
      request.end(body);
    });
  const baselineStarted = performance.now();
  let nextBody = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextBody < bodies.length) await post(bodies[nextBody++]!.payload);
    }),
  );
  const baselineMs = performance.now() - baselineStarted;
  agent.destroy();

  const rate = (ms: number) => `${Math.round((events / ms) * 1000)} deliveries/s`.padStart(20);
  console.log(`\n${events} events, 1 endpoint, concurrency ${concurrency}, Postgres`);
  console.log(
    `cairn worker (fan-out + sign + deliver + log) ${rate(workerMs)}  (${Math.round(workerMs)} ms)`,
  );
  console.log(
    `baseline (plain POSTs, no database)          ${rate(baselineMs)}  (${Math.round(baselineMs)} ms)`,
  );
} finally {
  receiver.child.kill();
  await direct.end({ timeout: 5 });
  await database.close();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end({ timeout: 5 });
}
