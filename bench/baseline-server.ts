// The hand-written baseline: hono + postgres.js answering the same list with plain SQL,
// no rules, no schema, no validation. Started by the benchmarks as a process of its own.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL!, { max: 10 });
const app = new Hono().get("/posts", async (c) => {
  const perPage = Math.min(Number(c.req.query("perPage") ?? 50), 500);
  const items = await sql`
    select * from "public"."posts" where published = true order by views desc, id limit ${perPage}`;
  return c.json({ items });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(
    `${JSON.stringify({ msg: "baseline ready", url: `http://127.0.0.1:${info.port}` })}\n`,
  );
});
process.on("SIGTERM", () =>
  server.close(() => sql.end({ timeout: 5 }).then(() => process.exit(0))),
);
