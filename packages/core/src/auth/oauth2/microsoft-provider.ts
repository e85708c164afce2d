// Microsoft Entra ID (work, school and personal accounts): OpenID Connect with PKCE; the
// profile is the ID token. Its `email` claim is NOT verified for work accounts (nOAuth).
import { MicrosoftEntraId } from "arctic";
import { type Claims, idTokenClaims, stringClaim, trueClaim, unreadable } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

/** The tenant personal Microsoft accounts belong to; Microsoft verifies their addresses. */
export const microsoftConsumersTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
const scopes = ["openid", "profile", "email"];

/**
 * A work account's `email` is whatever a tenant admin typed: it counts as verified only when
 * the token carries the `xms_edov` optional claim (domain owner verified) or the account is a
 * personal one.
 */
export function microsoftProfile(claims: Claims): OAuth2Profile {
  const tenant = stringClaim(claims, "tid");
  const objectId = stringClaim(claims, "oid");
  // Microsoft's advice: tid + oid identify a user across apps; sub is per app.
  const id = tenant && objectId ? `${tenant}/${objectId}` : stringClaim(claims, "sub");
  if (!id) throw unreadable("Microsoft");
  const email = stringClaim(claims, "email");
  const vouched = tenant === microsoftConsumersTenant || trueClaim(claims, "xms_edov");
  return {
    id,
    email,
    emailVerified: email !== null && vouched,
    name: stringClaim(claims, "name"),
    avatarUrl: null,
  };
}

export function microsoftProvider(
  settings: OAuth2ProviderSettings<"microsoft">,
  redirectUri: string,
): OAuth2Provider {
  const client = new MicrosoftEntraId(
    settings.tenant,
    settings.clientId,
    settings.clientSecret,
    redirectUri,
  );
  return {
    name: "microsoft",
    displayName: "Microsoft",
    pkce: true,
    authorizationUrl: (state, codeVerifier) =>
      client.createAuthorizationURL(state, codeVerifier, scopes),
    validateCode: (code, codeVerifier) => client.validateAuthorizationCode(code, codeVerifier),
    async fetchProfile(tokens, io) {
      const claims = idTokenClaims(tokens, {
        provider: "Microsoft",
        audience: settings.clientId,
        now: io.now(),
      });
      // With "common" the issuer names the user's tenant; it must be that tenant's v2 issuer.
      const tenant = stringClaim(claims, "tid");
      if (claims.iss !== `https://login.microsoftonline.com/${tenant}/v2.0`) {
        throw unreadable("Microsoft", "ID token");
      }
      return microsoftProfile(claims);
    },
  };
}
