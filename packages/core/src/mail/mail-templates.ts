// The mails the auth flows send. Each template is overridable at runtime (setting
// "mailTemplates"); placeholders are {{appName}}, {{link}}, {{code}}, {{email}}. Values are
// HTML-escaped in the html part.
import { z } from "zod";

export const mailTemplateNames = [
  "verification",
  "passwordReset",
  "emailChange",
  "otp",
  "test",
] as const;
export type MailTemplateName = (typeof mailTemplateNames)[number];
export const mailTemplateNameSchema = z.enum(mailTemplateNames);

export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

const wrap = (body: string) =>
  `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#0f172a">${body}<p style="color:#64748b;font-size:13px">If you did not ask for this, you can ignore this mail.</p></body></html>`;

export const defaultTemplates: Record<MailTemplateName, MailTemplate> = {
  verification: {
    subject: "Verify your email for {{appName}}",
    text: "Confirm that {{email}} is your address by opening this link:\n\n{{link}}\n\nThe link works once and expires in 3 days.",
    html: wrap(
      '<p>Confirm that {{email}} is your address.</p><p><a href="{{link}}">Verify my email</a></p><p>The link works once and expires in 3 days.</p>',
    ),
  },
  passwordReset: {
    subject: "Reset your {{appName}} password",
    text: "Choose a new password here:\n\n{{link}}\n\nThe link works once and expires in 1 hour.",
    html: wrap(
      '<p>Someone asked to reset the password of {{email}}.</p><p><a href="{{link}}">Choose a new password</a></p><p>The link works once and expires in 1 hour.</p>',
    ),
  },
  emailChange: {
    subject: "Confirm your new email for {{appName}}",
    text: "Confirm {{email}} as your new address:\n\n{{link}}\n\nThe link works once and expires in 1 hour.",
    html: wrap(
      '<p>Confirm {{email}} as your new address.</p><p><a href="{{link}}">Confirm the new email</a></p><p>The link works once and expires in 1 hour.</p>',
    ),
  },
  otp: {
    subject: "Your {{appName}} sign-in code: {{code}}",
    text: "Your code is {{code}}. It expires in 10 minutes.\n\nOr sign in with this link: {{link}}",
    html: wrap(
      '<p>Your code is</p><p style="font-size:28px;font-weight:700;letter-spacing:4px">{{code}}</p><p>It expires in 10 minutes.</p><p>Or <a href="{{link}}">sign in with this link</a>.</p>',
    ),
  },
  test: {
    subject: "{{appName}}: test mail",
    text: "This is a test mail from {{appName}}. Mail works.",
    html: wrap("<p>This is a test mail from {{appName}}. Mail works.</p>"),
  },
};

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function renderTemplate(template: MailTemplate, vars: Record<string, string>): MailTemplate {
  const fill = (text: string, html: boolean) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const value = vars[name] ?? "";
      return html ? escapeHtml(value) : value;
    });
  return {
    subject: fill(template.subject, false),
    text: fill(template.text, false),
    html: fill(template.html, true),
  };
}
