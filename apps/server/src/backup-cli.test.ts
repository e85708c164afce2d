// `cairn backup` and `cairn restore` as an operator runs them: real processes, exit codes, the
// embedded database as the source, a fresh one (or Postgres under test:pg) as the target.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, queryRows } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const cliSource = fileURLToPath(new URL("./cli.ts", import.meta.url));

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", cliSource, ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

let dir: string;
let target: TestDatabase | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-backup-cli-"));
  target = process.env.TEST_DATABASE_URL ? await testDatabase() : undefined;
});

afterAll(async () => {
  await target?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("cairn backup / cairn restore", () => {
  it("backs up the embedded database and restores it elsewhere", async () => {
    const source: Record<string, string> = {
      CAIRN_DATA_DIR: join(dir, "source"),
      CAIRN_LOG_LEVEL: "warn",
    };
    const restored: Record<string, string> = target?.url
      ? { CAIRN_DATA_DIR: join(dir, "target"), DATABASE_URL: target.url, CAIRN_LOG_LEVEL: "warn" }
      : { CAIRN_DATA_DIR: join(dir, "target"), CAIRN_LOG_LEVEL: "warn" };

    const help = await cli(["backup", "--help"], source);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: cairn backup [--out FILE] [--no-files]");
    expect((await cli(["restore", "--help"], source)).stdout).toContain(
      "Usage: cairn restore FILE [--force]",
    );
    expect((await cli(["restore"], source)).code).toBe(2);
    expect((await cli(["backup", "extra"], source)).code).toBe(2);

    // A source with a superuser, a collection, a record and a file.
    const created = await cli(
      ["superuser", "create", "ops@example.com", "--password", "a long password here"],
      source,
    );
    expect(created.code, created.stderr).toBe(0);
    const schemaFile = join(dir, "schema.json");
    await writeFile(
      schemaFile,
      JSON.stringify({
        version: 1,
        collections: [
          {
            name: "notes",
            type: "base",
            fields: [
              { name: "text", type: "text" },
              { name: "doc", type: "file" },
            ],
          },
        ],
      }),
    );
    const applied = await cli(["schema", "apply", schemaFile], source);
    expect(applied.code, applied.stderr).toBe(0);
    const database = await createDb({ dataDir: join(dir, "source") });
    const bytes = Buffer.from("the bytes of a file\n");
    try {
      const [collection] = await queryRows<{
        id: string;
        definition: { fields: { id: string; name: string }[] };
      }>(database.db, sql`SELECT id, definition FROM cairn.collections WHERE name = 'notes'`);
      const field = collection!.definition.fields.find((f) => f.name === "doc")!;
      const key = `${collection!.id}/rec1/a_abcdefghij.txt`;
      await database.db.execute(
        sql`INSERT INTO public.notes (id, text, doc) VALUES ('rec1', 'kept', 'a_abcdefghij.txt')`,
      );
      await database.db.execute(
        sql`INSERT INTO cairn.files (id, collection_id, record_id, field_id, name, original_name, storage, key, size, mime_type, status, uploaded_by)
            VALUES ('file1', ${collection!.id}, 'rec1', ${field.id}, 'a_abcdefghij.txt', 'a.txt', 'local', ${key}, ${bytes.length}, 'text/plain', 'attached', 'cli')`,
      );
      const path = join(dir, "source", "storage", key);
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, bytes);
    } finally {
      await database.close();
    }

    const archive = join(dir, "backup.tar.gz");
    const backup = await cli(["backup", "--out", archive], source);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain(`Wrote ${archive}`);
    expect(backup.stderr).toContain("1 files");
    // Never over an existing file.
    const again = await cli(["backup", "--out", archive], source);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("cannot write");
    expect((await readFile(archive)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const restore = await cli(["restore", archive], restored);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain("and 1 files");
    const refused = await cli(["restore", archive], restored);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("not empty");
    expect((await cli(["restore", join(dir, "missing.tar.gz")], restored)).code).toBe(1);

    const check = target ?? (await createDb({ dataDir: join(dir, "target") }));
    try {
      const rows = await queryRows<{ text: string }>(check.db, sql`SELECT text FROM public.notes`);
      expect(rows).toEqual([{ text: "kept" }]);
      const users = await queryRows<{ email: string }>(
        check.db,
        sql`SELECT email FROM cairn.superusers`,
      );
      expect(users).toEqual([{ email: "ops@example.com" }]);
      const [file] = await queryRows<{ key: string }>(check.db, sql`SELECT key FROM cairn.files`);
      expect(await readFile(join(dir, "target", "storage", file!.key))).toEqual(bytes);
    } finally {
      if (!target) await check.close();
    }
  }, 360_000);
});
