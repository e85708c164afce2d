// Changes the CORS and rate limit settings. Each section sent is merged into the one in force
// (fields left out keep their value); null puts a section back to the environment's default.
// Every replica's cache hears the NOTIFY at commit; the caller refreshes its own at once.

import { schema } from "@cairn/db";
import type { FieldError } from "@cairn/schema";
import { eq, sql } from "drizzle-orm";
import { requireSettingsAdmin } from "../auth/oauth2/oauth2-settings.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import {
  readSecuritySettings,
  type SecuritySettings,
  type SecuritySettingsView,
  securitySettingsChannel,
} from "./security-settings.js";
import { putSetting, settingSchemas } from "./settings-store.js";

const sections = ["cors", "rateLimits"] as const;
type Section = (typeof sections)[number];

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * `patch` merged into `current` one level deep (rateLimits.auth and rateLimits.api merge too);
 * keys `current` lacks are reported as unknown under `prefix`.
 */
function merge(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
  prefix: string,
  problem: (key: string, code: string, message: string) => void,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.hasOwn(current, key)) {
      problem(`${prefix}.${key}`, "unknown_field", `There is no setting "${prefix}.${key}".`);
    } else if (isObject(current[key]) && isObject(value)) {
      merged[key] = merge(
        current[key] as Record<string, unknown>,
        value,
        `${prefix}.${key}`,
        problem,
      );
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

export async function updateSecuritySettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  /** `body`: `{ cors?: {…} | null, rateLimits?: {…} | null }`; `defaults`: the environment's. */
  input: { body: unknown; defaults: SecuritySettings };
}): Promise<SecuritySettingsView> {
  requireSettingsAdmin(ctx);
  const body = input.body;
  if (!isObject(body)) throw errors.badRequest("The body must be a JSON object.");
  const problems: Record<string, FieldError> = {};
  const problem = (key: string, code: string, message: string) => {
    problems[key] ??= { code, message };
  };
  for (const key of Object.keys(body)) {
    if (!(sections as readonly string[]).includes(key))
      problem(key, "unknown_field", `There is no security setting "${key}".`);
  }
  return withTransaction(ctx, async (tx) => {
    const current = await readSecuritySettings(tx.db, input.defaults);
    const next: Partial<Record<Section, SecuritySettings[Section] | null>> = {};
    for (const section of sections) {
      const patch = body[section];
      if (patch === undefined) continue;
      if (patch === null) {
        next[section] = null;
        continue;
      }
      if (!isObject(patch)) {
        problem(section, "invalid_type", "Must be an object, or null for the default.");
        continue;
      }
      const merged = merge(current[section], patch, section, problem);
      const parsed = settingSchemas[section].safeParse(merged);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problem([section, ...issue.path.map(String)].join("."), "invalid", issue.message);
        }
        continue;
      }
      next[section] = parsed.data;
    }
    if (Object.keys(problems).length > 0) throw errors.validation(problems);
    for (const [section, value] of Object.entries(next) as [
      Section,
      SecuritySettings[Section] | null,
    ][]) {
      if (value === null)
        await tx.db.delete(schema.settings).where(eq(schema.settings.key, section));
      else await putSetting(tx, section, value as never);
    }
    if (Object.keys(next).length > 0) {
      await tx.db.execute(sql`SELECT pg_notify(${securitySettingsChannel}, '')`);
      const updated = await readSecuritySettings(tx.db, input.defaults);
      tx.log.info(
        {
          corsOrigins: updated.cors.origins,
          rateLimits: updated.rateLimits,
          saved: updated.saved,
        },
        "security settings updated",
      );
      return updated;
    }
    return current;
  });
}
