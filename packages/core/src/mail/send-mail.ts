// Sends a templated mail: through SMTP when an admin configured it, otherwise into the dev
// mailbox (cairn.mailbox) that superusers can read. Logs never carry links, codes or secrets.
import { schema } from "@cairn/db";
import nodemailer from "nodemailer";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { getSetting, type SettingValue } from "../settings/settings-store.js";
import { defaultTemplates, type MailTemplateName, renderTemplate } from "./mail-templates.js";

export interface SentMail {
  via: "smtp" | "mailbox";
  to: string;
  subject: string;
}

export async function sendMail(
  ctx: Ctx,
  input: { to: string; template: MailTemplateName; vars: Record<string, string> },
): Promise<SentMail> {
  const [app, smtp, overrides] = await Promise.all([
    getSetting(ctx, "app"),
    getSetting(ctx, "smtp"),
    getSetting(ctx, "mailTemplates"),
  ]);
  const template = overrides[input.template] ?? defaultTemplates[input.template];
  const mail = renderTemplate(template, { appName: app.name, email: input.to, ...input.vars });
  if (smtp.enabled) {
    await deliver(smtp, { to: input.to, ...mail });
    ctx.log.info({ to: input.to, template: input.template }, "mail sent");
    return { via: "smtp", to: input.to, subject: mail.subject };
  }
  await ctx.db
    .insert(schema.mailbox)
    .values({ to: input.to, template: input.template, at: ctx.now(), ...mail });
  ctx.log.info(
    { to: input.to, template: input.template },
    "mail kept in the dev mailbox (no SMTP configured)",
  );
  return { via: "mailbox", to: input.to, subject: mail.subject };
}

export async function deliver(
  smtp: SettingValue<"smtp">,
  mail: { to: string; subject: string; text: string; html: string },
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.username ? { user: smtp.username, pass: smtp.password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: { name: smtp.fromName, address: smtp.fromAddress }, ...mail });
  } catch (error) {
    throw errors.unavailable(
      `The mail server refused or did not answer: ${(error as Error).message}`,
      error,
    );
  } finally {
    transport.close();
  }
}

/** This server's own URL: links to the pages Cairn serves itself (/_/auth/…). */
export function cairnUrl(ctx: Ctx): string {
  return ctx.baseUrl.replace(/\/+$/, "");
}

/** Base of links into the app: the app's URL when set, else this server's. */
export async function linkBase(ctx: Ctx): Promise<string> {
  const app = await getSetting(ctx, "app");
  return (app.url || ctx.baseUrl).replace(/\/+$/, "");
}
