import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { validateValue } from "../records/record-validate.js";
import { findUserByEmail, findUserById } from "./auth-collection.js";
import { mailFlowLink } from "./auth-mail.js";
import { requireUser } from "./current-user.js";
import { consumeRateLimit } from "./rate-limit.js";

export const emailChangeTtlMs = 60 * 60 * 1000;

/** Mails a confirmation link to the new address; the email changes only once it is used. */
export async function requestEmailChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; newEmail: unknown };
}): Promise<void> {
  const { collection, userId } = await requireUser(ctx, input.collection);
  const emailField = collection.fields.find((f) => f.name === "email")!;
  const problems: Record<string, { code: string; message: string }> = {};
  const newEmail = validateValue(
    emailField,
    input.newEmail ?? "",
    "newEmail",
    (key, code, message) => {
      problems[key] = { code, message };
    },
  );
  if (typeof newEmail !== "string" || newEmail === "" || Object.keys(problems).length > 0) {
    throw errors.validation(
      Object.keys(problems).length > 0
        ? problems
        : { newEmail: { code: "required", message: "Is required." } },
    );
  }
  await consumeRateLimit(ctx, {
    key: `email-change:${collection.id}:${userId}`,
    limit: 5,
    windowMs: 3_600_000,
  });
  // Say nothing about who owns the address: the confirmation refuses a taken one.
  const taken = await findUserByEmail(ctx, collection, newEmail);
  if (taken) return;
  const user = (await findUserById(ctx, collection, userId))!;
  await mailFlowLink(ctx, {
    collection,
    user,
    to: newEmail,
    kind: "change_email",
    ttlMs: emailChangeTtlMs,
    page: "confirm-email-change",
    template: "emailChange",
  });
}
