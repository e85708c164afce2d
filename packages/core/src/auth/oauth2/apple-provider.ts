// Sign in with Apple: no PKCE (Apple has none); the client secret is a JWT signed with the
// team's .p8 key; the answer comes back as a form POST; the profile is the ID token.
import { decodeBase64 } from "@oslojs/encoding";
import { Apple } from "arctic";
import { type Claims, idTokenClaims, oidcClaimsProfile } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

const issuer = "https://appleid.apple.com";
const scopes = ["name", "email"];

/** The DER bytes of a PKCS#8 PEM key, or undefined when it is not one. */
export function pkcs8FromPem(pem: string): Uint8Array | undefined {
  const match = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) return undefined;
  try {
    return decodeBase64(match[1]!.replace(/\s+/g, ""));
  } catch {
    return undefined;
  }
}

/**
 * Apple's ID token: `email_verified` comes as "true" or true. Relay addresses
 * (privaterelay.appleid.com) are verified too: mail to them reaches the user.
 */
export function appleProfile(claims: Claims): OAuth2Profile {
  // Apple shares the user's name only once, in the form post, never in the token.
  return { ...oidcClaimsProfile(claims, "Apple"), name: null, avatarUrl: null };
}

export function appleProvider(
  settings: OAuth2ProviderSettings<"apple">,
  redirectUri: string,
): OAuth2Provider {
  const key = pkcs8FromPem(settings.privateKey) ?? new Uint8Array();
  const client = new Apple(settings.clientId, settings.teamId, settings.keyId, key, redirectUri);
  return {
    name: "apple",
    displayName: "Apple",
    pkce: false,
    authorizationUrl(state) {
      const url = client.createAuthorizationURL(state, scopes);
      // Apple insists on form_post whenever name or email is asked for.
      url.searchParams.set("response_mode", "form_post");
      return url;
    },
    validateCode: (code) => client.validateAuthorizationCode(code),
    async fetchProfile(tokens, io) {
      const claims = idTokenClaims(tokens, {
        provider: "Apple",
        audience: settings.clientId,
        issuers: [issuer],
        now: io.now(),
      });
      return appleProfile(claims);
    },
  };
}
