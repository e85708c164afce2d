// The common end of the callback and exchange flows: trade the code for the provider's
// profile (network, outside any transaction), then find or make the user and sign them in
// (one transaction), or refuse.
import type { Collection } from "@cairn/schema";
import { type Ctx, withTransaction } from "../../context.js";
import { errors } from "../../errors.js";
import { audit } from "../audit.js";
import { authOptionsOf } from "../auth-collection.js";
import { completeSignIn, type SignInResult } from "../complete-sign-in.js";
import { consumeRateLimit } from "../rate-limit.js";
import { userForIdentity } from "./oauth2-account.js";
import { providerError, providerIo, withDeadline } from "./oauth2-http.js";
import type { OAuth2Profile, OAuth2ProviderName } from "./oauth2-provider.js";
import { loadProvider } from "./oauth2-providers.js";

/** What the provider told about the user, for the app to fill a profile with. */
export interface OAuth2Meta {
  provider: OAuth2ProviderName;
  /** Whether this sign-in created the user. */
  isNew: boolean;
  name: string | null;
  avatarUrl: string | null;
}

export type OAuth2SignInResult = SignInResult & { meta: OAuth2Meta };

export function requireOAuth2(collection: Collection): void {
  if (!authOptionsOf(collection).oauth2) {
    throw errors.badRequest(
      `"${collection.name}" does not allow signing in with OAuth2 (its auth option oauth2 is off).`,
    );
  }
}

/** Counts one OAuth2 request per client address and step; 429 beyond the limit. */
export async function limitOAuth2(ctx: Ctx, step: "start" | "finish"): Promise<void> {
  await consumeRateLimit(ctx, {
    key: `oauth2:${step}:${ctx.request.ip ?? "?"}`,
    limit: 60,
    windowMs: 10 * 60 * 1000,
  });
}

export async function signInWithCode(
  ctx: Ctx,
  input: {
    collection: Collection;
    provider: string;
    code: string;
    codeVerifier: string;
    createData?: Record<string, unknown> | undefined;
  },
): Promise<OAuth2SignInResult> {
  const { collection } = input;
  requireOAuth2(collection);
  const provider = await loadProvider(ctx, collection, input.provider);
  let profile: OAuth2Profile;
  try {
    const tokens = await withDeadline(provider.validateCode(input.code, input.codeVerifier));
    profile = await withDeadline(
      provider.fetchProfile(tokens, providerIo(ctx, provider.displayName)),
    );
  } catch (error) {
    throw providerError(ctx, provider, error);
  }

  const outcome = await withTransaction(ctx, async (tx) => {
    const found = await userForIdentity(tx, {
      collection,
      provider: provider.name,
      profile,
      createData: input.createData,
    });
    if (found.kind !== "user") return found;
    const result = await completeSignIn(tx, { collection, user: found.user, method: "oauth2" });
    return { ...found, result };
  });
  if (outcome.kind === "emailTaken") {
    // Written after the transaction: the refusal itself is what must be on record.
    await audit(ctx, {
      action: "auth.sign_in_failed",
      collectionId: collection.id,
      subjectId: outcome.userId,
      detail: { method: "oauth2", provider: provider.name, reason: "unverified_email" },
    });
    throw errors.conflict(
      `An account with this email already exists, and ${provider.displayName} does not vouch for the address, so it was not linked. Sign in to that account another way.`,
    );
  }
  return {
    ...outcome.result,
    meta: {
      provider: provider.name,
      isNew: outcome.isNew,
      name: profile.name,
      avatarUrl: profile.avatarUrl,
    },
  };
}
