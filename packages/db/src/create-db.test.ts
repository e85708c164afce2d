import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, type Database, DataDirInUseError } from "./index.js";
import { settings } from "./schema/index.js";
import { openTestDatabase, testDatabase } from "./testing.js";

describe("createDb on PGlite", () => {
  let dataDir: string;
  const open: Database[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cairn-db-"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((database) => database.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("migrates a new data directory and keeps its data across restarts", async () => {
    const first = await createDb({ dataDir });
    expect(first.driver).toBe("pglite");
    expect(await first.isMigrated()).toBe(true);
    await first.db.insert(settings).values({ key: "greeting", value: { text: "hello" } });
    await first.close();

    const second = await createDb({ dataDir });
    open.push(second);
    const [row] = await second.db.select().from(settings).where(eq(settings.key, "greeting"));
    expect(row?.value).toEqual({ text: "hello" });
    expect(await second.isMigrated()).toBe(true);
  });

  it("refuses a data directory another process holds, with a clear message", async () => {
    open.push(await createDb({ dataDir }));
    const attempt = createDb({ dataDir });
    await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(attempt).rejects.toThrow(/is in use by another Cairn process \(pid \d+\)/);
  });

  it("takes over a lock left by a process that is gone", async () => {
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on("exit", resolve));
    await writeFile(join(dataDir, "pglite.lock"), `${deadPid}\n`);
    const database = await createDb({ dataDir });
    open.push(database);
    expect(await database.isMigrated()).toBe(true);
  });

  it("releases the lock on close so the directory can be opened again", async () => {
    await (await createDb({ dataDir })).close();
    const again = await createDb({ dataDir });
    open.push(again);
    await again.ping();
  });
});

describe("test databases", () => {
  it("are migrated and isolated from each other", async () => {
    const a = await testDatabase();
    const b = await testDatabase();
    try {
      expect(await a.isMigrated()).toBe(true);
      await a.db.insert(settings).values({ key: "only-in-a", value: 1 });
      expect(await b.db.select().from(settings).where(eq(settings.key, "only-in-a"))).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("answer raw SQL through rows() the same way on every driver", async () => {
    const database = await testDatabase();
    try {
      const rows = await database.rows<{ n: number; s: string }>(
        sql`select ${41}::int + 1 as n, ${"x"}::text as s`,
      );
      expect(rows).toEqual([{ n: 42, s: "x" }]);
    } finally {
      await database.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("createDb on Postgres", () => {
  it("applies migrations once when replicas start together", async () => {
    const { inject } = await import("vitest");
    const template = inject("cairnTestTemplate");
    if (template.driver !== "postgres") throw new Error("expected a postgres template");
    // An empty database, not a clone of the migrated template.
    const scratch = await openTestDatabase({ ...template, template: "template0" });
    try {
      const [{ url }] = (await scratch.rows<{ url: string }>(
        sql`select current_database() as url`,
      )) as [{ url: string }];
      const target = new URL(template.adminUrl);
      target.pathname = `/${url}`;
      const replicas = await Promise.all(
        [1, 2, 3].map(() => createDb({ databaseUrl: target.toString(), dataDir: "/nonexistent" })),
      );
      const counts = await replicas[0]!.rows<{ n: number }>(
        sql`select count(*)::int as n from cairn.migrations`,
      );
      const journal = JSON.parse(
        await readFile(new URL("../migrations/meta/_journal.json", import.meta.url), "utf8"),
      ) as { entries: unknown[] };
      expect(counts[0]?.n).toBe(journal.entries.length);
      expect(await replicas[1]!.isMigrated()).toBe(true);
      await Promise.all(replicas.map((replica) => replica.close()));
    } finally {
      await scratch.close();
    }
  });

  it("reports a clear error for an unreachable server", async () => {
    await expect(
      createDb({ databaseUrl: "postgres://postgres@127.0.0.1:1/none", dataDir: "/nonexistent" }),
    ).rejects.toThrow(/^Cannot reach the database at 127.0.0.1:1\/none: .*ECONNREFUSED/);
  });
});
