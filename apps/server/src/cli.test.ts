// The `cairn` command as an operator runs it: a real process, signals, exit codes.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { text } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { generateTypes } from "@cairn/client/typegen";
import { createDb, schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { createS3Storage } from "@cairn/storage";
import { startS3rver } from "@cairn/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const cliSource = fileURLToPath(new URL("./cli.ts", import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string;
  exit: Promise<number | null>;
}

function runCli(args: string[], env: Record<string, string>): Run {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", cliSource, ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const run: Run = {
    child,
    stdout: [],
    stderr: "",
    exit: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  };
  let partial = "";
  child.stdout?.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    run.stdout.push(...lines);
  });
  child.stderr?.on("data", (chunk) => {
    run.stderr += chunk;
  });
  return run;
}

async function untilReady(run: Run): Promise<{ url: string; startupMs: number }> {
  const deadline = Date.now() + 110_000;
  while (Date.now() < deadline) {
    const line = run.stdout
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === "cairn is ready");
    if (line) return line;
    if (run.child.exitCode !== null) throw new Error(`exited early: ${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("not ready within 110 s");
}

describe("cairn serve", () => {
  let dataDir: string;
  let consoleDir: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cairn-cli-"));
    consoleDir = await mkdtemp(join(tmpdir(), "cairn-cli-console-"));
    await writeFile(join(consoleDir, "index.html"), "<!doctype html><title>Cairn</title>");
    pg = process.env.TEST_DATABASE_URL ? await testDatabase() : undefined;
    env = {
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      CAIRN_CONSOLE_DIR: consoleDir,
      ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
    };
  });
  afterAll(async () => {
    await pg?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(consoleDir, { recursive: true, force: true });
  });

  it("serves the API and the console, stops on SIGTERM, and starts again on the same data", async () => {
    const first = runCli(["serve"], env);
    const { url } = await untilReady(first);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/ready`)).status).toBe(200);
    const consolePage = await fetch(`${url}/_/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain("<title>Cairn</title>");

    if (!pg) {
      // A second server on the same data directory refuses to start, and says why.
      const second = runCli(["serve"], env);
      expect(await second.exit).toBe(1);
      expect(second.stderr).toContain(
        `Data directory "${dataDir}" is in use by another Cairn process (pid ${first.child.pid})`,
      );
    }

    // First run: a setup link for the first superuser, on stderr.
    expect(first.stderr).toMatch(
      /Create the first superuser: http:\/\/[^\s]+\/_\/setup\?token=[a-z2-7]+/,
    );

    first.child.kill("SIGTERM");
    expect(await first.exit).toBe(0);
    expect(first.stdout.join("\n")).toContain('"msg":"stopped"');

    const again = runCli(["serve"], env);
    const restarted = await untilReady(again);
    expect((await fetch(`${restarted.url}/api/ready`)).status).toBe(200);
    again.child.kill("SIGINT");
    expect(await again.exit).toBe(0);
  }, 240_000);

  it("refuses invalid configuration with every problem named, exit code 1", async () => {
    const run = runCli(["serve"], { ...env, PORT: "eighty", CAIRN_LOG_LEVEL: "loud" });
    expect(await run.exit).toBe(1);
    expect(run.stderr).toContain("Invalid configuration");
    expect(run.stderr).toContain("PORT:");
    expect(run.stderr).toContain("CAIRN_LOG_LEVEL:");
  });

  it("answers --help and refuses unknown commands", async () => {
    const help = runCli(["--help"], env);
    expect(await help.exit).toBe(0);
    const unknown = runCli(["fly"], env);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "fly"');
  });

  it("explains every command with `cairn <command> --help`", async () => {
    const commands = ["serve", "migrate", "superuser", "schema", "typegen"];
    const runs = commands.map((command) => runCli([command, "--help"], env));
    for (const [index, run] of runs.entries()) {
      expect(await run.exit).toBe(0);
      const text = run.stdout.join("\n");
      expect(text).toContain(`Usage: cairn ${commands[index]}`);
      expect(text).toContain("Exit code");
    }
  }, 60_000);

  it("schema plan, apply and export work on the data directly", async () => {
    const file = join(dataDir, "schema.json");
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        collections: [{ name: "tasks", fields: [{ name: "title", type: "text" }] }],
      }),
    );
    const plan = runCli(["schema", "plan", file], env);
    expect(await plan.exit, plan.stderr).toBe(0);
    expect(plan.stdout.join("\n")).toContain('Create collection "tasks"');
    const apply = runCli(["schema", "apply", file], env);
    expect(await apply.exit, apply.stderr).toBe(0);
    const out = join(dataDir, "exported.json");
    const exported = runCli(["schema", "export", "--out", out], env);
    expect(await exported.exit, exported.stderr).toBe(0);
    const document = JSON.parse(await readFile(out, "utf8"));
    expect(document.collections.map((c: { name: string }) => c.name)).toEqual(["tasks"]);

    await writeFile(file, JSON.stringify({ version: 1, collections: [] }));
    const destructive = runCli(["schema", "apply", file], env);
    expect(await destructive.exit).toBe(1);
    expect(destructive.stderr).toContain("allowDestructive");
  });

  it("typegen writes the types of the schema in the database, as cairn-typegen would", async () => {
    const file = join(dataDir, "typegen-schema.json");
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        collections: [
          { name: "tasks", fields: [{ name: "title", type: "text" }] },
          {
            name: "task_notes",
            fields: [
              { name: "task", type: "relation", collection: "tasks", required: true },
              { name: "mood", type: "select", values: ["good", "bad"] },
            ],
          },
        ],
      }),
    );
    const apply = runCli(["schema", "apply", file], env);
    expect(await apply.exit, apply.stderr).toBe(0);

    const exportedFile = join(dataDir, "typegen-exported.json");
    const exported = runCli(["schema", "export", "--out", exportedFile], env);
    expect(await exported.exit, exported.stderr).toBe(0);
    const expected = generateTypes(JSON.parse(await readFile(exportedFile, "utf8")));

    const out = join(dataDir, "cairn-schema.ts");
    const toFile = runCli(["typegen", "--out", out], env);
    expect(await toFile.exit, toFile.stderr).toBe(0);
    expect(await readFile(out, "utf8")).toBe(expected);
    expect(expected).toContain("export type TaskNotesRecord = {");
    expect(expected).toContain('task: { collection: "tasks"; multiple: false };');
    expect(expected).toContain('task_notes_via_task: { collection: "task_notes" };');

    const toStdout = runCli(["typegen"], env);
    expect(await toStdout.exit, toStdout.stderr).toBe(0);
    expect(`${toStdout.stdout.join("\n")}\n`).toBe(expected);

    const wrong = runCli(["typegen", "extra"], env);
    expect(await wrong.exit).toBe(2);
    expect(wrong.stderr).toContain("Usage: cairn typegen");
  });

  it("superuser create, list and delete", async () => {
    const noPassword = runCli(["superuser", "create", "ops@example.com"], env);
    expect(await noPassword.exit).toBe(2);
    const created = runCli(
      ["superuser", "create", "ops@example.com", "--password", "a long admin password"],
      env,
    );
    expect(await created.exit, created.stderr).toBe(0);
    const weak = runCli(["superuser", "create", "b@example.com", "--password", "short"], env);
    expect(await weak.exit).toBe(1);
    expect(weak.stderr).toContain("password:");
    // The refusal in words, not a stack trace.
    expect(weak.stderr).not.toMatch(/^\s+at /m);
    const list = runCli(["superuser", "list"], env);
    expect(await list.exit).toBe(0);
    expect(list.stdout.join("\n")).toContain("ops@example.com");
    const last = runCli(["superuser", "delete", "ops@example.com"], env);
    expect(await last.exit).toBe(1);
    expect(last.stderr).toContain("last superuser");
  }, 90_000); // five CLI processes, each opening the embedded database

  it("migrate applies migrations and exits", async () => {
    const run = runCli(["migrate"], { ...env, CAIRN_DATA_DIR: join(dataDir, "fresh") });
    expect(await run.exit).toBe(0);
    expect(run.stdout.join("\n")).toContain("migrations applied");
  });

  it("files migrate explains itself, refuses bad usage with 2, and runs", async () => {
    const help = runCli(["files", "migrate", "--help"], env);
    expect(await help.exit).toBe(0);
    const text = help.stdout.join("\n");
    expect(text).toContain("Usage: cairn files migrate [--to local|s3] [--dry-run]");
    expect(text).toContain("--dry-run");
    const usage = await Promise.all(
      [
        ["files"],
        ["files", "copy"],
        ["files", "migrate", "extra"],
        ["files", "migrate", "--to", "ftp"],
        ["files", "migrate", "--to"],
        ["files", "migrate", "--bogus"],
      ].map(async (args) => {
        const run = runCli(args, env);
        return { args: args.join(" "), exit: await run.exit, stderr: run.stderr };
      }),
    );
    for (const run of usage) expect(run.exit, run.args).toBe(2);
    expect(usage[3]?.stderr).toContain("--to must be one of local, s3");
    expect(usage[5]?.stderr).toContain("--bogus");

    // On the data itself: nothing to move yet, and S3 is refused until it is configured.
    const dry = runCli(["files", "migrate", "--dry-run"], env);
    expect(await dry.exit, dry.stderr).toBe(0);
    expect(dry.stdout.join("\n")).toContain(
      "Would move 0 files (0 bytes) to local; 0 skipped, 0 failed.",
    );
    const toS3 = runCli(["files", "migrate", "--to", "s3"], env);
    expect(await toS3.exit).toBe(1);
    expect(toS3.stderr).toContain("S3 storage is not configured");
  }, 120_000); // nine processes, two of them opening the database

  it("files migrate moves files from <dataDir>/storage to S3 once the settings say so", async () => {
    const s3 = await startS3rver("cairn-cli");
    const database = pg ?? (await createDb({ dataDir }));
    try {
      const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3.options;
      await database.db.insert(schema.settings).values({
        key: "storage",
        value: {
          kind: "s3",
          s3: { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle: true },
        },
      });
      await database.db.insert(schema.files).values({
        id: "cli_file_1",
        collectionId: "col1",
        recordId: "rec1",
        fieldId: "f1",
        name: "notes_abcdefghij.txt",
        originalName: "notes.txt",
        storage: "local",
        key: "col1/rec1/notes_abcdefghij.txt",
        size: 11,
        mimeType: "text/plain",
        status: "attached",
        uploadedBy: "superuser:cli",
      });
    } finally {
      if (!pg) await database.close();
    }
    const local = join(dataDir, "storage", "col1", "rec1", "notes_abcdefghij.txt");
    await mkdir(dirname(local), { recursive: true });
    await writeFile(local, "hello files");
    try {
      const run = runCli(["files", "migrate"], env);
      expect(await run.exit, run.stderr).toBe(0);
      expect(run.stdout.join("\n")).toContain(
        "Moved 1 file (11 bytes) to s3; 0 skipped, 0 failed.",
      );
      expect(run.stderr).toContain("[1/1] moved col1/rec1/notes_abcdefghij.txt");
      const bucket = createS3Storage(s3.options);
      const got = await bucket.get("col1/rec1/notes_abcdefghij.txt");
      expect(got && (await text(got.body))).toBe("hello files");
      await bucket.close();
      await expect(readFile(local)).rejects.toThrow(/ENOENT/);
    } finally {
      await s3.stop();
    }
  }, 120_000);
});
