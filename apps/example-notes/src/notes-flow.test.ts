// The example app against a real Cairn server process, set up the way its README says: a
// superuser, the committed schema applied, then the app's own data functions end to end.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isCairnError, memoryStorage } from "@cairn/client";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNote,
  createNotesClient,
  currentUser,
  deleteNote,
  listNotes,
  type NotesClient,
  signIn,
  signOut,
  signUp,
  updateNote,
} from "./notes-api.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
// Spawned by path, never imported: the app knows the server only over HTTP.
const serverCli = join(repoRoot, "apps/server/src/cli.ts");
const typegenBin = join(repoRoot, "packages/client/bin/cairn-typegen.mjs");
const schemaFile = fileURLToPath(new URL("../cairn/schema.json", import.meta.url));
const committedTypesFile = fileURLToPath(new URL("./cairn-schema.ts", import.meta.url));
const admin = { email: "admin@example.com", password: "a long admin password" };

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", script, ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const done = new Promise<Finished>((resolve) =>
    child.once("exit", (code) => resolve({ code, ...output })),
  );
  return { child, output, done };
}

async function run(script: string, args: string[], env: Record<string, string>) {
  const finished = await start(script, args, env).done;
  if (finished.code !== 0) {
    throw new Error(`${args.join(" ")} exited ${finished.code}: ${finished.stderr}`);
  }
  return finished.stdout;
}

async function untilReady(server: ReturnType<typeof start>): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const line of server.output.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "cairn is ready" && entry.url) return entry.url;
    }
    if (server.child.exitCode !== null) throw new Error(`exited early: ${server.output.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("not ready within 60 s");
}

describe("example-notes against a real server", () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;
  let server: ReturnType<typeof start>;
  let url: string;
  /** `cairn typegen` output, read from the database before the server takes it over. */
  let typesFromDatabase: string;
  const clients: NotesClient[] = [];

  function client(): NotesClient {
    const cairn = createNotesClient(url, { storage: memoryStorage() });
    clients.push(cairn);
    return cairn;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cairn-example-notes-"));
    pg = process.env.TEST_DATABASE_URL ? await testDatabase() : undefined;
    env = {
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      CAIRN_AUTH_RATE_LIMIT: "10000",
      ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
    };
    await run(serverCli, ["superuser", "create", admin.email, "--password", admin.password], env);
    await run(serverCli, ["schema", "apply", schemaFile], env);
    typesFromDatabase = await run(serverCli, ["typegen"], env);
    server = start(serverCli, ["serve"], env);
    url = await untilReady(server);
  });

  afterAll(async () => {
    for (const cairn of clients) cairn.auth.stopAutoRefresh();
    if (server?.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.done;
    }
    await pg?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the committed cairn-schema.ts is what typegen makes of the schema", async () => {
    const committed = await readFile(committedTypesFile, "utf8");
    // From the schema document, from the live server, and from the database: one output.
    expect(typesFromDatabase).toBe(committed);
    expect(await run(typegenBin, ["--schema", schemaFile], env)).toBe(committed);
    const signedIn = await fetch(`${url}/api/superusers/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(admin),
    });
    const { token } = (await signedIn.json()) as { token: string };
    expect(await run(typegenBin, ["--url", url, "--key", token], env)).toBe(committed);
    const refused = await start(typegenBin, ["--url", url, "--key", "wrong"], env).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("answered 401");
  });

  it("signs up, then creates, lists, edits and deletes notes", async () => {
    const ann = client();
    const user = await signUp(ann, "ann@example.com", "ann's password");
    expect(currentUser(ann)?.id).toBe(user.id);

    const groceries = await createNote(ann, { title: "Groceries", body: "milk, eggs" });
    expect(groceries).toMatchObject({ title: "Groceries", owner: user.id, pinned: false });
    const ideas = await createNote(ann, { title: "Ideas", pinned: true });
    expect((await listNotes(ann)).map((n) => n.title)).toEqual(["Ideas", "Groceries"]);
    expect((await listNotes(ann, "eggs")).map((n) => n.title)).toEqual(["Groceries"]);

    const edited = await updateNote(ann, groceries.id, { body: "milk, eggs, bread", pinned: true });
    expect(edited.body).toBe("milk, eggs, bread");
    expect((await listNotes(ann)).map((n) => n.title)).toEqual(["Groceries", "Ideas"]);

    await deleteNote(ann, ideas.id);
    expect((await listNotes(ann)).map((n) => n.id)).toEqual([groceries.id]);

    await expect(createNote(ann, { title: "" })).rejects.toSatisfy(
      (error) => isCairnError(error) && error.code === "VALIDATION_FAILED",
    );

    await signOut(ann);
    expect(currentUser(ann)).toBeNull();
    await signIn(ann, "ann@example.com", "ann's password");
    expect((await listNotes(ann)).map((n) => n.title)).toEqual(["Groceries"]);
  });

  it("another user sees none of them, and cannot change them", async () => {
    const ann = client();
    await signIn(ann, "ann@example.com", "ann's password");
    const [note] = await listNotes(ann);
    expect(note).toBeDefined();

    const bob = client();
    await signUp(bob, "bob@example.com", "bob's password");
    expect(await listNotes(bob)).toEqual([]);
    expect(await listNotes(bob, "Groceries")).toEqual([]);
    const denied = (error: unknown) => isCairnError(error) && error.status >= 400;
    await expect(updateNote(bob, note!.id, { title: "mine now" })).rejects.toSatisfy(denied);
    await expect(deleteNote(bob, note!.id)).rejects.toSatisfy(denied);
    // Nor write one in Ann's name.
    await expect(
      bob.collection("notes").create({ title: "forged", owner: note!.owner }),
    ).rejects.toSatisfy(denied);

    expect((await listNotes(ann)).map((n) => n.title)).toEqual(["Groceries"]);
    // Signed out, the list is empty: the rule needs a user.
    await signOut(bob);
    expect(await listNotes(bob)).toEqual([]);
  });
});
