// Which provider answers for a name: built per request from the current settings, so an
// admin's change applies at once on every replica. Refuses unknown and disabled providers.
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { getSetting } from "../../settings/settings-store.js";
import { appleProvider } from "./apple-provider.js";
import { discordProvider } from "./discord-provider.js";
import { facebookProvider } from "./facebook-provider.js";
import { githubProvider } from "./github-provider.js";
import { gitlabProvider } from "./gitlab-provider.js";
import { googleProvider } from "./google-provider.js";
import { microsoftProvider } from "./microsoft-provider.js";
import {
  isOAuth2ProviderName,
  type OAuth2Provider,
  type OAuth2ProviderName,
  type OAuth2Settings,
  oauth2DisplayNames,
} from "./oauth2-provider.js";
import { oauth2SettingsProblems } from "./oauth2-settings.js";
import { oidcProvider } from "./oidc-provider.js";

export function displayNameOf(settings: OAuth2Settings, name: OAuth2ProviderName): string {
  return name === "oidc" ? settings.oidc.displayName : oauth2DisplayNames[name];
}

/** The redirect_uri registered with the provider: this server's callback for the pair. */
export function oauth2RedirectUri(ctx: Ctx, collection: Collection, provider: string): string {
  const base = ctx.baseUrl.replace(/\/+$/, "");
  return `${base}/api/collections/${encodeURIComponent(collection.name)}/auth/oauth2/${provider}/callback`;
}

export function buildProvider(
  settings: OAuth2Settings,
  name: OAuth2ProviderName,
  redirectUri: string,
): OAuth2Provider {
  switch (name) {
    case "google":
      return googleProvider(settings.google, redirectUri);
    case "github":
      return githubProvider(settings.github, redirectUri);
    case "apple":
      return appleProvider(settings.apple, redirectUri);
    case "microsoft":
      return microsoftProvider(settings.microsoft, redirectUri);
    case "discord":
      return discordProvider(settings.discord, redirectUri);
    case "gitlab":
      return gitlabProvider(settings.gitlab, redirectUri);
    case "facebook":
      return facebookProvider(settings.facebook, redirectUri);
    case "oidc":
      return oidcProvider(settings.oidc, redirectUri);
  }
}

/** The provider for a sign-in into `collection`, if it is known, enabled and complete. */
export async function loadProvider(
  ctx: Ctx,
  collection: Collection,
  name: string,
): Promise<OAuth2Provider> {
  if (!isOAuth2ProviderName(name)) {
    throw errors.notFound(`There is no OAuth2 provider "${name.slice(0, 50)}".`);
  }
  const settings = await getSetting(ctx, "oauth2");
  const displayName = displayNameOf(settings, name);
  if (!settings[name].enabled) {
    throw errors.badRequest(
      `Signing in with ${displayName} is not enabled (settings → oauth2 → ${name}).`,
    );
  }
  if (Object.keys(oauth2SettingsProblems(name, settings[name])).length > 0) {
    throw errors.unavailable(
      `${displayName} is enabled but not fully configured; an admin should check the OAuth2 settings.`,
    );
  }
  return buildProvider(settings, name, oauth2RedirectUri(ctx, collection, name));
}
