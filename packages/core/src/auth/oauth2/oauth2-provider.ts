// What every OAuth2 provider looks like to the flows: an authorization URL, a code exchange and
// a profile. Provider modules only talk to their vendor; deciding who signs in lives elsewhere.
import type { OAuth2Tokens } from "arctic";
import type { SettingValue } from "../../settings/settings-store.js";

export const oauth2ProviderNames = [
  "google",
  "github",
  "apple",
  "microsoft",
  "discord",
  "gitlab",
  "facebook",
  "oidc",
] as const;
export type OAuth2ProviderName = (typeof oauth2ProviderNames)[number];

export type OAuth2Settings = SettingValue<"oauth2">;
export type OAuth2ProviderSettings<K extends OAuth2ProviderName> = OAuth2Settings[K];

export function isOAuth2ProviderName(name: string): name is OAuth2ProviderName {
  return (oauth2ProviderNames as readonly string[]).includes(name);
}

export const oauth2DisplayNames: Record<Exclude<OAuth2ProviderName, "oidc">, string> = {
  google: "Google",
  github: "GitHub",
  apple: "Apple",
  microsoft: "Microsoft",
  discord: "Discord",
  gitlab: "GitLab",
  facebook: "Facebook",
};

/** Who the provider says the user is. */
export interface OAuth2Profile {
  /** The provider's stable id for the user; never the email, which can change hands. */
  id: string;
  email: string | null;
  /** Only true when the provider vouches that the user controls `email`. */
  emailVerified: boolean;
  name: string | null;
  avatarUrl: string | null;
}

/** How a provider reads JSON from its APIs; injected so tests can answer for the vendor. */
export interface ProviderIo {
  json(url: string, init?: { headers?: Record<string, string> }): Promise<unknown>;
  now(): Date;
}

export interface OAuth2Provider {
  name: OAuth2ProviderName;
  displayName: string;
  /** Whether the authorization request carries a PKCE (S256) challenge. */
  pkce: boolean;
  authorizationUrl(state: string, codeVerifier: string): URL;
  validateCode(code: string, codeVerifier: string): Promise<OAuth2Tokens>;
  fetchProfile(tokens: OAuth2Tokens, io: ProviderIo): Promise<OAuth2Profile>;
}
