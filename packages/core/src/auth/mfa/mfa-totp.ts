// TOTP (RFC 6238) the way authenticator apps read it: SHA-1, 30 s steps, 6 digits, one step of
// drift either side. Steps come from the ctx clock, not Date.now(), so tests can move time.
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, verifyHOTP } from "@oslojs/otp";

export const totpPeriodSeconds = 30;
export const totpDigits = 6;
/** Steps accepted either side of now: a phone's clock a little off still works. */
export const totpDriftSteps = 1;

/** A new 160-bit key, base32 (what apps take when typed by hand, and what is stored). */
export function newTotpSecret(): string {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return encodeBase32NoPadding(key);
}

export function totpUri(input: { issuer: string; label: string; secret: string }): string {
  return createTOTPKeyURI(
    input.issuer,
    input.label,
    decodeBase32IgnorePadding(input.secret),
    totpPeriodSeconds,
    totpDigits,
  );
}

export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / totpPeriodSeconds);
}

/**
 * The time step a code belongs to, or undefined. Steps at or before `afterStep` (the last one
 * accepted) are skipped: a code works once. Every step in the window is checked, with no early
 * exit, and each check is constant-time.
 */
export function matchTotp(input: {
  secret: string;
  code: string;
  now: Date;
  afterStep: number | null;
}): number | undefined {
  if (!/^\d{6}$/.test(input.code)) return undefined;
  const key = decodeBase32IgnorePadding(input.secret);
  const current = totpStepAt(input.now);
  let matched: number | undefined;
  for (let step = current - totpDriftSteps; step <= current + totpDriftSteps; step++) {
    const valid = verifyHOTP(key, BigInt(step), totpDigits, input.code);
    const fresh = input.afterStep === null || step > input.afterStep;
    if (valid && fresh && matched === undefined) matched = step;
  }
  return matched;
}
