// GitHub: OAuth2 with PKCE; the profile is /user, the email the verified primary one from
// /user/emails (the public profile email is whatever the user typed, never verified).
import { CodeChallengeMethod, OAuth2Client, OAuth2RequestError } from "arctic";
import { accessTokenOf, asClaims, type Claims, stringClaim, unreadable } from "./oauth2-claims.js";
import type { OAuth2Profile, OAuth2Provider, OAuth2ProviderSettings } from "./oauth2-provider.js";

const authorizationEndpoint = "https://github.com/login/oauth/authorize";
const tokenEndpoint = "https://github.com/login/oauth/access_token";
const apiBase = "https://api.github.com";
const scopes = ["read:user", "user:email"];

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

function emailsOf(value: unknown): GitHubEmail[] {
  if (!Array.isArray(value)) throw unreadable("GitHub", "email list");
  return value.flatMap((item) => {
    const entry = asClaims(item, "GitHub");
    const email = stringClaim(entry, "email");
    return email
      ? [{ email, primary: entry.primary === true, verified: entry.verified === true }]
      : [];
  });
}

/** `user` is GET /user, `emails` GET /user/emails. */
export function githubProfile(user: Claims, emails: unknown): OAuth2Profile {
  const id = stringClaim(user, "id");
  if (!id) throw unreadable("GitHub");
  const list = emailsOf(emails);
  // The primary address if verified; otherwise the primary (unverified), so a new account
  // still gets an address but never links to an existing one through it.
  const primary = list.find((e) => e.primary);
  return {
    id,
    email: primary?.email ?? null,
    emailVerified: primary?.verified ?? false,
    name: stringClaim(user, "name") ?? stringClaim(user, "login"),
    avatarUrl: stringClaim(user, "avatar_url"),
  };
}

export function githubProvider(
  settings: OAuth2ProviderSettings<"github">,
  redirectUri: string,
): OAuth2Provider {
  // Arctic's generic client rather than its GitHub class, which has no PKCE (GitHub has
  // supported it since 2025).
  const client = new OAuth2Client(settings.clientId, settings.clientSecret, redirectUri);
  return {
    name: "github",
    displayName: "GitHub",
    pkce: true,
    authorizationUrl: (state, codeVerifier) =>
      client.createAuthorizationURLWithPKCE(
        authorizationEndpoint,
        state,
        CodeChallengeMethod.S256,
        codeVerifier,
        scopes,
      ),
    async validateCode(code, codeVerifier) {
      const tokens = await client.validateAuthorizationCode(tokenEndpoint, code, codeVerifier);
      // GitHub answers refusals with 200 and an error body.
      const data = tokens.data as Claims;
      if (typeof data.error === "string") {
        const description =
          typeof data.error_description === "string" ? data.error_description : null;
        throw new OAuth2RequestError(data.error, description, null, null);
      }
      return tokens;
    },
    async fetchProfile(tokens, io) {
      const headers = {
        Authorization: `Bearer ${accessTokenOf(tokens, "GitHub")}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
      };
      const [user, emails] = await Promise.all([
        io.json(`${apiBase}/user`, { headers }),
        io.json(`${apiBase}/user/emails`, { headers }),
      ]);
      return githubProfile(asClaims(user, "GitHub"), emails);
    },
  };
}
