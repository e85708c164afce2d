import type { Ctx } from "../context.js";
import { maskedSecret, requireSuperuser, type Settings } from "./settings-shared.js";
import { getSetting } from "./settings-store.js";

/** Every setting section, secrets masked. */
export async function getSettings({ ctx }: { ctx: Ctx }): Promise<Settings> {
  requireSuperuser(ctx);
  const [app, smtp, mailTemplates, events, logs] = await Promise.all([
    getSetting(ctx, "app"),
    getSetting(ctx, "smtp"),
    getSetting(ctx, "mailTemplates"),
    getSetting(ctx, "events"),
    getSetting(ctx, "logs"),
  ]);
  return {
    app,
    smtp: { ...smtp, password: smtp.password ? maskedSecret : "" },
    mailTemplates,
    events,
    logs,
  };
}
