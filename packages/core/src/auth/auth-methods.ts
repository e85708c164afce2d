import type { Ctx } from "../context.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { listOAuth2Providers, type OAuth2ProviderInfo } from "./oauth2/list-oauth2-providers.js";

export interface AuthMethods {
  password: { enabled: boolean; minLength: number };
  otp: { enabled: boolean };
  /** The providers a sign-in screen can offer buttons for (enabled and complete). */
  oauth2: { enabled: boolean; providers: OAuth2ProviderInfo[] };
  anonymous: { enabled: boolean };
  mfa: { required: boolean };
}

/** What a client may offer on its sign-in screen for this collection. */
export async function getAuthMethods({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<AuthMethods> {
  const { options } = await resolveAuthCollection(ctx, input.collection);
  const { providers } = await listOAuth2Providers({ ctx, input });
  return {
    password: { enabled: options.password, minLength: options.minPasswordLength },
    otp: { enabled: options.otp },
    oauth2: { enabled: options.oauth2, providers },
    anonymous: { enabled: options.anonymous },
    mfa: { required: options.mfa === "required" },
  };
}
