// Uploads over a real socket: a file over its field's limit is refused while the client is still
// sending, and the connection is closed rather than drained.
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let server: ServerType;
let port: number;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  const created = await apiCall(t.app, "POST", "/api/collections", {
    body: { name: "clips", fields: [{ name: "clip", type: "file", maxSize: 1_000_000 }] },
    headers: admin,
  });
  expect(created.status).toBe(201);
  server = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(listening),
    );
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

it("answers 413 for an oversized file long before the body has been sent", async () => {
  const boundary = "cairnboundary";
  const total = 64 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 1);
  const result = await new Promise<{
    status: number;
    sent: number;
    body: string;
    connection?: string | undefined;
  }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/collections/clips/records",
      // Chunked: no Content-Length to refuse up front, so the limit must hold mid-stream.
      headers: { ...admin, "Content-Type": `multipart/form-data; boundary=${boundary}` },
    });
    req.on("response", (response) => {
      answered = true;
      let body = "";
      response.on("data", (data) => {
        body += data;
      });
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          sent,
          body,
          connection: response.headers.connection,
        }),
      );
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="clip"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
  expect(result.status).toBe(413);
  expect(JSON.parse(result.body).error.code).toBe("PAYLOAD_TOO_LARGE");
  expect(result.sent).toBeLessThan(total / 4);
  expect(result.connection).toBe("close");
});
