// Any OpenID Connect (or plain OAuth2 + userinfo) provider, with endpoints an admin sets:
// Keycloak, Authentik, Okta, self-managed GitLab… The only provider whose URLs are settable.
import { CodeChallengeMethod, OAuth2Client } from "arctic";
import {
  accessTokenOf,
  asClaims,
  type Claims,
  idTokenClaims,
  oidcClaimsProfile,
  unreadable,
} from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

export function oidcProfile(claims: Claims, displayName = "OpenID Connect"): OAuth2Profile {
  return oidcClaimsProfile(claims, displayName);
}

export function oidcProvider(
  settings: OAuth2ProviderSettings<"oidc">,
  redirectUri: string,
): OAuth2Provider {
  const name = settings.displayName;
  // No secret: a public client, which sends its client_id in the body instead.
  const client = new OAuth2Client(settings.clientId, settings.clientSecret || null, redirectUri);
  const scopes = settings.scopes.split(/\s+/).filter(Boolean);
  return {
    name: "oidc",
    displayName: name,
    pkce: settings.pkce,
    authorizationUrl: (state, codeVerifier) =>
      settings.pkce
        ? client.createAuthorizationURLWithPKCE(
            settings.authorizationUrl,
            state,
            CodeChallengeMethod.S256,
            codeVerifier,
            scopes,
          )
        : client.createAuthorizationURL(settings.authorizationUrl, state, scopes),
    validateCode: (code, codeVerifier) =>
      client.validateAuthorizationCode(
        settings.tokenUrl,
        code,
        settings.pkce ? codeVerifier : null,
      ),
    async fetchProfile(tokens, io) {
      const hasIdToken = typeof (tokens.data as Claims).id_token === "string";
      const idClaims =
        hasIdToken || !settings.userinfoUrl
          ? idTokenClaims(tokens, {
              provider: name,
              audience: settings.clientId,
              ...(settings.issuer ? { issuers: [settings.issuer] } : {}),
              now: io.now(),
            })
          : undefined;
      if (!settings.userinfoUrl) return oidcProfile(idClaims!, name);
      const userinfo = asClaims(
        await io.json(settings.userinfoUrl, {
          headers: { Authorization: `Bearer ${accessTokenOf(tokens, name)}` },
        }),
        name,
      );
      // OpenID Connect Core 5.3.2: userinfo about someone else than the ID token is refused.
      if (idClaims && idClaims.sub !== userinfo.sub) throw unreadable(name, "userinfo answer");
      return oidcProfile(userinfo, name);
    },
  };
}
