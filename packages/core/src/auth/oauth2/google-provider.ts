// Google: OpenID Connect with PKCE; the profile is the ID token from the token endpoint.
// Google's email_verified is trusted: Google only sets it for addresses it has confirmed.
import { Google } from "arctic";
import { type Claims, idTokenClaims, oidcClaimsProfile } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

const issuers = ["https://accounts.google.com", "accounts.google.com"];
const scopes = ["openid", "email", "profile"];

export function googleProfile(claims: Claims): OAuth2Profile {
  return oidcClaimsProfile(claims, "Google");
}

export function googleProvider(
  settings: OAuth2ProviderSettings<"google">,
  redirectUri: string,
): OAuth2Provider {
  const client = new Google(settings.clientId, settings.clientSecret, redirectUri);
  return {
    name: "google",
    displayName: "Google",
    pkce: true,
    authorizationUrl: (state, codeVerifier) =>
      client.createAuthorizationURL(state, codeVerifier, scopes),
    validateCode: (code, codeVerifier) => client.validateAuthorizationCode(code, codeVerifier),
    async fetchProfile(tokens, io) {
      const claims = idTokenClaims(tokens, {
        provider: "Google",
        audience: settings.clientId,
        issuers,
        now: io.now(),
      });
      return googleProfile(claims);
    },
  };
}
