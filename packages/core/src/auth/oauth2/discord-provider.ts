// Discord: OAuth2 with PKCE; the profile is /users/@me, whose `verified` says whether the
// account's email was confirmed.
import { Discord } from "arctic";
import { accessTokenOf, asClaims, type Claims, stringClaim, unreadable } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

const scopes = ["identify", "email"];

export function discordProfile(user: Claims): OAuth2Profile {
  const id = stringClaim(user, "id");
  if (!id) throw unreadable("Discord");
  const email = stringClaim(user, "email");
  const avatar = stringClaim(user, "avatar");
  return {
    id,
    email,
    emailVerified: email !== null && user.verified === true,
    name: stringClaim(user, "global_name") ?? stringClaim(user, "username"),
    avatarUrl: avatar ? `https://cdn.discordapp.com/avatars/${id}/${avatar}.png` : null,
  };
}

export function discordProvider(
  settings: OAuth2ProviderSettings<"discord">,
  redirectUri: string,
): OAuth2Provider {
  const client = new Discord(settings.clientId, settings.clientSecret, redirectUri);
  return {
    name: "discord",
    displayName: "Discord",
    pkce: true,
    authorizationUrl: (state, codeVerifier) =>
      client.createAuthorizationURL(state, codeVerifier, scopes),
    validateCode: (code, codeVerifier) => client.validateAuthorizationCode(code, codeVerifier),
    async fetchProfile(tokens, io) {
      const user = await io.json("https://discord.com/api/users/@me", {
        headers: { Authorization: `Bearer ${accessTokenOf(tokens, "Discord")}` },
      });
      return discordProfile(asClaims(user, "Discord"));
    },
  };
}
