import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Storage, type S3StorageOptions } from "./s3-storage.js";
import { type S3rverHarness, startS3rver } from "./s3rver-harness.js";
import { generatedBody, storageContract } from "./storage.contract.js";
import { isStorageError } from "./storage-error.js";

let s3: S3rverHarness;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});

// Each contract test gets its own prefix in the one bucket, which also exercises `prefix`.
storageContract("s3 (s3rver)", () =>
  createS3Storage({ ...s3.options, prefix: `t-${randomBytes(4).toString("hex")}` }),
);

function rawClient(options: S3StorageOptions): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: true,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A TCP relay to s3rver that can be cut mid-request, as when S3 goes down during an upload. */
async function startRelay(targetPort: number) {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  const port = await listen(server);
  return {
    port,
    cut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

const expectUnavailable = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isStorageError(error, "UNAVAILABLE"), String(error)).toBe(true);
  return error as Error;
};

describe("s3 storage when the server misbehaves", () => {
  it("answers UNAVAILABLE quickly when nothing listens", async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const storage = createS3Storage({
      ...s3.options,
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 2,
    });
    const started = Date.now();
    await expectUnavailable(storage.check());
    await expectUnavailable(storage.head("a/b.txt"));
    await expectUnavailable(storage.get("a/b.txt"));
    await expectUnavailable(storage.put("a/b.txt", new Uint8Array(10)));
    await expectUnavailable(storage.deletePrefix("a"));
    await expectUnavailable(
      (async () => {
        for await (const _ of storage.list("")) break;
      })(),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    await storage.close();
  });

  it("answers UNAVAILABLE after the idle timeout when the server hangs", async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    const port = await listen(silent);
    const storage = createS3Storage({
      ...s3.options,
      endpoint: `http://127.0.0.1:${port}`,
      idleTimeoutMs: 300,
    });
    const started = Date.now();
    const error = await expectUnavailable(storage.head("a/b.txt"));
    expect(error.message).toMatch(/TimeoutError|timed out/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await storage.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("fails a multipart upload cut off mid-stream with UNAVAILABLE and no object", async () => {
    const relay = await startRelay(s3.port);
    const prefix = `cut-${randomBytes(4).toString("hex")}`;
    const viaRelay = createS3Storage({
      ...s3.options,
      prefix,
      endpoint: `http://127.0.0.1:${relay.port}`,
    });
    const direct = createS3Storage({ ...s3.options, prefix });
    const body = generatedBody(20 * 1024 * 1024, {
      beforeChunk: (sent) => {
        if (sent === 8 * 1024 * 1024) relay.cut();
      },
    });
    await expectUnavailable(viaRelay.put("r/big.bin", body.stream));
    expect(body.sent).toBeLessThan(20 * 1024 * 1024);
    expect(await direct.head("r/big.bin")).toBeUndefined();
    const keys = [];
    for await (const item of direct.list("")) keys.push(item.key);
    expect(keys).toEqual([]);
    await viaRelay.close();
    await direct.close();
  });

  it("answers UNAVAILABLE for a missing bucket or rejected credentials", async () => {
    const noBucket = createS3Storage({ ...s3.options, bucket: "no-such-bucket" });
    const error = await expectUnavailable(noBucket.check());
    expect(error.message).toContain("no-such-bucket");
    await expectUnavailable(noBucket.put("a/b.txt", new Uint8Array(1)));
    await noBucket.close();

    const wrongKey = createS3Storage({ ...s3.options, accessKeyId: "WRONG" });
    await expectUnavailable(wrongKey.check());
    await wrongKey.close();
  });
});

describe("s3 storage specifics", () => {
  it("keeps objects under its prefix and lists only names a key can have", async () => {
    const raw = rawClient(s3.options);
    const storage = createS3Storage({ ...s3.options, prefix: "tenant-a/files/" });
    await storage.put("c/r1/a.txt", new TextEncoder().encode("a"));
    await raw.send(
      new PutObjectCommand({
        Bucket: s3.options.bucket,
        Key: "tenant-a/files/c/odd name.txt",
        Body: "x",
      }),
    );
    const stored = await raw.send(
      new ListObjectsV2Command({ Bucket: s3.options.bucket, Prefix: "tenant-a/" }),
    );
    expect(stored.Contents?.map((item) => item.Key).sort()).toEqual([
      "tenant-a/files/c/odd name.txt",
      "tenant-a/files/c/r1/a.txt",
    ]);
    const keys = [];
    for await (const item of storage.list("")) keys.push(item.key);
    expect(keys).toEqual(["c/r1/a.txt"]);

    // deletePrefix clears the whole folder, foreign names included.
    await storage.deletePrefix("c");
    const after = await raw.send(
      new ListObjectsV2Command({ Bucket: s3.options.bucket, Prefix: "tenant-a/" }),
    );
    expect(after.Contents ?? []).toEqual([]);
    await storage.close();
    raw.destroy();
  });

  it("signs content-type and content-length into presigned PUTs", async () => {
    const storage = createS3Storage(s3.options);
    const url = new URL(
      await storage.presignPut("p/x.png", {
        expiresInSeconds: 300,
        contentType: "image/png",
        contentLength: 1234,
      }),
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.pathname).toBe(`/${s3.options.bucket}/p/x.png`);
    await expect(storage.presignGet("p/x.png", { expiresInSeconds: 0 })).rejects.toBeInstanceOf(
      RangeError,
    );
    await storage.close();
  });
});
