// Which statements run prepared, and that a schema change never breaks one (Postgres only:
// PGlite has no protocol round trips to save).
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preparingClient } from "./prepared-statements.js";
import { type TestDatabase, testDatabase } from "./testing.js";

describe.runIf(process.env.TEST_DATABASE_URL)("prepared statements on Postgres", () => {
  let database: TestDatabase;
  let client: postgres.Sql;
  let db: ReturnType<typeof drizzle>;

  // One connection, so pg_prepared_statements shows what this client prepared (less postgres.js's
  // own type lookup).
  const prepared = async (run: typeof db = db) => {
    const rows = (await run.execute(
      sql`select statement from pg_prepared_statements where statement not like '%pg_catalog%'`,
    )) as unknown as { statement: string }[];
    return rows.map((row) => row.statement);
  };

  beforeAll(async () => {
    database = await testDatabase();
    client = postgres(database.url!, { max: 1, onnotice: () => {} });
    db = drizzle({ client: preparingClient(client, 4) });
    await db.execute(sql`create table public.items (id text primary key, n int)`);
    await db.execute(sql`create table cairn.bench_notes (id text primary key, note text)`);
    await db.execute(sql`insert into public.items values ('a', 1)`);
  });

  afterAll(async () => {
    await client?.end({ timeout: 5 });
    await database?.close();
  });

  it("prepares queries with parameters outside transactions, not those without", async () => {
    await db.execute(sql`select * from public.items where id = ${"a"}`);
    await db.execute(sql`select count(*) from public.items`);
    expect(await prepared()).toEqual([`select * from public.items where id = $1`]);
  });

  it("keeps answering after a column is added to a table a prepared statement reads", async () => {
    const read = () => db.execute(sql`select * from "public".items where id = ${"a"}`);
    expect(await read()).toEqual([{ id: "a", n: 1 }]);
    await db.execute(sql`alter table public.items add column label text default 'x'`);
    // Postgres refuses the old plan ("cached plan must not change result type"); it is
    // prepared again and the query answers with the new column.
    expect(await read()).toEqual([{ id: "a", n: 1, label: "x" }]);
  });

  it("in a transaction leaves out statements on collection tables that return `*`", async () => {
    const inside = await db.transaction(async (tx) => {
      await tx.execute(sql`insert into "cairn"."bench_notes" values (${"n1"}, ${"hi"})`);
      await tx.execute(sql`update "public"."items" set n = ${2} where id = ${"a"} returning *`);
      return prepared(tx as unknown as typeof db);
    });
    expect(inside).toContain(`insert into "cairn"."bench_notes" values ($1, $2)`);
    expect(inside).not.toContain(`update "public"."items" set n = $1 where id = $2 returning *`);
    // A column added to a collection's table cannot break a later statement of a transaction.
    await db.transaction(async (tx) => {
      await tx.execute(sql`select * from "public"."items" where id = ${"a"}`);
      await tx.execute(sql`alter table public.items add column extra int default 7`);
      const [row] = (await tx.execute(
        sql`select * from "public"."items" where id = ${"a"}`,
      )) as unknown as Record<string, unknown>[];
      expect(row).toMatchObject({ id: "a", extra: 7 });
    });
  });

  it("leaves statements with many parameters unnamed", async () => {
    const many = Array.from({ length: 40 }, (_, i) => sql`${i}::int`);
    await db.execute(sql`select greatest(${sql.join(many, sql`, `)}) as n`);
    expect((await prepared()).some((text) => text.includes("greatest"))).toBe(false);
  });

  it("prepares at most the configured number of distinct statements", async () => {
    for (const n of [10, 11, 12, 13, 14]) {
      await db.execute(sql`select ${sql.raw(String(n))} + ${1}::int as n`);
    }
    // Three admitted above, one of these; the rest ran unnamed. (postgres.js prepares its own
    // `begin`/`commit`, and a statement prepared again after a schema change is listed twice.)
    const statements = new Set(await prepared());
    statements.delete("commit");
    expect([...statements].sort()).toEqual([
      'insert into "cairn"."bench_notes" values ($1, $2)',
      'select * from "public".items where id = $1',
      "select * from public.items where id = $1",
      "select 10 + $1::int as n",
    ]);
  });
  it("prepares nothing with ?prepare=false on the URL", async () => {
    const url = new URL(database.url!);
    url.searchParams.set("prepare", "false");
    const plain = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const unprepared = drizzle({ client: preparingClient(plain) });
      await unprepared.execute(sql`select * from public.items where id = ${"a"}`);
      expect(await prepared(unprepared)).toEqual([]);
    } finally {
      await plain.end({ timeout: 5 });
    }
  });
});
