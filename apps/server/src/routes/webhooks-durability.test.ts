// Nothing lost: a real server process (`cairn serve`) takes writes while the receiver is down,
// is killed with SIGKILL in the middle of them, and is started again on the same data (the
// PGlite directory, or the Postgres database). Once the receiver is up, every record that
// exists has been delivered as an event: one distinct webhook-id per record.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));
const cli = join(repoRoot, "apps/server/src/cli.ts");
const records = 200;
const killAfter = 120;

let dataDir: string;
let database: TestDatabase | undefined;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "cairn-webhooks-crash-"));
  if (process.env.TEST_DATABASE_URL) database = await testDatabase();
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await database?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface Running {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
  stderr: () => string;
}

/** Starts `cairn serve` and resolves with its URL once it logs that it is ready. */
function serve(): Promise<Running> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", cli, "serve"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      CAIRN_AUTH_RATE_LIMIT: "10000",
      CAIRN_LOG_LEVEL: "info",
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 60 s: ${stderr}`)), 60_000);
    let partial = "";
    child.stdout?.on("data", (chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "cairn is ready" && entry.url) {
          clearTimeout(timer);
          resolve({ url: entry.url, child, exited, stderr: () => stderr });
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn exited (${code}) before it was ready: ${stderr}`));
    });
  });
}

async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON answers
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

it("delivers an event for every committed record across a kill -9", {
  timeout: 180_000,
}, async () => {
  // The receiver's port is chosen now; nothing listens there until the end.
  const port = await freePort();
  let server = await serve();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const setupToken = /\/_\/setup\?token=([a-z2-7]+)/.exec(server.stderr())?.[1];
  expect(setupToken).toBeTruthy();
  const credentials = { email: "admin@example.com", password: "a long admin password" };
  expect(
    (await api(server.url, "POST", "/api/superusers/setup", { token: setupToken, ...credentials }))
      .status,
  ).toBeLessThan(300);
  const token = (await api(server.url, "POST", "/api/superusers/sign-in", credentials)).body
    .token as string;
  expect(token).toBeTruthy();
  expect(
    (
      await api(
        server.url,
        "POST",
        "/api/collections",
        { name: "items", fields: [{ name: "n", type: "number" }] },
        token,
      )
    ).status,
  ).toBe(201);
  expect(
    (
      await api(
        server.url,
        "PATCH",
        "/api/webhooks/settings",
        { allowPrivateAddresses: true },
        token,
      )
    ).status,
  ).toBe(200);
  const hook = await api(
    server.url,
    "POST",
    "/api/webhooks",
    { url: `http://127.0.0.1:${port}/hook`, events: ["items.created"] },
    token,
  );
  expect(hook.status).toBe(201);

  // Four writers at once; SIGKILL lands while some of their requests are in flight.
  const acknowledged = new Set<string>();
  let next = 0;
  let killed = false;
  const writer = async () => {
    while (next < records && !killed) {
      const n = next++;
      if (n === killAfter) {
        killed = true;
        server.child.kill("SIGKILL");
        return;
      }
      try {
        const created = await api(
          server.url,
          "POST",
          "/api/collections/items/records",
          { n },
          token,
        );
        if (created.status === 201) acknowledged.add(created.body.id);
      } catch {
        // The server died under this request: committed or not, the check below decides.
      }
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  await server.exited;
  expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter - 4);

  server = await serve();
  const listed = await api(
    server.url,
    "GET",
    "/api/collections/items/records?perPage=500",
    undefined,
    token,
  );
  expect(listed.status).toBe(200);
  const committed = new Set<string>(listed.body.items.map((r: { id: string }) => r.id));
  for (const id of acknowledged) expect(committed.has(id)).toBe(true);

  // The receiver comes up; deliveries waiting out their backoff are asked to go now.
  const seen = new Map<string, string>();
  const receiver: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const recordId = (JSON.parse(body) as { data: { record: { id: string } } }).data.record.id;
      seen.set(String(request.headers["webhook-id"]), recordId);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, "127.0.0.1", resolve));
  try {
    const deadline = Date.now() + 90_000;
    while (seen.size < committed.size && Date.now() < deadline) {
      await api(
        server.url,
        "POST",
        `/api/webhooks/${hook.body.id}/redeliver`,
        { waiting: true },
        token,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(seen.size).toBe(committed.size);
    expect(new Set(seen.values())).toEqual(committed);
    const deliveries = await api(
      server.url,
      "GET",
      `/api/webhooks/deliveries?webhookId=${hook.body.id}&limit=500`,
      undefined,
      token,
    );
    expect(deliveries.body.items).toHaveLength(committed.size);
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    server.child.kill("SIGTERM");
    await server.exited;
  }
});
