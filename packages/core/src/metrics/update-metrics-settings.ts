// Turns /metrics on or off (`{ enabled }`). Turning it on needs a token first; turning it off
// keeps the token, so turning it back on needs no Prometheus change. Superusers only.
import type { FieldError } from "@cairn/schema";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { getSetting, putSetting } from "../settings/settings-store.js";
import {
  type MetricsSettingsView,
  metricsSettingsView,
  requireMetricsAdmin,
} from "./metrics-settings.js";

export async function updateMetricsSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  /** The request body: `{ enabled?: boolean }`. */
  input: { body: unknown };
}): Promise<MetricsSettingsView> {
  requireMetricsAdmin(ctx);
  const body = input.body;
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw errors.badRequest("The body must be a JSON object.");
  const problems: Record<string, FieldError> = {};
  for (const key of Object.keys(body)) {
    if (key !== "enabled")
      problems[key] = { code: "unknown_field", message: `There is no metrics setting "${key}".` };
  }
  const raw = (body as { enabled?: unknown }).enabled;
  if (raw !== undefined && typeof raw !== "boolean")
    problems.enabled = { code: "invalid_type", message: "Must be true or false." };
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  const enabled = raw as boolean | undefined;
  return withTransaction(ctx, async (tx) => {
    const current = await getSetting(tx, "metrics");
    if (enabled === undefined) return metricsSettingsView(current);
    if (enabled && current.tokenHash === "") {
      throw errors.validation({
        enabled: {
          code: "token_required",
          message: "Generate a scrape token first (POST /api/settings/metrics/token).",
        },
      });
    }
    const next = { ...current, enabled };
    await putSetting(tx, "metrics", next);
    tx.log.info({ enabled }, "metrics settings updated");
    return metricsSettingsView(next);
  });
}
