// The mail-link flows (verification, password reset, email change) share these two steps:
// find who an address-based request is for, and mail a link to the page that uses the token.
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import type { MailTemplateName } from "../mail/mail-templates.js";
import { cairnUrl, sendMail } from "../mail/send-mail.js";
import { findUserByEmail, type UserRow } from "./auth-collection.js";
import { type AuthTokenKind, issueAuthToken } from "./auth-token-store.js";
import { consumeRateLimit } from "./rate-limit.js";

/**
 * The user a request naming an email is for, after that address's hourly limit; undefined for
 * nonsense or unknown addresses (the caller answers the same either way).
 */
export async function userForMailRequest(
  ctx: Ctx,
  input: { collection: Collection; email: unknown; scope: string },
): Promise<UserRow | undefined> {
  if (typeof input.email !== "string" || input.email.length > 254) return undefined;
  await consumeRateLimit(ctx, {
    key: `${input.scope}:${input.collection.id}:${input.email.toLowerCase()}`,
    limit: 5,
    windowMs: 3_600_000,
  });
  return findUserByEmail(ctx, input.collection, input.email);
}

/** Issues a single-use token (replacing older ones) and mails the link to Cairn's page for it. */
export async function mailFlowLink(
  ctx: Ctx,
  input: {
    collection: Collection;
    user: UserRow;
    to: string;
    kind: AuthTokenKind;
    ttlMs: number;
    page: "confirm-verification" | "confirm-password-reset" | "confirm-email-change";
    template: MailTemplateName;
  },
): Promise<void> {
  const { token } = await issueAuthToken(ctx, {
    kind: input.kind,
    collectionId: input.collection.id,
    subjectId: input.user.id,
    email: input.to,
    ttlMs: input.ttlMs,
    replace: true,
  });
  const collection = encodeURIComponent(input.collection.name);
  const link = `${cairnUrl(ctx)}/_/auth/${input.page}?collection=${collection}&token=${token}`;
  await sendMail(ctx, { to: input.to, template: input.template, vars: { link, token } });
}
