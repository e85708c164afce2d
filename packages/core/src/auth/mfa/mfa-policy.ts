// The rules every MFA verb shares: rate limits, how codes are read from input, and the errors
// for wrong codes and dead MFA tokens. docs/auth-otp-mfa.md quotes these numbers.
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { consumeRateLimit } from "../rate-limit.js";

/** Code tries one MFA token takes before it is dead (and the sign-in starts over). */
export const mfaTokenMaxAttempts = 5;

const windowMs = 15 * 60 * 1000;
export const mfaRateLimits = { perIp: 60, perUser: 10, windowMs } as const;

export const wrongMfaCode = () =>
  errors.badRequest("The code is not right, or it was already used.");
export const invalidMfaToken = () =>
  errors.badRequest("The MFA token is invalid or has expired; sign in again.");

/** One call of an MFA endpoint from the caller's IP. No IP (no socket): no shared bucket. */
export async function limitMfaByIp(ctx: Ctx): Promise<void> {
  if (!ctx.request.ip) return;
  await consumeRateLimit(ctx, {
    key: `mfa:ip:${ctx.request.ip}`,
    limit: mfaRateLimits.perIp,
    windowMs,
  });
}

/** One code check against a user, whichever way they came (session or MFA token). */
export async function limitMfaByUser(
  ctx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<void> {
  await consumeRateLimit(ctx, {
    key: `mfa:user:${collection.id}:${subjectId}`,
    limit: mfaRateLimits.perUser,
    windowMs,
  });
}

export type SecondFactor = { kind: "totp"; code: string } | { kind: "recovery"; code: string };

/** A six-digit code from the authenticator (spaces allowed, as apps show "123 456"). */
export function parseTotpCode(value: unknown): string {
  const code = typeof value === "string" ? value.replace(/\s+/g, "") : "";
  if (!/^\d{6}$/.test(code)) {
    throw errors.validation({
      code: { code: "invalid", message: "Give the six-digit code from the authenticator app." },
    });
  }
  return code;
}

/** `code` (authenticator) or `recoveryCode`, exactly one. */
export function parseSecondFactor(input: { code?: unknown; recoveryCode?: unknown }): SecondFactor {
  const hasRecovery = input.recoveryCode !== undefined && input.recoveryCode !== null;
  if (hasRecovery && input.code !== undefined && input.code !== null) {
    throw errors.badRequest("Give either code or recoveryCode, not both.");
  }
  if (hasRecovery) {
    if (typeof input.recoveryCode !== "string" || input.recoveryCode.length > 64) {
      throw errors.validation({
        recoveryCode: { code: "invalid", message: "Give one of your recovery codes." },
      });
    }
    return { kind: "recovery", code: input.recoveryCode };
  }
  return { kind: "totp", code: parseTotpCode(input.code) };
}
