// Test-only: a throwaway S3-compatible server (s3rver) on loopback, with its bucket created, so
// the S3 adapter is tested against real HTTP without any cloud account.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3StorageOptions } from "./s3-storage.js";

export interface S3rverHarness {
  /** Options for createS3Storage pointing at this server (s3rver's fixed S3RVER credentials). */
  options: S3StorageOptions;
  port: number;
  stop(): Promise<void>;
}

export async function startS3rver(bucket = "cairn-test"): Promise<S3rverHarness> {
  const directory = await mkdtemp(join(tmpdir(), "cairn-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    port,
    options: {
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      bucket,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
      checksumMode: "WHEN_REQUIRED",
      partSizeBytes: 5 * 1024 * 1024,
      maxAttempts: 1,
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
