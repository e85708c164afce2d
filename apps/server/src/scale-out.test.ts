// Scale-out, proven end to end: two `cairn serve` processes on one fresh Postgres database, as an
// operator runs replicas behind a load balancer. Data, realtime, webhooks (each delivery once),
// schema changes and settings all cross from one replica to the other (docs/scaling.md).
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { CollectionRegistry, createCtx, createSession, newRecordId } from "@cairn/core";
import { queryRows, schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CairnProcess, startCairnProcess } from "./testing/cairn-process.js";
import { SseReader } from "./testing/sse.js";

// PGlite is one process's database: replicas need Postgres.
describe.skipIf(!process.env.TEST_DATABASE_URL)("two replicas on one Postgres", () => {
  let database: TestDatabase;
  let a: CairnProcess;
  let b: CairnProcess;
  let admin: Record<string, string>;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end("ok");
    });
  });

  async function api(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = admin,
    // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON answers
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get("content-type")?.includes("json");
    return {
      status: response.status,
      body: text && json ? JSON.parse(text) : text,
      headers: response.headers,
    };
  }

  beforeAll(async () => {
    database = await testDatabase();
    // A superuser session made straight in the database, valid on every replica.
    const ctx = createCtx({ database, collections: new CollectionRegistry(database) });
    const id = newRecordId();
    await database.db.insert(schema.superusers).values({ id, email: `${id}@example.com` });
    const { token } = await createSession({ ctx, input: { subject: { kind: "superuser", id } } });
    admin = { Authorization: `Bearer ${token}` };
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    [a, b] = await Promise.all([
      startCairnProcess({ DATABASE_URL: database.url! }),
      startCairnProcess({ DATABASE_URL: database.url! }),
    ]);
    // Made through A after both started: B learns of it only from A.
    const notes = await api(a.url, "POST", "/api/collections", {
      name: "notes",
      fields: [{ name: "text", type: "text" }],
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
      deleteRule: "",
    });
    expect(notes.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await database?.close();
  }, 60_000);

  it("a record written through A is read and listed through B", async () => {
    const created = await api(a.url, "POST", "/api/collections/notes/records", { text: "hi" });
    expect(created.status).toBe(201);
    const read = await api(b.url, "GET", `/api/collections/notes/records/${created.body.id}`);
    expect(read).toMatchObject({ status: 200, body: { id: created.body.id, text: "hi" } });
    const list = await api(b.url, "GET", "/api/collections/notes/records?perPage=500");
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(created.body.id);
    // And back: B writes, A updates, B sees the update.
    const other = await api(b.url, "POST", "/api/collections/notes/records", { text: "from B" });
    expect(other.status).toBe(201);
    const path = `/api/collections/notes/records/${other.body.id}`;
    expect((await api(a.url, "PATCH", path, { text: "edited on A" })).status).toBe(200);
    expect((await api(b.url, "GET", path)).body.text).toBe("edited on A");
  });

  it("realtime crosses replicas: a subscriber on B hears a change made through A", async () => {
    const subscriptions = encodeURIComponent(JSON.stringify([{ topic: "notes/*" }]));
    const response = await fetch(`${b.url}/api/realtime?subscriptions=${subscriptions}`);
    expect(response.status).toBe(200);
    const reader = new SseReader(response);
    try {
      await reader.next((e) => e.event === "connect");
      const created = await api(a.url, "POST", "/api/collections/notes/records", {
        text: "live",
      });
      const change = await reader.next(
        (e) => e.event === "change" && e.data.matches[0].record.id === created.body.id,
        10_000,
      );
      expect(change.data.matches[0].record.text).toBe("live");
    } finally {
      await reader.cancel();
    }
  }, 30_000);

  it("N writes spread over A and B make exactly N webhook deliveries, each id once", async () => {
    const allow = await api(a.url, "PATCH", "/api/webhooks/settings", {
      allowPrivateAddresses: true,
    });
    expect(allow.status).toBe(200);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await api(b.url, "POST", "/api/webhooks", {
      url: `http://127.0.0.1:${port}/hook`,
      events: ["notes.created"],
    });
    expect(hook.status).toBe(201);
    received.length = 0;
    const n = 200;
    const ids: string[] = [];
    for (let start = 0; start < n; start += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api((start + i) % 2 === 0 ? a.url : b.url, "POST", "/api/collections/notes/records", {
            text: `hook ${start + i}`,
          }),
        ),
      );
      for (const created of batch) {
        expect(created.status).toBe(201);
        ids.push(created.body.id);
      }
    }
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(n), {
      timeout: 60_000,
      interval: 200,
    });
    // Time for a duplicate to show up, had one been sent.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(received).toHaveLength(n);
    const webhookIds = new Set(received.map((r) => r.headers["webhook-id"]));
    expect(webhookIds.size).toBe(n);
    const recordIds = new Set(
      received.map(
        (r) => (JSON.parse(r.body) as { data: { record: { id: string } } }).data.record.id,
      ),
    );
    expect([...recordIds].sort()).toEqual([...ids].sort());
    const [row] = await queryRows<{ succeeded: number; attempts: number }>(
      database.db,
      sql`SELECT count(*) FILTER (WHERE "status" = 'succeeded')::int AS succeeded,
                 sum("attempts")::int AS attempts
          FROM cairn.webhook_deliveries WHERE "webhook_id" = ${hook.body.id}`,
    );
    expect(row).toEqual({ succeeded: n, attempts: n });
  }, 180_000);

  it("a schema change through A reaches B at once: add, rename, delete a field", async () => {
    const waitOnB = { timeout: 2_000, interval: 50 };
    const fieldsOf = async () =>
      (await api(a.url, "GET", "/api/collections/notes")).body.fields.filter(
        (f: { system?: boolean }) => !f.system,
      );
    const added = await api(a.url, "PATCH", "/api/collections/notes", {
      fields: [...(await fieldsOf()), { name: "mood", type: "text" }],
    });
    expect(added.status).toBe(200);
    await vi.waitFor(async () => {
      const created = await api(b.url, "POST", "/api/collections/notes/records", {
        text: "t",
        mood: "happy",
      });
      expect(created).toMatchObject({ status: 201, body: { mood: "happy" } });
    }, waitOnB);

    const fields = await fieldsOf();
    const renamed = await api(a.url, "PATCH", "/api/collections/notes", {
      fields: fields.map((f: { name: string }) =>
        f.name === "mood" ? { ...f, name: "feeling" } : f,
      ),
    });
    expect(renamed.status).toBe(200);
    await vi.waitFor(async () => {
      const created = await api(b.url, "POST", "/api/collections/notes/records", {
        text: "t",
        feeling: "calm",
      });
      expect(created).toMatchObject({ status: 201, body: { feeling: "calm" } });
      expect(created.body).not.toHaveProperty("mood");
    }, waitOnB);

    const removed = await api(a.url, "PATCH", "/api/collections/notes", {
      fields: (await fieldsOf()).filter((f: { name: string }) => f.name !== "feeling"),
    });
    expect(removed.status).toBe(200);
    await vi.waitFor(async () => {
      const created = await api(b.url, "POST", "/api/collections/notes/records", { text: "t" });
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty("feeling");
      const list = await api(b.url, "GET", "/api/collections/notes/records?perPage=1");
      expect(list.status).toBe(200);
      expect(list.body.items[0]).not.toHaveProperty("feeling");
    }, waitOnB);
  }, 30_000);

  it("sessions cross replicas: a user changed or signed out through A is seen so on B", async () => {
    const readers = await api(a.url, "POST", "/api/collections", {
      name: "readers",
      type: "auth",
      fields: [{ name: "role", type: "text" }],
    });
    expect(readers.status).toBe(201);
    const shelf = await api(a.url, "POST", "/api/collections", {
      name: "shelf",
      fields: [{ name: "title", type: "text" }],
      viewRule: '@request.auth.role = "reader"',
    });
    expect(shelf.status).toBe(201);
    const book = await api(a.url, "POST", "/api/collections/shelf/records", { title: "Dune" });
    const reader = await api(a.url, "POST", "/api/collections/readers/records", {
      email: "reader@example.com",
      password: "long enough pw",
      verified: true,
      role: "reader",
    });
    expect(reader.status).toBe(201);
    const signIn = await api(a.url, "POST", "/api/collections/readers/auth/sign-in", {
      email: "reader@example.com",
      password: "long enough pw",
    });
    expect(signIn.status).toBe(200);
    const user = { Authorization: `Bearer ${signIn.body.token}` };
    const readOnB = async () =>
      (await api(b.url, "GET", `/api/collections/shelf/records/${book.body.id}`, undefined, user))
        .status;
    // Read twice on B: the second answer comes from B's session cache.
    expect(await readOnB()).toBe(200);
    expect(await readOnB()).toBe(200);
    const readerPath = `/api/collections/readers/records/${reader.body.id}`;
    expect((await api(a.url, "PATCH", readerPath, { role: "visitor" })).status).toBe(200);
    await vi.waitFor(async () => expect(await readOnB()).toBe(404), {
      timeout: 2_000,
      interval: 20,
    });
    expect((await api(a.url, "PATCH", readerPath, { role: "reader" })).status).toBe(200);
    await vi.waitFor(async () => expect(await readOnB()).toBe(200), {
      timeout: 2_000,
      interval: 20,
    });
    const signOut = await api(a.url, "POST", "/api/collections/readers/auth/sign-out", {}, user);
    expect(signOut.status).toBe(204);
    await vi.waitFor(async () => expect(await readOnB()).toBe(401), {
      timeout: 2_000,
      interval: 20,
    });
  }, 30_000);

  it("settings changed through A apply on B: CORS origins, the metrics token", async () => {
    const origin = "https://app.example.com";
    const corsOn = async (base: string, from: string) =>
      (await api(base, "GET", "/api/health", undefined, { Origin: from })).headers.get(
        "access-control-allow-origin",
      );
    expect(await corsOn(b.url, "https://elsewhere.example.com")).toBe("*");
    const saved = await api(a.url, "PATCH", "/api/settings/security", {
      cors: { origins: [origin] },
    });
    expect(saved.status).toBe(200);
    await vi.waitFor(
      async () => {
        expect(await corsOn(b.url, "https://elsewhere.example.com")).toBeNull();
        expect(await corsOn(b.url, origin)).toBe(origin);
      },
      { timeout: 2_000, interval: 50 },
    );

    const token = (await api(a.url, "POST", "/api/settings/metrics/token")).body.token;
    const scrape = await api(b.url, "GET", "/metrics", undefined, {
      Authorization: `Bearer ${token}`,
    });
    expect(scrape.status).toBe(200);
    // A server's registry has the process metrics and the webhook deliveries of its worker.
    expect(scrape.body).toContain("process_cpu_user_seconds_total");
    expect(scrape.body).toContain('cairn_webhook_deliveries_total{result="succeeded"}');
    expect(scrape.body).toMatch(/cairn_db_driver\{driver="postgres"\} 1/);
  }, 30_000);
});
