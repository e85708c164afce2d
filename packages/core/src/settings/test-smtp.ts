import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { deliver } from "../mail/send-mail.js";
import { maskedSecret, requireSuperuser } from "./settings-shared.js";
import { getSetting, settingSchemas } from "./settings-store.js";

/** Checks SMTP settings before saving them: connects and sends the test mail with them. */
export async function testSmtp({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { to: unknown; smtp: unknown };
}): Promise<void> {
  requireSuperuser(ctx);
  const current = await getSetting(ctx, "smtp");
  const parsed = settingSchemas.smtp.safeParse({ ...current, ...(input.smtp as object) });
  if (!parsed.success || typeof input.to !== "string")
    throw errors.badRequest("Send smtp settings and a `to` address.");
  const smtp =
    parsed.data.password === maskedSecret
      ? { ...parsed.data, password: current.password }
      : parsed.data;
  await deliver(smtp, {
    to: input.to,
    subject: "Cairn: SMTP test",
    text: "SMTP works.",
    html: "<p>SMTP works.</p>",
  });
}
