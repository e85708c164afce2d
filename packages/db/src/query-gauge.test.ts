// Queries in flight: statements count from the moment they are handed to the client until they
// are answered or fail, on both drivers, in transactions too, and counting changes nothing about
// how they run.
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { countingPglite, countingPostgres, createQueryGauge } from "./query-gauge.js";
import { type TestDatabase, testDatabase } from "./testing.js";

describe("queriesInFlight", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database?.close());

  it("counts statements waiting for an answer, and none once they are answered", async () => {
    expect(database.queriesInFlight()).toBe(0);
    let locked = () => {};
    let release = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Postgres: the table lock makes the others wait; PGlite: its one connection is taken.
    const holding = database.db.transaction(async (tx) => {
      await tx.execute(sql`LOCK TABLE cairn.mailbox IN ACCESS EXCLUSIVE MODE`);
      locked();
      await gate;
    });
    await lockTaken;
    expect(database.queriesInFlight()).toBe(0);

    const waiting = [1, 2, 3].map(() =>
      database.rows(sql`SELECT count(*) AS n FROM cairn.mailbox`),
    );
    const inTransaction = database.db.transaction((tx) =>
      tx.execute(sql`SELECT count(*) AS n FROM cairn.mailbox`),
    );
    // On PGlite that transaction cannot even begin while another holds the one connection, so
    // its statement is not sent yet; on Postgres it is, and waits for the lock like the others.
    const expected = database.driver === "postgres" ? 4 : 3;
    await vi.waitFor(() => expect(database.queriesInFlight()).toBe(expected));

    release();
    await holding;
    await Promise.all([...waiting, inTransaction]);
    expect(database.queriesInFlight()).toBe(0);

    await expect(database.rows(sql`SELECT * FROM cairn.no_such_table`)).rejects.toThrow();
    expect(database.queriesInFlight()).toBe(0);
  });
});

describe("countingPglite", () => {
  let client: PGlite;
  beforeAll(async () => {
    client = await PGlite.create();
  });
  afterAll(() => client?.close());

  it("counts query, exec and a transaction's statements until they settle", async () => {
    const gauge = createQueryGauge();
    const counted = countingPglite(client, gauge);
    const query = counted.query<{ one: number }>("SELECT 1 AS one");
    expect(gauge.inFlight).toBe(1);
    expect((await query).rows).toEqual([{ one: 1 }]);
    expect(gauge.inFlight).toBe(0);

    const exec = counted.exec("CREATE TABLE probe (n int); INSERT INTO probe VALUES (7)");
    expect(gauge.inFlight).toBe(1);
    await exec;
    expect(gauge.inFlight).toBe(0);

    const n = await counted.transaction(async (tx) => {
      const read = tx.query<{ n: number }>("SELECT n FROM probe");
      expect(gauge.inFlight).toBe(1);
      const { rows } = await read;
      expect(gauge.inFlight).toBe(0);
      expect(tx.closed).toBe(false);
      return rows[0]?.n;
    });
    expect(n).toBe(7);

    await expect(counted.query("SELECT * FROM nowhere")).rejects.toThrow(/nowhere/);
    expect(gauge.inFlight).toBe(0);
    // Everything else is the client's own (its methods keep their private state).
    expect(counted.closed).toBe(false);
    expect((await counted.describeQuery("SELECT n FROM probe")).resultFields).toHaveLength(1);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("countingPostgres", () => {
  let database: TestDatabase;
  let client: postgres.Sql;
  beforeAll(async () => {
    database = await testDatabase();
    client = postgres(database.url!, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await client?.end({ timeout: 5 });
    await database?.close();
  });

  it("counts statements, in transactions and savepoints too, without changing how they run", async () => {
    const gauge = createQueryGauge();
    const counted = countingPostgres(client, gauge);
    // drizzle asks for .values() after the query is handed back: counting must not start it.
    const values = counted.unsafe("SELECT 1 AS one, 2 AS two").values();
    expect(gauge.inFlight).toBe(1);
    expect(await values).toEqual([[1, 2]]);
    expect(gauge.inFlight).toBe(0);

    const inside = await counted.begin(async (tx) => {
      const first = tx.unsafe("SELECT 1 AS n");
      expect(gauge.inFlight).toBe(1);
      await first;
      expect(gauge.inFlight).toBe(0);
      return (tx as unknown as { savepoint: typeof counted.begin }).savepoint(async (sp) => {
        const second = sp.unsafe<{ n: number }[]>("SELECT 2 AS n");
        expect(gauge.inFlight).toBe(1);
        return (await second)[0]?.n;
      });
    });
    expect(inside).toBe(2);
    expect(gauge.inFlight).toBe(0);

    await expect(counted.unsafe("SELECT * FROM nowhere")).rejects.toThrow(/nowhere/);
    expect(gauge.inFlight).toBe(0);
  });
});
