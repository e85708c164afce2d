// Talking to providers over the network: JSON reads with a deadline, and turning whatever a
// provider or the network throws into a 4xx (the code was refused) or a 503 (the provider is
// down, slow or misconfigured). Never logs tokens, codes or secrets.
import {
  ArcticFetchError,
  OAuth2RequestError,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from "arctic";
import type { Ctx } from "../../context.js";
import { type CairnError, errors, isCairnError } from "../../errors.js";
import type { OAuth2Provider, ProviderIo } from "./oauth2-provider.js";

/** How long one call to a provider may take before the sign-in gives up. */
export const providerTimeoutMs = 15_000;

class ProviderTimeoutError extends Error {}

/** Arctic's requests take no AbortSignal, so a hung provider is raced against a deadline. */
export async function withDeadline<T>(work: Promise<T>, ms = providerTimeoutMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderTimeoutError("provider timed out")), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The ProviderIo of a real request: fetch with a deadline, 503 on anything but 2xx JSON. */
export function providerIo(ctx: Ctx, displayName: string): ProviderIo {
  return {
    now: () => ctx.now(),
    async json(url, init) {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { Accept: "application/json", "User-Agent": "Cairn", ...init?.headers },
          signal: AbortSignal.timeout(providerTimeoutMs),
        });
      } catch (error) {
        throw new ArcticFetchError(error);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw errors.unavailable(
          `${displayName} answered HTTP ${response.status} when Cairn read the profile.`,
        );
      }
      try {
        return await response.json();
      } catch {
        throw errors.unavailable(`${displayName} sent a profile Cairn could not read.`);
      }
    },
  };
}

const clientErrors = new Set(["invalid_client", "unauthorized_client", "unsupported_grant_type"]);

/** Maps a failure while exchanging the code or reading the profile to the error to answer. */
export function providerError(ctx: Ctx, provider: OAuth2Provider, error: unknown): CairnError {
  const name = provider.displayName;
  if (isCairnError(error)) return error;
  if (error instanceof OAuth2RequestError) {
    if (clientErrors.has(error.code)) {
      // Cairn's own credentials were refused: an admin has to act, the user cannot.
      ctx.log.warn(
        { provider: provider.name, oauthError: error.code },
        "OAuth2 provider refused the client credentials",
      );
      return errors.unavailable(
        `${name} refused Cairn's client credentials (${error.code}); an admin should check the OAuth2 settings.`,
      );
    }
    const detail = error.description ? `: ${error.description.slice(0, 200)}` : "";
    return errors.badRequest(`${name} refused the sign-in (${error.code}${detail}).`);
  }
  if (error instanceof ArcticFetchError || error instanceof ProviderTimeoutError) {
    ctx.log.warn({ provider: provider.name }, "OAuth2 provider unreachable");
    return errors.unavailable(`Cairn could not reach ${name}; try again later.`);
  }
  if (
    error instanceof UnexpectedResponseError ||
    error instanceof UnexpectedErrorResponseBodyError
  ) {
    ctx.log.warn(
      { provider: provider.name, providerStatus: error.status },
      "OAuth2 token request failed",
    );
    return error.status >= 500
      ? errors.unavailable(
          `${name} is not answering properly (HTTP ${error.status}); try again later.`,
        )
      : errors.badRequest(`${name} refused the sign-in (HTTP ${error.status}).`);
  }
  ctx.log.warn({ provider: provider.name }, "OAuth2 provider sent an unreadable answer");
  return errors.unavailable(`${name} sent an answer Cairn could not read.`);
}
