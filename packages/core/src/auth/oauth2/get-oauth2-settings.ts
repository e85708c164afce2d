// Reads the OAuth2 provider settings for the admin: every secret masked, with a flag saying
// whether one is stored.
import type { Ctx } from "../../context.js";
import { getSetting } from "../../settings/settings-store.js";
import {
  type MaskedOAuth2Settings,
  maskOAuth2Settings,
  requireSettingsAdmin,
} from "./oauth2-settings.js";

export async function getOAuth2Settings({ ctx }: { ctx: Ctx }): Promise<MaskedOAuth2Settings> {
  requireSettingsAdmin(ctx);
  return maskOAuth2Settings(await getSetting(ctx, "oauth2"));
}
