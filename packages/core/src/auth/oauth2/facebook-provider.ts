// Facebook Login: no PKCE in arctic's client (state and the app secret protect the code); the
// profile is the Graph API's /me, signed with appsecret_proof.
import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { Facebook } from "arctic";
import { accessTokenOf, asClaims, type Claims, stringClaim, unreadable } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

const scopes = ["email", "public_profile"];

/**
 * Facebook only returns `email` when the account has a confirmed address, so a present email
 * counts as verified (as Supabase and Auth0 treat it).
 */
export function facebookProfile(me: Claims): OAuth2Profile {
  const id = stringClaim(me, "id");
  if (!id) throw unreadable("Facebook");
  const email = stringClaim(me, "email");
  const picture = me.picture as { data?: { url?: unknown; is_silhouette?: unknown } } | undefined;
  const avatar = picture?.data?.is_silhouette === true ? undefined : picture?.data?.url;
  return {
    id,
    email,
    emailVerified: email !== null,
    name: stringClaim(me, "name"),
    avatarUrl: typeof avatar === "string" ? avatar : null,
  };
}

export function facebookProvider(
  settings: OAuth2ProviderSettings<"facebook">,
  redirectUri: string,
): OAuth2Provider {
  const client = new Facebook(settings.clientId, settings.clientSecret, redirectUri);
  return {
    name: "facebook",
    displayName: "Facebook",
    pkce: false,
    authorizationUrl: (state) => client.createAuthorizationURL(state, scopes),
    validateCode: (code) => client.validateAuthorizationCode(code),
    async fetchProfile(tokens, io) {
      const accessToken = accessTokenOf(tokens, "Facebook");
      // Proves the call comes from the app's server, as "Require App Secret" demands.
      const proof = encodeHexLowerCase(
        hmac(
          SHA256,
          new TextEncoder().encode(settings.clientSecret),
          new TextEncoder().encode(accessToken),
        ),
      );
      const url = new URL("https://graph.facebook.com/me");
      url.searchParams.set("fields", "id,name,email,picture.width(256).height(256)");
      url.searchParams.set("appsecret_proof", proof);
      const me = await io.json(url.toString(), {
        headers: { Authorization: `Bearer ${accessToken}` },
      });
      return facebookProfile(asClaims(me, "Facebook"));
    },
  };
}
