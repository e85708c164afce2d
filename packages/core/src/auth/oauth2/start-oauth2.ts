// Starts an OAuth2 sign-in: checks the collection, provider and redirect URL, stores a
// single-use state with a fresh PKCE verifier, and answers the provider URL to open.
import { generateCodeVerifier } from "arctic";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { resolveAuthCollection } from "../auth-collection.js";
import { checkRedirectUrl } from "../redirect-url.js";
import { loadProvider } from "./oauth2-providers.js";
import { limitOAuth2, requireOAuth2 } from "./oauth2-sign-in.js";
import { issueOAuth2State, oauth2StateTtlMs } from "./oauth2-state.js";

/** base64url (no padding) of a SHA-256: 43 characters. */
const s256Pattern = /^[A-Za-z0-9_-]{43}$/;

export async function startOAuth2({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    collection: string;
    provider: string;
    redirectUrl: unknown;
    /** S256 of a verifier the app keeps; the callback then relays the code to the app. */
    codeChallenge?: unknown;
  };
}): Promise<{ authorizationUrl: string; state: string; expiresAt: string }> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  requireOAuth2(collection);
  await limitOAuth2(ctx, "start");
  const provider = await loadProvider(ctx, collection, input.provider);
  if (typeof input.redirectUrl !== "string" || input.redirectUrl === "") {
    throw errors.validation({
      redirectUrl: { code: "required", message: "Where to send the user back to is required." },
    });
  }
  const redirectUrl = await checkRedirectUrl(ctx, input.redirectUrl);
  const challenge = input.codeChallenge;
  if (challenge !== undefined && (typeof challenge !== "string" || !s256Pattern.test(challenge))) {
    throw errors.validation({
      codeChallenge: {
        code: "invalid",
        message: "Must be the base64url SHA-256 (S256) of a code verifier, 43 characters.",
      },
    });
  }
  const codeVerifier = generateCodeVerifier();
  const { token, expiresAt } = await issueOAuth2State(
    ctx,
    collection,
    {
      provider: provider.name,
      codeVerifier,
      redirectUrl,
      ...(typeof challenge === "string" ? { clientChallenge: challenge } : {}),
      stage: "start",
    },
    oauth2StateTtlMs,
  );
  return {
    authorizationUrl: provider.authorizationUrl(token, codeVerifier).toString(),
    state: token,
    expiresAt: expiresAt.toISOString(),
  };
}
