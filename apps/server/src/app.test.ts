import type { AddressInfo } from "node:net";
import { type ErrorEnvelope, errorEnvelopeSchema } from "@cairn/schema";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJson } from "./http/body.js";
import { createTestApp, type TestApp } from "./testing/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ CAIRN_BODY_LIMIT: "1kb" });
  // Routes that exist only in this test, to reach the shared body and error handling.
  t.app.post("/api/test/echo", async (c) => c.json({ received: await readJson(c) }));
  t.app.get("/api/test/boom", () => {
    throw new Error("connection string postgres://admin:hunter2@db leaked into an error");
  });
});
afterAll(() => t.close());

async function envelope(response: Response): Promise<ErrorEnvelope["error"]> {
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = errorEnvelopeSchema.parse(await response.json());
  expect(body.error.requestId).toBe(response.headers.get("x-request-id"));
  return body.error;
}

describe("health and readiness", () => {
  it("GET /api/health answers 200 with a request id", async () => {
    const response = await t.app.request("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
  });

  it("keeps a caller's request id", async () => {
    const response = await t.app.request("/api/health", {
      headers: { "X-Request-Id": "trace-abc-123" },
    });
    expect(response.headers.get("x-request-id")).toBe("trace-abc-123");
  });

  it("GET /api/ready answers 200 when the database is migrated", async () => {
    const response = await t.app.request("/api/ready");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", database: t.database.driver });
  });

  it("GET /api/ready answers 503 in the envelope when the database is gone", async () => {
    const other = await createTestApp();
    await other.database.close();
    const response = await other.app.request("/api/ready");
    expect(response.status).toBe(503);
    const error = await envelope(response);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(error.message).toBe("The database is not reachable.");
    // Liveness does not depend on the database.
    expect((await other.app.request("/api/health")).status).toBe(200);
  });
});

describe("bad requests get a 4xx in the envelope", () => {
  it("unknown routes → 404", async () => {
    for (const path of ["/api/nope", "/nope", "/api/health/extra", "/api/%2e%2e/etc/passwd"]) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(404);
      expect((await envelope(response)).code).toBe("NOT_FOUND");
    }
  });

  it("a known path with the wrong method → 405 with Allow", async () => {
    const response = await t.app.request("/api/health", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    const error = await envelope(response);
    expect(error.code).toBe("METHOD_NOT_ALLOWED");
    expect(error.message).toBe("DELETE is not allowed here; use GET, HEAD.");
  });

  it("HEAD works wherever GET does", async () => {
    const response = await t.app.request("/api/health", { method: "HEAD" });
    expect(response.status).toBe(200);
  });

  it("malformed JSON → 400 INVALID_JSON", async () => {
    const response = await t.app.request("/api/test/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"title": "unterminated',
    });
    expect(response.status).toBe(400);
    const error = await envelope(response);
    expect(error.code).toBe("INVALID_JSON");
    expect(error.message).toMatch(/^The request body is not valid JSON: /);
  });

  it("an empty JSON body → 400 INVALID_JSON", async () => {
    const response = await t.app.request("/api/test/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect((await envelope(response)).code).toBe("INVALID_JSON");
  });

  it("a body that is not JSON → 415", async () => {
    const response = await t.app.request("/api/test/echo", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "hello",
    });
    expect(response.status).toBe(415);
    expect((await envelope(response)).code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("valid JSON, including vendor types, reaches the route", async () => {
    const response = await t.app.request("/api/test/echo", {
      method: "POST",
      headers: { "Content-Type": "application/vnd.api+json; charset=utf-8" },
      body: JSON.stringify({ title: "ok", n: 1 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { title: "ok", n: 1 } });
  });

  it("an oversized body with Content-Length → 413 before it is read", async () => {
    const response = await t.app.request("/api/test/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ blob: "x".repeat(2000) }),
    });
    expect(response.status).toBe(413);
    const error = await envelope(response);
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toBe("The request body is larger than 1024 bytes.");
  });

  it("an oversized streamed body (no Content-Length) → 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(600));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await t.app.request("/api/test/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await envelope(response)).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("the same over real HTTP, where bodies are read straight from Node's request", async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const { port } = server.address() as AddressInfo;
    const post = (body: string | ReadableStream<Uint8Array>, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}/api/test/echo`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        ...init,
      });
    const streamed = (parts: string[]) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      });
    try {
      const ok = await post(JSON.stringify({ title: "ünïcödé", n: 1 }));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ received: { title: "ünïcödé", n: 1 } });
      const chunked = await post(streamed(['{"a":', '"b"}']), { duplex: "half" } as RequestInit);
      expect(chunked.status).toBe(200);
      expect(await chunked.json()).toEqual({ received: { a: "b" } });
      const large = await post(JSON.stringify({ blob: "x".repeat(2000) }));
      expect(large.status).toBe(413);
      expect((await envelope(large)).code).toBe("PAYLOAD_TOO_LARGE");
      const largeChunked = await post(streamed(["x".repeat(600), "x".repeat(600)]), {
        duplex: "half",
      } as RequestInit);
      expect(largeChunked.status).toBe(413);
      expect((await envelope(largeChunked)).code).toBe("PAYLOAD_TOO_LARGE");
      const malformed = await post('{"title": ');
      expect(malformed.status).toBe(400);
      expect((await envelope(malformed)).code).toBe("INVALID_JSON");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("unexpected errors", () => {
  it("→ 500 with a generic message; the detail goes only to the log", async () => {
    const response = await t.app.request("/api/test/boom");
    expect(response.status).toBe(500);
    const error = await envelope(response);
    expect(error.code).toBe("INTERNAL");
    expect(JSON.stringify(error)).not.toContain("hunter2");
    const logged = t.logs.find((line) => line.msg === "unhandled error");
    expect(logged?.requestId).toBe(error.requestId);
    expect(JSON.stringify(logged)).toContain("leaked into an error");
  });
});

describe("headers", () => {
  it("sets secure headers on every response", async () => {
    const response = await t.app.request("/api/nope");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=/);
  });

  it("sets them on answers written by Node too (straight onto the outgoing answer)", async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const { port } = server.address() as AddressInfo;
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    try {
      for (const [path, status] of [
        ["/api/health", 200],
        ["/api/nope", 404],
      ] as const) {
        const response = await fetch(url(path), { headers: { "X-Request-Id": "node-path-1" } });
        expect(response.status).toBe(status);
        expect(response.headers.get("x-request-id")).toBe("node-path-1");
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
        expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
        expect(response.headers.get("content-type")).toMatch(/json/);
        await response.arrayBuffer();
      }
      // The API's own: CORS for the caller's origin, Vary once.
      const api = await fetch(url("/api/collections"), {
        headers: { Origin: "https://app.example.com" },
      });
      expect(api.headers.get("vary")).toBe("Origin");
      expect(api.headers.get("access-control-allow-origin")).toBe("*");
      const body = (await api.json()) as ErrorEnvelope;
      expect(body.error.requestId).toBe(api.headers.get("x-request-id"));
      const preflight = await fetch(url("/api/health"), {
        method: "OPTIONS",
        headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "POST" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
      expect(preflight.headers.get("x-content-type-options")).toBe("nosniff");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("answers CORS preflights for allowed origins only", async () => {
    const strict = await createTestApp({ CAIRN_CORS_ORIGINS: "https://app.example.com" });
    try {
      const preflight = (origin: string) =>
        strict.app.request("/api/health", {
          method: "OPTIONS",
          headers: {
            Origin: origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
          },
        });
      const allowed = await preflight("https://app.example.com");
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(allowed.headers.get("access-control-allow-headers")).toMatch(/authorization/i);
      const refused = await preflight("https://evil.example");
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await strict.close();
    }
  });
});

describe("request log", () => {
  it("writes one line per request, without query strings or credentials", async () => {
    t.logs.length = 0;
    const response = await t.app.request("/api/health?token=s3cret-token", {
      headers: { Authorization: "Bearer s3cret-bearer", Cookie: "session=s3cret-cookie" },
    });
    const requestLines = t.logs.filter((line) => line.msg === "request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      method: "GET",
      path: "/api/health",
      status: 200,
      requestId: response.headers.get("x-request-id"),
      durationMs: expect.any(Number),
    });
    expect(JSON.stringify(t.logs)).not.toMatch(/s3cret/);
  });
});
