// The OAuth2 `state`: a single-use token (kind "oauth_state", only its hash stored) that
// carries the PKCE verifier, where to send the user back and which step of the flow it is for.
import type { Collection } from "@cairn/schema";
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { z } from "zod";
import type { Ctx } from "../../context.js";
import { errors, isCairnError } from "../../errors.js";
import { consumeAuthToken, issueAuthToken } from "../auth-token-store.js";

/** Long enough to sign in at the provider (and maybe create an account there). */
export const oauth2StateTtlMs = 10 * 60 * 1000;
/** A relayed code only has to travel from the callback to the app. */
export const relayedStateTtlMs = 2 * 60 * 1000;

const statePayloadSchema = z.object({
  provider: z.string(),
  codeVerifier: z.string().min(43).max(128),
  redirectUrl: z.string(),
  /** S256 challenge of a verifier the app keeps: the code then only goes to that app. */
  clientChallenge: z.string().optional(),
  /** "start": from the start endpoint; "relayed": re-issued by the callback for the app. */
  stage: z.enum(["start", "relayed"]),
});
export type OAuth2State = z.output<typeof statePayloadSchema>;

export async function issueOAuth2State(
  ctx: Ctx,
  collection: Collection,
  state: OAuth2State,
  ttlMs: number,
): Promise<{ token: string; expiresAt: Date }> {
  return issueAuthToken(ctx, {
    kind: "oauth_state",
    collectionId: collection.id,
    payload: state,
    ttlMs,
  });
}

/**
 * Uses a state exactly once. Unknown, tampered, used and expired states, and states issued for
 * another collection, provider or step, are all refused the same way.
 */
export async function consumeOAuth2State(
  ctx: Ctx,
  input: {
    collection: Collection;
    provider: string;
    state: unknown;
    stages: OAuth2State["stage"][];
  },
): Promise<OAuth2State> {
  const invalid = () =>
    errors.badRequest("The OAuth2 state is invalid, used or expired; start the sign-in again.");
  if (typeof input.state !== "string" || input.state === "") throw invalid();
  let row: Awaited<ReturnType<typeof consumeAuthToken>>;
  try {
    row = await consumeAuthToken(ctx, { kind: "oauth_state", token: input.state });
  } catch (error) {
    if (isCairnError(error) && error.code === "BAD_REQUEST") throw invalid();
    throw error;
  }
  const parsed = statePayloadSchema.safeParse(row.payload);
  if (
    !parsed.success ||
    row.collectionId !== input.collection.id ||
    parsed.data.provider !== input.provider ||
    !input.stages.includes(parsed.data.stage)
  ) {
    throw invalid();
  }
  return parsed.data;
}

/** Whether `verifier` is the one whose S256 challenge the app sent (RFC 7636). */
export function matchesChallenge(verifier: string, challenge: string): boolean {
  const computed = new TextEncoder().encode(
    encodeBase64urlNoPadding(sha256(new TextEncoder().encode(verifier))),
  );
  return constantTimeEqual(computed, new TextEncoder().encode(challenge));
}
