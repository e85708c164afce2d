// Masking of provider secrets, what an enabled provider needs, and the app-side PKCE check.

import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { describe, expect, it } from "vitest";
import { maskedSecret } from "../../settings/settings-shared.js";
import { oauth2SettingsSchema } from "../../settings/settings-store.js";
import { maskOAuth2Settings, oauth2SettingsProblems } from "./oauth2-settings.js";
import { matchesChallenge } from "./oauth2-state.js";

describe("OAuth2 settings", () => {
  it("defaults to every provider off", () => {
    const settings = oauth2SettingsSchema.parse({});
    expect(Object.values(settings).every((provider) => provider.enabled === false)).toBe(true);
    expect(settings.microsoft.tenant).toBe("common");
    expect(settings.oidc.scopes).toBe("openid email profile");
  });

  it("masks every stored secret, as every settings answer does", () => {
    const settings = oauth2SettingsSchema.parse({
      github: { clientId: "id", clientSecret: "very-secret" },
      apple: { privateKey: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----" },
    });
    const masked = maskOAuth2Settings(settings);
    expect(JSON.stringify(masked)).not.toContain("very-secret");
    expect(JSON.stringify(masked)).not.toContain("BEGIN PRIVATE KEY");
    expect(masked.github).toMatchObject({ clientId: "id", clientSecret: maskedSecret });
    expect(masked.google).toMatchObject({ clientSecret: "" });
    expect(masked.apple).toMatchObject({ privateKey: maskedSecret });
  });

  it("lists what an enabled provider lacks", () => {
    const settings = oauth2SettingsSchema.parse({});
    expect(oauth2SettingsProblems("google", settings.google)).toEqual({
      clientId: expect.any(String),
      clientSecret: expect.any(String),
    });
    expect(Object.keys(oauth2SettingsProblems("apple", settings.apple)).sort()).toEqual([
      "clientId",
      "keyId",
      "privateKey",
      "teamId",
    ]);
    const oidc = { ...settings.oidc, clientId: "c", scopes: "profile", pkce: false };
    expect(Object.keys(oauth2SettingsProblems("oidc", oidc)).sort()).toEqual([
      "authorizationUrl",
      "clientSecret",
      "tokenUrl",
      "userinfoUrl",
    ]);
  });
});

describe("app-side PKCE", () => {
  it("matches a verifier to its S256 challenge only", () => {
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    // RFC 7636, appendix B.
    expect(encodeBase64urlNoPadding(sha256(new TextEncoder().encode(verifier)))).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
    expect(matchesChallenge(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).toBe(true);
    expect(matchesChallenge(`${verifier}x`, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).toBe(
      false,
    );
    expect(matchesChallenge(verifier, "short")).toBe(false);
  });
});
