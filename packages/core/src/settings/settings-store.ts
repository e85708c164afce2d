// Runtime settings an admin changes without a restart (app name and URL, SMTP, mail templates,
// OAuth2 providers), one JSON value per key in cairn.settings, checked by a zod schema on read.
import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.js";

export const appSettingsSchema = z.object({
  name: z.string().min(1).max(100).default("Cairn"),
  /** Where the app lives: links in mails point there. Empty: the server's own URL. */
  url: z.union([z.url({ protocol: /^https?$/ }), z.literal("")]).default(""),
  /**
   * Where auth flows may send users back to (OAuth2 and magic links), as URL prefixes, e.g.
   * "https://app.example.com/" or "myapp://auth". The app URL is always allowed.
   */
  redirectUrls: z.array(z.string().min(1).max(500)).max(50).default([]),
});

export const smtpSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  host: z.string().default(""),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the start (port 465); false: STARTTLS when offered. */
  secure: z.boolean().default(false),
  username: z.string().default(""),
  password: z.string().default(""),
  fromName: z.string().default("Cairn"),
  fromAddress: z.string().default("no-reply@example.com"),
});

export const mailTemplateSchema = z.object({
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(20_000),
  html: z.string().min(1).max(100_000),
});
export const mailTemplatesSettingsSchema = z.record(z.string(), mailTemplateSchema).default({});

export const settingSchemas = {
  app: appSettingsSchema,
  smtp: smtpSettingsSchema,
  mailTemplates: mailTemplatesSettingsSchema,
} as const;
export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.output<(typeof settingSchemas)[K]>;

export async function getSetting<K extends SettingKey>(ctx: Ctx, key: K): Promise<SettingValue<K>> {
  const [row] = await ctx.db.select().from(schema.settings).where(eq(schema.settings.key, key));
  const parsed = settingSchemas[key].safeParse(row?.value ?? {});
  return (parsed.success ? parsed.data : settingSchemas[key].parse({})) as SettingValue<K>;
}

export async function putSetting<K extends SettingKey>(
  ctx: Ctx,
  key: K,
  value: SettingValue<K>,
): Promise<void> {
  await ctx.db
    .insert(schema.settings)
    .values({ key, value, updatedAt: ctx.now() })
    .onConflictDoUpdate({ target: schema.settings.key, set: { value, updatedAt: ctx.now() } });
}
