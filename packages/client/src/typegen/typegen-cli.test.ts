// The cairn-typegen command with its I/O faked: arguments, sources, errors and exit codes.
// (apps/example-notes runs the real bin against a real server.)
import { describe, expect, it } from "vitest";
import { runTypegen, type TypegenIo } from "./typegen-cli.js";
import { fixtureSchema } from "./typegen-fixture-schema.js";
import { generateTypes } from "./typegen-generate.js";

function fakeIo(
  options: {
    files?: Record<string, string>;
    respond?: (url: string, init: RequestInit) => Response;
  } = {},
) {
  const files = { ...options.files };
  const requests: { url: string; headers: Record<string, string> }[] = [];
  let stdout = "";
  let stderr = "";
  const io: TypegenIo = {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
    writeFile: async (path, text) => {
      files[path] = text;
    },
    fetch: async (input, init) => {
      requests.push({
        url: String(input),
        headers: (init?.headers ?? {}) as Record<string, string>,
      });
      if (!options.respond) throw new TypeError("fetch failed");
      return options.respond(String(input), init ?? {});
    },
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
  };
  return {
    io,
    files,
    requests,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

const expected = generateTypes(fixtureSchema);
const schemaJson = JSON.stringify(fixtureSchema);

describe("cairn-typegen", () => {
  it("--schema FILE writes the types to stdout", async () => {
    const run = fakeIo({ files: { "schema.json": schemaJson } });
    expect(await runTypegen(["--schema", "schema.json"], run.io)).toBe(0);
    expect(run.stdout).toBe(expected);
  });

  it("--url and --key read GET /api/schema with a bearer token; --out writes a file", async () => {
    const run = fakeIo({ respond: () => new Response(schemaJson, { status: 200 }) });
    const code = await runTypegen(
      ["--url", "http://cairn.test/", "--key=ck_secret", "--out", "src/cairn-schema.ts"],
      run.io,
    );
    expect(code, run.stderr).toBe(0);
    expect(run.requests).toEqual([
      {
        url: "http://cairn.test/api/schema",
        headers: { Accept: "application/json", Authorization: "Bearer ck_secret" },
      },
    ]);
    expect(run.files["src/cairn-schema.ts"]).toBe(expected);
    expect(run.stderr).toContain("wrote src/cairn-schema.ts (5 collections)");
    expect(run.stdout).toBe("");
  });

  it("takes CAIRN_URL and CAIRN_API_KEY from the environment", async () => {
    const run = fakeIo({ respond: () => new Response(schemaJson) });
    run.io.env = { CAIRN_URL: "http://env.test", CAIRN_API_KEY: "ck_env" };
    expect(await runTypegen([], run.io)).toBe(0);
    expect(run.requests[0]?.headers.Authorization).toBe("Bearer ck_env");
  });

  it("wrong usage exits 2 with the usage", async () => {
    for (const argv of [
      [],
      ["--url", "http://x"],
      ["--schema", "a.json", "--url", "http://x", "--key", "k"],
      ["--schema"],
      ["--bogus"],
      ["schema.json"],
    ]) {
      const run = fakeIo();
      expect(await runTypegen(argv, run.io), argv.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^cairn-typegen: /);
    }
    const help = fakeIo();
    expect(await runTypegen(["--help"], help.io)).toBe(0);
    expect(help.stdout).toContain("Usage: cairn-typegen");
  });

  it("a refused key exits 1 with the server's message and a hint", async () => {
    const run = fakeIo({
      respond: () =>
        new Response(
          JSON.stringify({
            error: { code: "FORBIDDEN", message: "Superusers only.", requestId: "r" },
          }),
          { status: 403, statusText: "Forbidden" },
        ),
    });
    expect(await runTypegen(["--url", "http://cairn.test", "--key", "nope"], run.io)).toBe(1);
    expect(run.stderr).toContain("answered 403 Forbidden: Superusers only.");
    expect(run.stderr).toContain("needs a superuser token or an API key");
  });

  it("an unreachable server, a missing file, bad JSON or a bad document exit 1", async () => {
    const unreachable = fakeIo();
    expect(await runTypegen(["--url", "http://down.test", "--key", "k"], unreachable.io)).toBe(1);
    expect(unreachable.stderr).toContain("Could not reach http://down.test/api/schema");

    const missing = fakeIo();
    expect(await runTypegen(["--schema", "nope.json"], missing.io)).toBe(1);
    expect(missing.stderr).toContain("ENOENT");

    const notJson = fakeIo({ files: { "s.json": "{ nope" } });
    expect(await runTypegen(["--schema", "s.json"], notJson.io)).toBe(1);
    expect(notJson.stderr).toContain("s.json is not JSON");

    const notSchema = fakeIo({ files: { "s.json": '{ "items": [] }' } });
    expect(await runTypegen(["--schema", "s.json"], notSchema.io)).toBe(1);
    expect(notSchema.stderr).toContain("Not a Cairn schema document");

    const html = fakeIo({ respond: () => new Response("<html>", { status: 200 }) });
    expect(await runTypegen(["--url", "http://cairn.test", "--key", "k"], html.io)).toBe(1);
    expect(html.stderr).toContain("did not answer JSON");
  });
});
