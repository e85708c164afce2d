// Reads whether /metrics is on and whether a scrape token exists; never the token or its hash.
// Superusers only.
import type { Ctx } from "../context.js";
import { getSetting } from "../settings/settings-store.js";
import {
  type MetricsSettingsView,
  metricsSettingsView,
  requireMetricsAdmin,
} from "./metrics-settings.js";

export async function getMetricsSettings({ ctx }: { ctx: Ctx }): Promise<MetricsSettingsView> {
  requireMetricsAdmin(ctx);
  return metricsSettingsView(await getSetting(ctx, "metrics"));
}
