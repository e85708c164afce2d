// The `cairn-typegen` command without its Node shell: arguments in, exit code out, every bit of
// I/O injected, so it is tested without a process and the SDK stays free of `node:` imports.
import { assertTypegenDocument, type TypegenDocument } from "./typegen-document.js";
import { generateTypes } from "./typegen-generate.js";

/** What the command needs from its environment (bin/cairn-typegen.mjs passes Node's). */
export interface TypegenIo {
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  fetch: typeof fetch;
  stdout(text: string): void;
  stderr(text: string): void;
  /** CAIRN_URL and CAIRN_API_KEY stand in for --url and --key. */
  env?: Record<string, string | undefined>;
}

export const typegenUsage = `Usage: cairn-typegen (--url URL --key API_KEY | --schema FILE) [--out FILE]

Writes TypeScript types for a Cairn schema: a Record, Create and Update type per collection, and
the Schema type createClient<Schema>() takes.

Options:
  --url URL        A Cairn server; its GET /api/schema is read (or set CAIRN_URL).
  --key API_KEY    An API key or superuser token sent as Authorization: Bearer (or CAIRN_API_KEY).
  --schema FILE    A schema document instead (cairn schema export, or your own).
  --out FILE       Where to write the types (stdout by default).
  -h, --help       This help.

Exit codes: 0 written, 1 failed, 2 wrong usage.`;

class UsageError extends Error {}

function parseArguments(argv: readonly string[]): Record<string, string | true> {
  const values: Record<string, string | true> = {};
  const withValue = new Set(["url", "key", "schema", "out"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") {
      values.help = true;
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match || !withValue.has(match[1]!)) throw new UsageError(`Unknown argument "${arg}".`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === "") throw new UsageError(`--${match[1]} needs a value.`);
    values[match[1]!] = value;
  }
  return values;
}

async function fetchSchema(io: TypegenIo, url: string, key: string): Promise<unknown> {
  const endpoint = `${url.replace(/\/+$/, "")}/api/schema`;
  let response: Response;
  try {
    response = await io.fetch(endpoint, {
      headers: { Accept: "application/json", Authorization: `Bearer ${key}` },
    });
  } catch (cause) {
    throw new Error(
      `Could not reach ${endpoint}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`.trim();
    try {
      const envelope = (JSON.parse(text) as { error?: { message?: unknown } }).error;
      if (typeof envelope?.message === "string") message += `: ${envelope.message}`;
    } catch {
      // Not the error envelope (a proxy's page, say): the status says enough.
    }
    const hint =
      response.status === 401 || response.status === 403
        ? " Reading the schema needs a superuser token or an API key allowed to."
        : "";
    throw new Error(`${endpoint} answered ${message}.${hint}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${endpoint} did not answer JSON.`);
  }
}

/** Runs the command; resolves to the exit code (0 ok, 1 failed, 2 usage). */
export async function runTypegen(argv: readonly string[], io: TypegenIo): Promise<number> {
  let values: Record<string, string | true>;
  try {
    values = parseArguments(argv);
  } catch (error) {
    io.stderr(`cairn-typegen: ${(error as Error).message}\n\n${typegenUsage}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${typegenUsage}\n`);
    return 0;
  }
  const url = (values.url as string | undefined) ?? io.env?.CAIRN_URL;
  const key = (values.key as string | undefined) ?? io.env?.CAIRN_API_KEY;
  const file = values.schema as string | undefined;
  const out = values.out as string | undefined;
  if ((url === undefined) === (file === undefined)) {
    io.stderr(`cairn-typegen: give either --url (with --key) or --schema.\n\n${typegenUsage}\n`);
    return 2;
  }
  if (url !== undefined && key === undefined) {
    io.stderr("cairn-typegen: --url needs --key (an API key or superuser token).\n");
    return 2;
  }
  try {
    let document: unknown;
    if (file !== undefined) {
      const text = await io.readFile(file);
      try {
        document = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file} is not JSON: ${(error as Error).message}`);
      }
    } else {
      document = await fetchSchema(io, url!, key!);
    }
    assertTypegenDocument(document);
    const types = generateTypes(document as TypegenDocument);
    if (out === undefined) io.stdout(types);
    else {
      await io.writeFile(out, types);
      io.stderr(`cairn-typegen: wrote ${out} (${document.collections.length} collections)\n`);
    }
    return 0;
  } catch (error) {
    io.stderr(`cairn-typegen: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
