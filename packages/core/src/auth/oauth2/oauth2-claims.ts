// Reading untrusted provider JSON (ID tokens, userinfo, vendor APIs) into an OAuth2Profile.
// Anything odd is the provider's fault and answers 503, never a 500 or a half-made profile.
import { decodeIdToken, type OAuth2Tokens } from "arctic";
import { type CairnError, errors } from "../../errors.js";
import type { OAuth2Profile } from "./oauth2-provider.js";

export type Claims = Record<string, unknown>;

export function unreadable(provider: string, what = "profile"): CairnError {
  return errors.unavailable(`${provider} sent a ${what} Cairn could not read.`);
}

export function asClaims(value: unknown, provider: string): Claims {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw unreadable(provider);
  }
  return value as Claims;
}

export function stringClaim(claims: Claims, key: string): string | null {
  const value = claims[key];
  if (typeof value === "string" && value !== "") return value;
  // Numeric ids (GitHub, GitLab) are ids all the same.
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return null;
}

/** Some providers (Apple) send booleans as "true"/"false" strings. */
export function trueClaim(claims: Claims, key: string): boolean {
  const value = claims[key];
  return value === true || value === "true" || value === "1" || value === 1;
}

/** The profile from standard OpenID Connect claims (ID tokens and userinfo). */
export function oidcClaimsProfile(claims: Claims, provider: string): OAuth2Profile {
  const id = stringClaim(claims, "sub");
  if (!id) throw unreadable(provider);
  const email = stringClaim(claims, "email");
  return {
    id,
    email,
    emailVerified: email !== null && trueClaim(claims, "email_verified"),
    name: stringClaim(claims, "name") ?? stringClaim(claims, "preferred_username"),
    avatarUrl: stringClaim(claims, "picture"),
  };
}

/**
 * The claims of the ID token in a token response, checked for audience, issuer and expiry.
 * The signature is not checked: the token came straight from the provider's token endpoint
 * over TLS, which OpenID Connect Core (3.1.3.7) accepts in place of it.
 */
export function idTokenClaims(
  tokens: OAuth2Tokens,
  expected: { provider: string; audience: string; issuers?: string[]; now: Date },
): Claims {
  const raw = (tokens.data as Claims).id_token;
  if (typeof raw !== "string") throw unreadable(expected.provider, "token response");
  let claims: Claims;
  try {
    claims = asClaims(decodeIdToken(raw), expected.provider);
  } catch {
    throw unreadable(expected.provider, "ID token");
  }
  const audience = claims.aud;
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(expected.audience)) {
    throw errors.badRequest(`The ${expected.provider} ID token was issued to another app.`);
  }
  if (expected.issuers && !expected.issuers.includes(String(claims.iss))) {
    throw errors.badRequest(`The ${expected.provider} ID token comes from an unexpected issuer.`);
  }
  // A minute of leeway for clocks that disagree.
  if (typeof claims.exp === "number" && claims.exp * 1000 < expected.now.getTime() - 60_000) {
    throw errors.badRequest(`The ${expected.provider} ID token has expired; sign in again.`);
  }
  return claims;
}

/** The access token of a token response, or 503 when the provider sent none. */
export function accessTokenOf(tokens: OAuth2Tokens, provider: string): string {
  try {
    return tokens.accessToken();
  } catch {
    throw unreadable(provider, "token response");
  }
}
