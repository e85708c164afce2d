import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { mailTemplateNameSchema } from "../mail/mail-templates.js";
import { getSettings } from "./get-settings.js";
import { maskedSecret, requireSuperuser, type Settings } from "./settings-shared.js";
import { getSetting, putSetting, type SettingValue, settingSchemas } from "./settings-store.js";

/** Changes the sections given; within a section, keys left out keep their value. */
export async function updateSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Record<string, unknown>;
}): Promise<Settings> {
  requireSuperuser(ctx);
  const problems: Record<string, { code: string; message: string }> = {};
  for (const key of Object.keys(input)) {
    if (!["app", "smtp", "mailTemplates", "events", "logs"].includes(key))
      problems[key] = { code: "unknown_field", message: "No such setting." };
  }
  const next: Partial<Settings> = {};
  for (const key of ["app", "smtp", "mailTemplates", "events", "logs"] as const) {
    if (input[key] === undefined) continue;
    const patch = input[key];
    if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
      problems[key] = { code: "invalid_type", message: "Must be an object." };
      continue;
    }
    const current = await getSetting(ctx, key);
    const merged = key === "mailTemplates" ? { ...current, ...patch } : { ...current, ...patch };
    if (key === "smtp" && (merged as { password?: unknown }).password === maskedSecret) {
      (merged as { password: string }).password = (current as SettingValue<"smtp">).password;
    }
    if (key === "mailTemplates") {
      for (const name of Object.keys(patch)) {
        if (!mailTemplateNameSchema.safeParse(name).success) {
          problems[`mailTemplates.${name}`] = {
            code: "unknown_field",
            message: "No such mail template.",
          };
        }
      }
    }
    const parsed = settingSchemas[key].safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems[[key, ...issue.path.map(String)].join(".")] = {
          code: "invalid",
          message: issue.message,
        };
      }
      continue;
    }
    (next as Record<string, unknown>)[key] = parsed.data;
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  for (const [key, value] of Object.entries(next)) {
    await putSetting(ctx, key as keyof Settings, value as never);
  }
  return getSettings({ ctx });
}
