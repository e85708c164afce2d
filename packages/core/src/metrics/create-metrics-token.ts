// Generates a new /metrics scrape token, replacing any previous one at once, and turns /metrics
// on. The token is returned here only; the database keeps its SHA-256. Superusers only.
import { type Ctx, withTransaction } from "../context.js";
import { getSetting, putSetting } from "../settings/settings-store.js";
import {
  generateMetricsToken,
  type MetricsSettingsView,
  metricsSettingsView,
  metricsTokenHash,
  requireMetricsAdmin,
} from "./metrics-settings.js";

export async function createMetricsToken({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ token: string; settings: MetricsSettingsView }> {
  requireMetricsAdmin(ctx);
  const token = generateMetricsToken();
  return withTransaction(ctx, async (tx) => {
    const current = await getSetting(tx, "metrics");
    const next = {
      ...current,
      enabled: true,
      tokenHash: metricsTokenHash(token),
      tokenCreated: tx.now().toISOString(),
    };
    await putSetting(tx, "metrics", next);
    tx.log.info({ replaced: current.tokenHash !== "" }, "metrics scrape token generated");
    return { token, settings: metricsSettingsView(next) };
  });
}
