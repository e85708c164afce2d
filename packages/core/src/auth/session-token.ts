// Session tokens per the Lucia recipe: 160 random bits, base32; only the SHA-256 is stored.
import { createHash } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The SHA-256 of a token (UTF-8), in lower-case hex: what the database keeps. */
export function sessionIdOf(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export const sessionLifetimeMs = 30 * 24 * 60 * 60 * 1000;
