// Each provider's profile mapping against sample payloads shaped like the vendor's, and the
// network-facing parts (URLs, PKCE, ID token checks) without the network.
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { OAuth2Tokens } from "arctic";
import { describe, expect, it } from "vitest";
import { isCairnError } from "../../errors.js";
import { oauth2SettingsSchema } from "../../settings/settings-store.js";
import { appleProfile, appleProvider } from "./apple-provider.js";
import { discordProfile, discordProvider } from "./discord-provider.js";
import { facebookProfile, facebookProvider } from "./facebook-provider.js";
import { githubProfile, githubProvider } from "./github-provider.js";
import { gitlabProfile, gitlabProvider } from "./gitlab-provider.js";
import { googleProfile, googleProvider } from "./google-provider.js";
import {
  microsoftConsumersTenant,
  microsoftProfile,
  microsoftProvider,
} from "./microsoft-provider.js";
import type { ProviderIo } from "./oauth2-provider.js";
import { buildProvider } from "./oauth2-providers.js";
import { oidcProfile, oidcProvider } from "./oidc-provider.js";

const redirectUri = "https://cairn.example.com/api/collections/users/auth/oauth2/x/callback";
const client = { enabled: true, clientId: "client-1", clientSecret: "secret-1" };
const now = new Date("2026-03-01T12:00:00Z");
const nowSeconds = Math.floor(now.getTime() / 1000);

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) =>
    encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(value)));
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

function tokensWith(data: Record<string, unknown>): OAuth2Tokens {
  return new OAuth2Tokens({ access_token: "access-1", token_type: "Bearer", ...data });
}

/** A ProviderIo answering from a table of URL → JSON, recording what was asked. */
function fakeIo(answers: Record<string, unknown>) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const io: ProviderIo = {
    now: () => now,
    async json(url, init) {
      calls.push({ url, headers: init?.headers ?? {} });
      const key = Object.keys(answers).find((prefix) => url.startsWith(prefix));
      if (!key) throw new Error(`unexpected ${url}`);
      return answers[key];
    },
  };
  return { io, calls };
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return isCairnError(error) ? error.code : "not a CairnError";
  }
  return "no error";
}

describe("Google", () => {
  const claims = {
    iss: "https://accounts.google.com",
    aud: "client-1",
    sub: "110169484474386276334",
    email: "ada@gmail.com",
    email_verified: true,
    name: "Ada Lovelace",
    picture: "https://lh3.googleusercontent.com/a/photo",
    exp: nowSeconds + 3600,
  };

  it("maps the ID token claims", () => {
    expect(googleProfile(claims)).toEqual({
      id: "110169484474386276334",
      email: "ada@gmail.com",
      emailVerified: true,
      name: "Ada Lovelace",
      avatarUrl: "https://lh3.googleusercontent.com/a/photo",
    });
    expect(googleProfile({ ...claims, email_verified: false }).emailVerified).toBe(false);
  });

  it("reads the profile from the ID token, checking audience, issuer and expiry", async () => {
    const provider = googleProvider(client, redirectUri);
    const { io } = fakeIo({});
    const profile = await provider.fetchProfile(tokensWith({ id_token: jwt(claims) }), io);
    expect(profile.id).toBe("110169484474386276334");
    const other = tokensWith({ id_token: jwt({ ...claims, aud: "someone-else" }) });
    expect(await codeOf(provider.fetchProfile(other, io))).toBe("BAD_REQUEST");
    const forged = tokensWith({ id_token: jwt({ ...claims, iss: "https://evil.example" }) });
    expect(await codeOf(provider.fetchProfile(forged, io))).toBe("BAD_REQUEST");
    const stale = tokensWith({ id_token: jwt({ ...claims, exp: nowSeconds - 3600 }) });
    expect(await codeOf(provider.fetchProfile(stale, io))).toBe("BAD_REQUEST");
    expect(await codeOf(provider.fetchProfile(tokensWith({}), io))).toBe("SERVICE_UNAVAILABLE");
    const garbled = tokensWith({ id_token: "not.a-jwt" });
    expect(await codeOf(provider.fetchProfile(garbled, io))).toBe("SERVICE_UNAVAILABLE");
  });

  it("asks for openid email profile with an S256 challenge", () => {
    const url = googleProvider(client, redirectUri).authorizationUrl("st", "v".repeat(43));
    expect(url.origin).toBe("https://accounts.google.com");
    expect(url.searchParams.get("scope")).toBe("openid email profile");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe(redirectUri);
    expect(url.searchParams.get("state")).toBe("st");
  });
});

describe("GitHub", () => {
  const user = {
    login: "octocat",
    id: 583231,
    avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
    name: "The Octocat",
    email: "public@example.com",
  };

  it("takes the verified primary email from /user/emails, not the public profile email", () => {
    const emails = [
      { email: "old@example.com", primary: false, verified: true, visibility: null },
      { email: "octocat@github.com", primary: true, verified: true, visibility: "public" },
    ];
    expect(githubProfile(user, emails)).toEqual({
      id: "583231",
      email: "octocat@github.com",
      emailVerified: true,
      name: "The Octocat",
      avatarUrl: "https://avatars.githubusercontent.com/u/583231?v=4",
    });
  });

  it("an unverified primary stays unverified; no emails means no email", () => {
    const emails = [
      { email: "verified@example.com", primary: false, verified: true },
      { email: "unverified@example.com", primary: true, verified: false },
    ];
    const profile = githubProfile({ ...user, name: null }, emails);
    expect(profile).toMatchObject({ email: "unverified@example.com", emailVerified: false });
    expect(profile.name).toBe("octocat");
    expect(githubProfile(user, [])).toMatchObject({ email: null, emailVerified: false });
    expect(() => githubProfile(user, { message: "Bad credentials" })).toThrow();
    expect(() => githubProfile({ login: "x" }, [])).toThrow();
  });

  it("reads /user and /user/emails with the access token", async () => {
    const { io, calls } = fakeIo({
      "https://api.github.com/user/emails": [{ email: "a@b.co", primary: true, verified: true }],
      "https://api.github.com/user": user,
    });
    const profile = await githubProvider(client, redirectUri).fetchProfile(tokensWith({}), io);
    expect(profile.email).toBe("a@b.co");
    expect(calls.map((c) => c.url).sort()).toEqual([
      "https://api.github.com/user",
      "https://api.github.com/user/emails",
    ]);
    expect(calls[0]!.headers.Authorization).toBe("Bearer access-1");
  });

  it("sends PKCE", () => {
    const url = githubProvider(client, redirectUri).authorizationUrl("st", "v".repeat(43));
    expect(url.toString()).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")).toBe("read:user user:email");
  });
});

describe("Apple", () => {
  const claims = {
    iss: "https://appleid.apple.com",
    aud: "com.example.web",
    sub: "001234.abcdef0123456789.0123",
    email: "x7y8z9@privaterelay.appleid.com",
    email_verified: "true",
    is_private_email: "true",
    exp: nowSeconds + 600,
  };

  it("reads string booleans", () => {
    expect(appleProfile(claims)).toEqual({
      id: "001234.abcdef0123456789.0123",
      email: "x7y8z9@privaterelay.appleid.com",
      emailVerified: true,
      name: null,
      avatarUrl: null,
    });
    expect(appleProfile({ ...claims, email_verified: "false" }).emailVerified).toBe(false);
    expect(appleProfile({ ...claims, email_verified: true }).emailVerified).toBe(true);
  });

  it("asks for form_post and checks Apple's ID token", async () => {
    const provider = appleProvider(
      { enabled: true, clientId: "com.example.web", teamId: "T", keyId: "K", privateKey: "" },
      redirectUri,
    );
    const url = provider.authorizationUrl("st", "v".repeat(43));
    expect(url.searchParams.get("response_mode")).toBe("form_post");
    expect(url.searchParams.get("scope")).toBe("name email");
    expect(provider.pkce).toBe(false);
    const { io } = fakeIo({});
    expect((await provider.fetchProfile(tokensWith({ id_token: jwt(claims) }), io)).id).toBe(
      claims.sub,
    );
    const other = tokensWith({ id_token: jwt({ ...claims, aud: "com.other" }) });
    expect(await codeOf(provider.fetchProfile(other, io))).toBe("BAD_REQUEST");
  });
});

describe("Microsoft", () => {
  const work = {
    iss: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
    aud: "client-1",
    tid: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    oid: "00000000-0000-0000-66f3-3332eca7ea81",
    sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    email: "ada@contoso.com",
    name: "Ada Lovelace",
    exp: nowSeconds + 3600,
  };

  it("never trusts a work account's email without xms_edov", () => {
    expect(microsoftProfile(work)).toEqual({
      id: `${work.tid}/${work.oid}`,
      email: "ada@contoso.com",
      emailVerified: false,
      name: "Ada Lovelace",
      avatarUrl: null,
    });
    expect(microsoftProfile({ ...work, xms_edov: true }).emailVerified).toBe(true);
    expect(microsoftProfile({ ...work, xms_edov: "1" }).emailVerified).toBe(true);
  });

  it("trusts personal accounts' email; falls back to sub without oid", () => {
    const personal = { ...work, tid: microsoftConsumersTenant, oid: undefined };
    expect(microsoftProfile(personal)).toMatchObject({ id: work.sub, emailVerified: true });
  });

  it("checks the token's issuer against its tenant", async () => {
    const provider = microsoftProvider({ ...client, tenant: "common" }, redirectUri);
    const { io } = fakeIo({});
    expect((await provider.fetchProfile(tokensWith({ id_token: jwt(work) }), io)).name).toBe(
      "Ada Lovelace",
    );
    const forged = tokensWith({
      id_token: jwt({ ...work, iss: "https://login.microsoftonline.com/other/v2.0" }),
    });
    expect(await codeOf(provider.fetchProfile(forged, io))).toBe("SERVICE_UNAVAILABLE");
    const url = provider.authorizationUrl("st", "v".repeat(43));
    expect(url.pathname).toBe("/common/oauth2/v2.0/authorize");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  });
});

describe("Discord", () => {
  const user = {
    id: "80351110224678912",
    username: "nelly",
    global_name: "Nelly",
    avatar: "8342729096ea3675442027381ff50dfe",
    verified: true,
    email: "nelly@discord.com",
  };

  it("maps /users/@me", async () => {
    expect(discordProfile(user)).toEqual({
      id: "80351110224678912",
      email: "nelly@discord.com",
      emailVerified: true,
      name: "Nelly",
      avatarUrl:
        "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png",
    });
    expect(discordProfile({ ...user, verified: false }).emailVerified).toBe(false);
    expect(discordProfile({ ...user, email: null, avatar: null })).toMatchObject({
      email: null,
      emailVerified: false,
      avatarUrl: null,
    });
    const { io, calls } = fakeIo({ "https://discord.com/api/users/@me": user });
    await discordProvider(client, redirectUri).fetchProfile(tokensWith({}), io);
    expect(calls[0]!.headers.Authorization).toBe("Bearer access-1");
  });
});

describe("GitLab", () => {
  const userinfo = {
    sub: "1234567",
    name: "Grace Hopper",
    nickname: "grace",
    email: "grace@example.com",
    email_verified: true,
    picture: "https://gitlab.com/uploads/-/system/user/avatar/1234567/avatar.png",
  };

  it("maps the userinfo answer", async () => {
    expect(gitlabProfile(userinfo)).toEqual({
      id: "1234567",
      email: "grace@example.com",
      emailVerified: true,
      name: "Grace Hopper",
      avatarUrl: "https://gitlab.com/uploads/-/system/user/avatar/1234567/avatar.png",
    });
    expect(gitlabProfile({ ...userinfo, email_verified: false }).emailVerified).toBe(false);
    const { io } = fakeIo({ "https://gitlab.com/oauth/userinfo": userinfo });
    const provider = gitlabProvider(client, redirectUri);
    expect((await provider.fetchProfile(tokensWith({}), io)).id).toBe("1234567");
    expect(
      provider.authorizationUrl("st", "v".repeat(43)).searchParams.get("code_challenge"),
    ).toBeTruthy();
  });
});

describe("Facebook", () => {
  const me = {
    id: "10158291473012345",
    name: "Margaret Hamilton",
    email: "margaret@example.com",
    picture: {
      data: {
        height: 256,
        width: 256,
        is_silhouette: false,
        url: "https://platform-lookaside.fbsbx.com/p.jpg",
      },
    },
  };

  it("maps /me; a silhouette is no avatar", async () => {
    expect(facebookProfile(me)).toEqual({
      id: "10158291473012345",
      email: "margaret@example.com",
      emailVerified: true,
      name: "Margaret Hamilton",
      avatarUrl: "https://platform-lookaside.fbsbx.com/p.jpg",
    });
    const silhouette = {
      ...me,
      email: undefined,
      picture: { data: { is_silhouette: true, url: "x" } },
    };
    expect(facebookProfile(silhouette)).toMatchObject({
      email: null,
      emailVerified: false,
      avatarUrl: null,
    });
  });

  it("signs the Graph call with appsecret_proof", async () => {
    const { io, calls } = fakeIo({ "https://graph.facebook.com/me": me });
    await facebookProvider(client, redirectUri).fetchProfile(tokensWith({}), io);
    const url = new URL(calls[0]!.url);
    // HMAC-SHA256("access-1", key "secret-1"), hex.
    expect(url.searchParams.get("appsecret_proof")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("fields")).toContain("email");
    expect(calls[0]!.url).not.toContain("access-1");
  });
});

describe("generic OpenID Connect", () => {
  const settings = oauth2SettingsSchema.parse({
    oidc: {
      ...client,
      displayName: "Acme SSO",
      issuer: "https://sso.acme.test",
      authorizationUrl: "https://sso.acme.test/authorize",
      tokenUrl: "https://sso.acme.test/token",
      userinfoUrl: "https://sso.acme.test/userinfo",
    },
  }).oidc;
  const claims = {
    iss: "https://sso.acme.test",
    aud: "client-1",
    sub: "u-1",
    exp: nowSeconds + 60,
  };

  it("maps standard claims, email_verified as a boolean or string", () => {
    expect(
      oidcProfile({
        sub: "u-1",
        email: "a@acme.test",
        email_verified: "true",
        preferred_username: "a",
      }),
    ).toEqual({
      id: "u-1",
      email: "a@acme.test",
      emailVerified: true,
      name: "a",
      avatarUrl: null,
    });
    expect(oidcProfile({ sub: "u-1", email: "a@acme.test" }).emailVerified).toBe(false);
    expect(() => oidcProfile({ email: "no-sub@acme.test" })).toThrow();
  });

  it("prefers userinfo, which must be about the ID token's subject", async () => {
    const provider = oidcProvider(settings, redirectUri);
    const { io } = fakeIo({
      "https://sso.acme.test/userinfo": { sub: "u-1", email: "a@acme.test" },
    });
    expect((await provider.fetchProfile(tokensWith({ id_token: jwt(claims) }), io)).email).toBe(
      "a@acme.test",
    );
    const other = fakeIo({ "https://sso.acme.test/userinfo": { sub: "u-2" } });
    const code = await codeOf(
      provider.fetchProfile(tokensWith({ id_token: jwt(claims) }), other.io),
    );
    expect(code).toBe("SERVICE_UNAVAILABLE");
  });

  it("reads the ID token when there is no userinfo endpoint", async () => {
    const provider = oidcProvider({ ...settings, userinfoUrl: "" }, redirectUri);
    const { io } = fakeIo({});
    const token = jwt({ ...claims, email: "b@acme.test", email_verified: true });
    expect(await provider.fetchProfile(tokensWith({ id_token: token }), io)).toMatchObject({
      id: "u-1",
      emailVerified: true,
    });
    const foreign = jwt({ ...claims, iss: "https://other.test" });
    expect(await codeOf(provider.fetchProfile(tokensWith({ id_token: foreign }), io))).toBe(
      "BAD_REQUEST",
    );
  });

  it("PKCE can be turned off", () => {
    const url = oidcProvider({ ...settings, pkce: false }, redirectUri).authorizationUrl(
      "s",
      "v".repeat(43),
    );
    expect(url.searchParams.get("code_challenge")).toBeNull();
    expect(url.origin).toBe("https://sso.acme.test");
  });
});

describe("named providers", () => {
  it("always talk to their vendor, whatever the settings hold", () => {
    const settings = oauth2SettingsSchema.parse({
      oidc: { authorizationUrl: "https://evil.test/a", tokenUrl: "https://evil.test/t" },
    });
    const origins = {
      google: "https://accounts.google.com",
      github: "https://github.com",
      apple: "https://appleid.apple.com",
      microsoft: "https://login.microsoftonline.com",
      discord: "https://discord.com",
      gitlab: "https://gitlab.com",
      facebook: "https://www.facebook.com",
    } as const;
    for (const [name, origin] of Object.entries(origins)) {
      const url = buildProvider(
        settings,
        name as keyof typeof origins,
        redirectUri,
      ).authorizationUrl("s", "v".repeat(43));
      expect(url.origin, name).toBe(origin);
    }
  });
});
