// The OAuth2 provider settings as the admin API shows and takes them: secrets masked on the
// way out (as every settings answer masks them), and a provider only enabled once complete.

import { requireAdmin } from "../../admin-access.js";
import type { Ctx } from "../../context.js";
import { maskedSecret } from "../../settings/settings-shared.js";
import { pkcs8FromPem } from "./apple-provider.js";
import {
  type OAuth2ProviderName,
  type OAuth2Settings,
  oauth2ProviderNames,
} from "./oauth2-provider.js";

/** The settings fields that are secrets, per provider. */
export const oauth2SecretFields: Record<OAuth2ProviderName, readonly string[]> = {
  google: ["clientSecret"],
  github: ["clientSecret"],
  apple: ["privateKey"],
  microsoft: ["clientSecret"],
  discord: ["clientSecret"],
  gitlab: ["clientSecret"],
  facebook: ["clientSecret"],
  oidc: ["clientSecret"],
};

/** Settings with every stored secret shown as the mask (and an unset one as ""). */
export type MaskedOAuth2Settings = Record<OAuth2ProviderName, Record<string, unknown>>;

export function maskOAuth2Settings(settings: OAuth2Settings): MaskedOAuth2Settings {
  const masked = {} as MaskedOAuth2Settings;
  for (const name of oauth2ProviderNames) {
    const provider: Record<string, unknown> = { ...settings[name] };
    for (const field of oauth2SecretFields[name]) {
      provider[field] = provider[field] === "" ? "" : maskedSecret;
    }
    masked[name] = provider;
  }
  return masked;
}

/** Who may read and change the OAuth2 settings: superusers and full-scope API keys. */
export function requireSettingsAdmin(ctx: Ctx): void {
  requireAdmin(ctx, { task: "manage settings", apiKeys: true });
}

/** What an enabled provider still lacks, as field → message. Empty: ready to use. */
export function oauth2SettingsProblems<K extends OAuth2ProviderName>(
  name: K,
  settings: OAuth2Settings[K],
): Record<string, string> {
  const problems: Record<string, string> = {};
  const need = (field: string, value: string) => {
    if (value === "") problems[field] = "Is required to enable this provider.";
  };
  need("clientId", settings.clientId);
  if (name === "apple") {
    const apple = settings as OAuth2Settings["apple"];
    need("teamId", apple.teamId);
    need("keyId", apple.keyId);
    if (apple.privateKey === "") need("privateKey", "");
    else if (!pkcs8FromPem(apple.privateKey)) {
      problems.privateKey = "Must be the .p8 key as PEM (-----BEGIN PRIVATE KEY-----…).";
    }
    return problems;
  }
  if (name === "oidc") {
    const oidc = settings as OAuth2Settings["oidc"];
    need("authorizationUrl", oidc.authorizationUrl);
    need("tokenUrl", oidc.tokenUrl);
    if (oidc.userinfoUrl === "" && !oidc.scopes.split(/\s+/).includes("openid")) {
      problems.userinfoUrl = 'Is required unless the scopes include "openid" (an ID token).';
    }
    // A public client (no secret) is fine for OpenID Connect, but only with PKCE.
    if (oidc.clientSecret === "" && !oidc.pkce) {
      problems.clientSecret = "Is required when PKCE is off.";
    }
    return problems;
  }
  need("clientSecret", (settings as OAuth2Settings["google"]).clientSecret);
  return problems;
}
