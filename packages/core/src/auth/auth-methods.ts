import type { Ctx } from "../context.js";
import { resolveAuthCollection } from "./auth-collection.js";

export interface AuthMethods {
  password: { enabled: boolean; minLength: number };
  otp: { enabled: boolean };
  oauth2: { enabled: boolean };
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
  return {
    password: { enabled: options.password, minLength: options.minPasswordLength },
    otp: { enabled: options.otp },
    oauth2: { enabled: options.oauth2 },
    anonymous: { enabled: options.anonymous },
    mfa: { required: options.mfa === "required" },
  };
}
