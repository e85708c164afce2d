// Finishes an OAuth2 sign-in for SDKs and mobile apps: the app posts the code and state it
// received and, when it started with a codeChallenge, the verifier that proves it is that app.
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { resolveAuthCollection } from "../auth-collection.js";
import { limitOAuth2, type OAuth2SignInResult, signInWithCode } from "./oauth2-sign-in.js";
import { consumeOAuth2State, matchesChallenge } from "./oauth2-state.js";

export async function exchangeOAuth2({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    collection: string;
    provider: string;
    code: unknown;
    state: unknown;
    codeVerifier?: unknown;
    /** Fields for the user when this sign-in creates one (through the create rule). */
    createData?: unknown;
  };
}): Promise<OAuth2SignInResult> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const problems: Record<string, { code: string; message: string }> = {};
  if (typeof input.code !== "string" || input.code === "" || input.code.length > 4096) {
    problems.code = { code: "required", message: "The authorization code is required." };
  }
  if (typeof input.state !== "string" || input.state === "") {
    problems.state = { code: "required", message: "The state is required." };
  }
  if (input.codeVerifier !== undefined && typeof input.codeVerifier !== "string") {
    problems.codeVerifier = { code: "invalid_type", message: "Must be a string." };
  }
  const createData = input.createData;
  if (
    createData !== undefined &&
    (createData === null || typeof createData !== "object" || Array.isArray(createData))
  ) {
    problems.createData = { code: "invalid_type", message: "Must be an object." };
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  await limitOAuth2(ctx, "finish");

  const state = await consumeOAuth2State(ctx, {
    collection,
    provider: input.provider,
    state: input.state,
    stages: ["start", "relayed"],
  });
  // Checked after the state is used up, so a wrong verifier cannot be retried.
  if (state.clientChallenge) {
    const verifier = input.codeVerifier;
    if (typeof verifier !== "string" || !matchesChallenge(verifier, state.clientChallenge)) {
      throw errors.badRequest(
        "The codeVerifier does not match the codeChallenge this sign-in started with.",
      );
    }
  }
  return signInWithCode(ctx, {
    collection,
    provider: input.provider,
    code: input.code as string,
    codeVerifier: state.codeVerifier,
    createData: createData as Record<string, unknown> | undefined,
  });
}
