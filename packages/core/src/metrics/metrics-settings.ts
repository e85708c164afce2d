// The /metrics scrape token and switch (the `metrics` setting): who may manage them, what the
// admin API shows (never the token or its hash), and how a presented token is checked.
// The token is stored only as its SHA-256 and compared in constant time.
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { requireAdmin } from "../admin-access.js";
import { generateSessionToken } from "../auth/session-token.js";
import type { Ctx } from "../context.js";
import type { SettingValue } from "../settings/settings-store.js";

export type MetricsSettings = SettingValue<"metrics">;

/** What the admin API answers. */
export interface MetricsSettingsView {
  /** Whether GET /metrics answers (it needs a token too). */
  enabled: boolean;
  /** Whether a scrape token has been generated. */
  hasToken: boolean;
  /** When the current token was generated (ISO), or null. */
  tokenCreated: string | null;
}

/** Scrape tokens read as what they are in configs and secret scanners. */
export const metricsTokenPrefix = "cairn_metrics_";

export function generateMetricsToken(): string {
  return `${metricsTokenPrefix}${generateSessionToken()}${generateSessionToken()}`;
}

export function metricsTokenHash(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Whether `token` is the one whose hash is stored; constant time in the token's content. */
export function metricsTokenMatches(token: string, storedHash: string): boolean {
  if (storedHash === "") return false;
  const encoder = new TextEncoder();
  // Both sides are 64 hex characters, so the comparison never leaks a length.
  return constantTimeEqual(encoder.encode(metricsTokenHash(token)), encoder.encode(storedHash));
}

export function metricsSettingsView(settings: MetricsSettings): MetricsSettingsView {
  const hasToken = settings.tokenHash !== "";
  return {
    enabled: settings.enabled && hasToken,
    hasToken,
    tokenCreated: hasToken && settings.tokenCreated !== "" ? settings.tokenCreated : null,
  };
}

/** The scrape token grants a view of the whole server: superusers only (not API keys). */
export function requireMetricsAdmin(ctx: Ctx): void {
  requireAdmin(ctx, { task: "manage metrics", apiKeys: false });
}
