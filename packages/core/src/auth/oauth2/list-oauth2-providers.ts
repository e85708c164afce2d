// The OAuth2 providers a collection's sign-in screen may offer: enabled, fully configured,
// and only when the collection allows OAuth2 at all. Public; never carries settings.
import type { Ctx } from "../../context.js";
import { getSetting } from "../../settings/settings-store.js";
import { authOptionsOf, resolveAuthCollection } from "../auth-collection.js";
import { oauth2ProviderNames } from "./oauth2-provider.js";
import { displayNameOf, oauth2RedirectUri } from "./oauth2-providers.js";
import { oauth2SettingsProblems } from "./oauth2-settings.js";

export interface OAuth2ProviderInfo {
  name: string;
  displayName: string;
  /** The callback to register with the provider. */
  redirectUri: string;
}

export async function listOAuth2Providers({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<{ providers: OAuth2ProviderInfo[] }> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  if (!authOptionsOf(collection).oauth2) return { providers: [] };
  const settings = await getSetting(ctx, "oauth2");
  const providers = oauth2ProviderNames
    .filter(
      (name) =>
        settings[name].enabled &&
        Object.keys(oauth2SettingsProblems(name, settings[name])).length === 0,
    )
    .map((name) => ({
      name,
      displayName: displayNameOf(settings, name),
      redirectUri: oauth2RedirectUri(ctx, collection, name),
    }));
  return { providers };
}
