// The provider sends the browser back here. With a known state, every outcome goes back to
// the app's redirect URL in the fragment: a session, an MFA step, the code for the app to
// exchange itself (when it started with a codeChallenge), or an error.
import type { Ctx } from "../../context.js";
import { errors, isCairnError } from "../../errors.js";
import { resolveAuthCollection } from "../auth-collection.js";
import { checkRedirectUrl } from "../redirect-url.js";
import { limitOAuth2, type OAuth2SignInResult, signInWithCode } from "./oauth2-sign-in.js";
import { consumeOAuth2State, issueOAuth2State, relayedStateTtlMs } from "./oauth2-state.js";

/** The redirect URL with `params` as its fragment, which browsers never send to a server. */
export function withFragment(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  target.hash = new URLSearchParams(params).toString();
  return target.toString();
}

function fragmentOf(result: OAuth2SignInResult): Record<string, string> {
  if ("mfaRequired" in result) {
    return {
      mfaRequired: "true",
      mfaToken: result.mfaToken,
      enrollRequired: String(result.enrollRequired),
      provider: result.meta.provider,
    };
  }
  return {
    token: result.token,
    expiresAt: result.expiresAt,
    recordId: result.record.id,
    provider: result.meta.provider,
    isNew: String(result.meta.isNew),
  };
}

const maxParam = 4096;
const param = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" && value.length <= maxParam ? value : undefined;

export async function callbackOAuth2({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    collection: string;
    provider: string;
    code?: unknown;
    state?: unknown;
    /** The provider's refusal (e.g. "access_denied" when the user said no). */
    error?: unknown;
  };
}): Promise<{ location: string }> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  await limitOAuth2(ctx, "finish");
  // Without a valid state there is nowhere safe to send the user: answer the error here.
  const state = await consumeOAuth2State(ctx, {
    collection,
    provider: input.provider,
    state: input.state,
    stages: ["start"],
  });
  const redirectUrl = await checkRedirectUrl(ctx, state.redirectUrl);
  try {
    const refusal = param(input.error);
    if (refusal) {
      // Only an RFC 6749 error code is passed on: anyone can craft this URL with a state of
      // their own, so free text here would be words put in the app's mouth.
      const code = /^[\w.-]{1,64}$/.test(refusal) ? refusal : "error";
      throw errors.badRequest(`The provider did not sign you in (${code}).`);
    }
    const code = param(input.code);
    if (!code) throw errors.badRequest("The provider sent no authorization code.");
    if (state.clientChallenge) {
      // The app holds the verifier: hand it the code under a new single-use state, so only
      // that app can finish, and no session ever travels in a URL.
      const relayed = await issueOAuth2State(
        ctx,
        collection,
        { ...state, stage: "relayed" },
        relayedStateTtlMs,
      );
      return { location: withFragment(redirectUrl, { code, state: relayed.token }) };
    }
    const result = await signInWithCode(ctx, {
      collection,
      provider: input.provider,
      code,
      codeVerifier: state.codeVerifier,
    });
    return { location: withFragment(redirectUrl, fragmentOf(result)) };
  } catch (error) {
    if (!isCairnError(error)) throw error;
    return { location: withFragment(redirectUrl, { error: error.code, message: error.message }) };
  }
}
