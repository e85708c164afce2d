import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { type RunningServer, startServer } from "./server.js";

describe("startServer", () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cairn-server-"));
    // On the Postgres run, boot against a database of this file's own; otherwise PGlite on disk.
    pg = process.env.TEST_DATABASE_URL ? await testDatabase() : undefined;
    const config = loadConfig({
      PORT: "0",
      CAIRN_DATA_DIR: dataDir,
      DATABASE_URL: pg?.url ?? "",
      CAIRN_SHUTDOWN_TIMEOUT_MS: "5000",
    });
    server = await startServer(config, createLogger({ logLevel: "silent" }));
  });
  afterAll(async () => {
    await server.stop();
    await pg?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("listens and is ready", async () => {
    const response = await fetch(`${server.url}/api/ready`);
    expect(response.status).toBe(200);
  });

  it("finishes in-flight requests on stop, refuses new connections, closes the database", async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    const closed = new Promise((resolve) => socket.once("close", resolve));
    // A request whose body is still arriving when the server is told to stop.
    socket.write(
      "POST /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n",
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();

    socket.end("0\r\n\r\n");
    await closed;
    await stopping;
    expect(answer).toMatch(/^HTTP\/1.1 405 /);
    expect(answer).toContain('"code":"METHOD_NOT_ALLOWED"');
    await expect(server.database.ping()).rejects.toThrow();
  });
});
