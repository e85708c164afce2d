import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { sendMail } from "../mail/send-mail.js";
import { requireSuperuser } from "./settings-shared.js";

/** Sends the test template to `to`, through SMTP when enabled; SMTP errors come back as 503. */
export async function sendTestMail({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { to: unknown };
}): Promise<{ via: string }> {
  requireSuperuser(ctx);
  if (typeof input.to !== "string" || !/^[^\s@]+@[^\s@]+$/.test(input.to)) {
    throw errors.validation({
      to: { code: "invalid_email", message: "Must be an email address." },
    });
  }
  const sent = await sendMail(ctx, { to: input.to, template: "test", vars: {} });
  return { via: sent.via };
}
