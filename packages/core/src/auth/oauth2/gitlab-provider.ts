// GitLab.com: OAuth2 with PKCE and the OpenID Connect userinfo endpoint, whose
// email_verified is GitLab's word on the address. Self-managed GitLab: use the oidc provider.
import { CodeChallengeMethod, OAuth2Client } from "arctic";
import { accessTokenOf, asClaims, type Claims, oidcClaimsProfile } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

const base = "https://gitlab.com";
const scopes = ["openid", "profile", "email"];

export function gitlabProfile(userinfo: Claims): OAuth2Profile {
  return oidcClaimsProfile(userinfo, "GitLab");
}

export function gitlabProvider(
  settings: OAuth2ProviderSettings<"gitlab">,
  redirectUri: string,
): OAuth2Provider {
  // Arctic's generic client: its GitLab class sends no PKCE, which GitLab supports.
  const client = new OAuth2Client(settings.clientId, settings.clientSecret, redirectUri);
  return {
    name: "gitlab",
    displayName: "GitLab",
    pkce: true,
    authorizationUrl: (state, codeVerifier) =>
      client.createAuthorizationURLWithPKCE(
        `${base}/oauth/authorize`,
        state,
        CodeChallengeMethod.S256,
        codeVerifier,
        scopes,
      ),
    validateCode: (code, codeVerifier) =>
      client.validateAuthorizationCode(`${base}/oauth/token`, code, codeVerifier),
    async fetchProfile(tokens, io) {
      const userinfo = await io.json(`${base}/oauth/userinfo`, {
        headers: { Authorization: `Bearer ${accessTokenOf(tokens, "GitLab")}` },
      });
      return gitlabProfile(asClaims(userinfo, "GitLab"));
    },
  };
}
