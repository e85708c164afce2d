// Tries file storage settings before (or after) saving them: opens a throwaway adapter with the
// candidate settings, writes, reads back and deletes a probe, closes it. The answer carries the
// backend's own words, never the secret.
import { createS3Storage, isStorageError, type StorageAdapter } from "@cairn/storage";
import { requireSettingsAdmin } from "../auth/oauth2/oauth2-settings.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { isS3Configured, s3NotConfigured, s3StorageOptions } from "../files/create-file-storage.js";
import type { StorageKind } from "../files/file-storage.js";
import { getSetting } from "./settings-store.js";
import { mergeStorageSettings } from "./update-storage-settings.js";

/** How long a check may take before it counts as a failure. */
const checkTimeoutMs = 20_000;

export async function testStorage({
  ctx,
  input,
}: {
  ctx: Ctx;
  /** Candidate settings merged into the stored ones (as for an update); none: the stored ones. */
  input: { body?: unknown };
}): Promise<{ ok: true; kind: StorageKind }> {
  requireSettingsAdmin(ctx);
  const settings = mergeStorageSettings(await getSetting(ctx, "storage"), input.body ?? {});
  let adapter: StorageAdapter | undefined;
  try {
    if (settings.kind === "local") {
      // Local storage has no settings: check the directory this server writes to.
      if (!ctx.files) throw errors.unavailable("This server has no file storage configured.");
      await (await ctx.files.adapter("local")).check({
        signal: AbortSignal.timeout(checkTimeoutMs),
      });
    } else {
      if (!isS3Configured(settings.s3)) throw s3NotConfigured();
      // One attempt: the admin wants to know what the backend says now, not after retries.
      adapter = createS3Storage(s3StorageOptions(settings.s3, { maxAttempts: 1 }));
      await adapter.check({ signal: AbortSignal.timeout(checkTimeoutMs) });
    }
  } catch (error) {
    if (isStorageError(error, "ABORTED")) {
      throw errors.unavailable(`The storage check took longer than ${checkTimeoutMs / 1000} s.`);
    }
    if (isStorageError(error)) {
      // Backends do not echo secrets, but a message is about to leave the server: make sure.
      const secret = settings.s3.secretAccessKey;
      throw errors.unavailable(secret ? error.message.replaceAll(secret, "***") : error.message);
    }
    throw error;
  } finally {
    await adapter?.close();
  }
  return { ok: true, kind: settings.kind };
}
