// Reads the CORS and rate limit settings in force for the admin, with the environment's defaults
// and whether each section was saved (settings/security-settings.ts).
import { requireSettingsAdmin } from "../auth/oauth2/oauth2-settings.js";
import type { Ctx } from "../context.js";
import {
  readSecuritySettings,
  type SecuritySettings,
  type SecuritySettingsView,
} from "./security-settings.js";

export async function getSecuritySettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  /** The server's environment defaults (CAIRN_CORS_ORIGINS, CAIRN_AUTH_RATE_LIMIT). */
  input: { defaults: SecuritySettings };
}): Promise<SecuritySettingsView> {
  requireSettingsAdmin(ctx);
  return readSecuritySettings(ctx.db, input.defaults);
}
