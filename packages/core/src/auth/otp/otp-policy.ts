// The limits of the email code and magic link flow in one place: lifetimes, guesses per code,
// and the rate limits on asking for and checking codes. docs/auth-otp-mfa.md quotes these.
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { authOptionsOf } from "../auth-collection.js";
import { consumeRateLimit } from "../rate-limit.js";

/** Codes and magic links live 10 minutes (the "otp" mail template says so). */
export const otpTtlMs = 10 * 60 * 1000;
/** A code is dead after this many guesses, right or wrong. */
export const otpMaxAttempts = 5;

const windowMs = 15 * 60 * 1000;
export const otpRateLimits = {
  request: { perIp: 20, perEmail: 5, windowMs },
  verify: { perIp: 30, perEmail: 10, windowMs },
  magicLink: { perIp: 30, windowMs },
} as const;

/** Every answer to a bad code or link, whatever the reason, so none of them tells anything. */
export const invalidOtp = () => errors.badRequest("The link or code is invalid or has expired.");

export function requireOtpEnabled(collection: Collection): void {
  if (!authOptionsOf(collection).otp) {
    throw errors.forbidden(
      `Sign-in with email codes is not enabled for "${collection.name}" (auth.otp).`,
    );
  }
}

/**
 * Counts one attempt against the caller's IP and, when given, the email. An unknown client
 * address (no socket, as in `app.request()` tests) is not pooled into one shared bucket:
 * that bucket would let one client lock everyone else out.
 */
export async function limitOtp(
  ctx: Ctx,
  input: {
    action: keyof typeof otpRateLimits;
    collection: Collection;
    email?: string | undefined;
  },
): Promise<void> {
  const limits = otpRateLimits[input.action];
  const prefix = `otp-${input.action}`;
  if (ctx.request.ip) {
    await consumeRateLimit(ctx, {
      key: `${prefix}:ip:${ctx.request.ip}`,
      limit: limits.perIp,
      windowMs: limits.windowMs,
    });
  }
  if (input.email !== undefined && "perEmail" in limits) {
    await consumeRateLimit(ctx, {
      key: `${prefix}:email:${input.collection.id}:${input.email.toLowerCase()}`,
      limit: limits.perEmail,
      windowMs: limits.windowMs,
    });
  }
}

/** A plausible email address, trimmed; the same 400 whether or not an account has it. */
export function parseOtpEmail(value: unknown): string {
  const email = typeof value === "string" ? value.trim() : "";
  if (email.length < 3 || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw errors.validation({
      email: { code: "invalid", message: "Give the email address to send the code to." },
    });
  }
  return email;
}
