// CORS origins and per-IP rate limits as runtime settings: what they are, where the server's
// environment fills in for a section never saved, and how a change reaches every replica.
// Never reads process.env: the server passes its parsed defaults in.
import { type Db, schema } from "@cairn/db";
import { inArray } from "drizzle-orm";
import type { SettingValue } from "./settings-store.js";
import { corsSettingsSchema, rateLimitsSettingsSchema } from "./settings-store.js";

export type CorsSettings = SettingValue<"cors">;
export type RateLimitSettings = SettingValue<"rateLimits">;

export interface SecuritySettings {
  cors: CorsSettings;
  rateLimits: RateLimitSettings;
}

/** What the admin API answers: the settings in force, whether each was saved, and the defaults. */
export interface SecuritySettingsView extends SecuritySettings {
  /** false: the section comes from the server's environment (the defaults below). */
  saved: { cors: boolean; rateLimits: boolean };
  defaults: SecuritySettings;
}

/** Security settings changes NOTIFY here when they commit; every replica's cache listens. */
export const securitySettingsChannel = "cairn_security_settings";

/** The defaults from the server's environment: CAIRN_CORS_ORIGINS and CAIRN_AUTH_RATE_LIMIT. */
export function securityDefaults(env: {
  corsOrigins: string[];
  authRateLimit: number;
}): SecuritySettings {
  return {
    cors: { origins: [...env.corsOrigins] },
    rateLimits: { enabled: true, auth: { perMinute: env.authRateLimit }, api: { perMinute: 0 } },
  };
}

/** The settings in force: each saved section, or its default when never saved (or unreadable). */
export async function readSecuritySettings(
  db: Db,
  defaults: SecuritySettings,
): Promise<SecuritySettingsView> {
  const rows = await db
    .select({ key: schema.settings.key, value: schema.settings.value })
    .from(schema.settings)
    .where(inArray(schema.settings.key, ["cors", "rateLimits"]));
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const cors = stored.has("cors") ? corsSettingsSchema.safeParse(stored.get("cors")) : undefined;
  const rateLimits = stored.has("rateLimits")
    ? rateLimitsSettingsSchema.safeParse(stored.get("rateLimits"))
    : undefined;
  return {
    cors: cors?.success ? cors.data : defaults.cors,
    rateLimits: rateLimits?.success ? rateLimits.data : defaults.rateLimits,
    saved: { cors: cors?.success === true, rateLimits: rateLimits?.success === true },
    defaults,
  };
}
