// Changes the file storage settings. What is sent is merged into what is stored: fields left out
// keep their value, and so does the secret sent back as the mask the read shows. Takes effect at
// once on this replica (after commit) and within the refresh interval on the others.
import type { FieldError } from "@cairn/schema";
import { requireSettingsAdmin } from "../auth/oauth2/oauth2-settings.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { maskStorageSettings } from "./get-storage-settings.js";
import { maskedSecret } from "./settings-shared.js";
import {
  getSetting,
  putSetting,
  type StorageSettings,
  storageSettingsSchema,
} from "./settings-store.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * `change` (a partial `{ kind, s3: { … } }`) merged into `current` and validated; the masked
 * secret stands for the stored one. Throws VALIDATION_FAILED naming fields as `s3.bucket`.
 */
export function mergeStorageSettings(current: StorageSettings, change: unknown): StorageSettings {
  if (!isObject(change)) throw errors.badRequest("The body must be a JSON object.");
  const problems: Record<string, FieldError> = {};
  const problem = (key: string, code: string, message: string) => {
    problems[key] ??= { code, message };
  };
  const merged: Record<string, unknown> = { ...current, s3: { ...current.s3 } };
  for (const [field, value] of Object.entries(change)) {
    if (field === "kind") merged.kind = value;
    else if (field !== "s3") problem(field, "unknown_field", `Storage has no setting "${field}".`);
    else if (!isObject(value)) problem("s3", "invalid_type", "Must be an object of S3 settings.");
    else {
      const s3 = merged.s3 as Record<string, unknown>;
      for (const [name, setting] of Object.entries(value)) {
        if (!Object.hasOwn(current.s3, name)) {
          problem(`s3.${name}`, "unknown_field", `S3 has no setting "${name}".`);
        } else if (name === "secretAccessKey" && setting === maskedSecret) {
          // The masked read sent back: the stored secret stays.
        } else {
          s3[name] = setting;
        }
      }
    }
  }
  const parsed = storageSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const code = issue.code === "custom" ? (issue.params?.code ?? "invalid") : "invalid";
      problem(issue.path.join("."), String(code), issue.message);
    }
  }
  if (Object.keys(problems).length > 0 || !parsed.success) throw errors.validation(problems);
  return parsed.data;
}

export async function updateStorageSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { body: unknown };
}): Promise<StorageSettings> {
  requireSettingsAdmin(ctx);
  return withTransaction(ctx, async (tx) => {
    const settings = mergeStorageSettings(await getSetting(tx, "storage"), input.body);
    await putSetting(tx, "storage", settings);
    // After commit: a re-read inside the transaction's lifetime could still see the old value.
    tx.afterCommit(() => tx.files?.invalidate());
    const { kind, s3 } = settings;
    tx.log.info(
      { kind, endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket },
      "storage settings updated",
    );
    return maskStorageSettings(settings);
  });
}
