// Asks for a sign-in mail: a six-digit code and a magic link, both single-use, 10 minutes.
// The answer never says whether the address has an account (see `delivery`).
import type { Collection } from "@cairn/schema";
import type { Ctx } from "../../context.js";
import { linkBase, sendMail } from "../../mail/send-mail.js";
import { findUserByEmail, resolveAuthCollection, type UserRow } from "../auth-collection.js";
import { issueAuthToken } from "../auth-token-store.js";
import { isUserDisabled } from "../disabled-user-store.js";
import { checkRedirectUrl } from "../redirect-url.js";
import { limitOtp, otpTtlMs, parseOtpEmail, requireOtpEnabled } from "./otp-policy.js";

export interface RequestOtpResult {
  /**
   * Issuing the tokens and sending the mail, already started. The transport answers without
   * waiting for it: otherwise a known address would answer later than an unknown one (an SMTP
   * round trip is easy to time), and an SMTP failure would surface for known addresses only.
   * It never rejects; failures are logged (without codes or links).
   */
  delivery: Promise<void>;
}

export async function requestOtp({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; email: unknown; redirectUrl?: unknown };
}): Promise<RequestOtpResult> {
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  requireOtpEnabled(collection);
  const email = parseOtpEmail(input.email);
  // Checked before the account is looked up, so a refused URL answers the same for everyone.
  const redirectUrl =
    input.redirectUrl === undefined || input.redirectUrl === null || input.redirectUrl === ""
      ? undefined
      : await checkRedirectUrl(ctx, String(input.redirectUrl));
  await limitOtp(ctx, { action: "request", collection, email });

  const user = await findUserByEmail(ctx, collection, email);
  // A disabled user gets no mail, and the same answer as an unknown address.
  if (!user?.email || (await isUserDisabled(ctx, collection.id, user.id))) {
    return { delivery: Promise.resolve() };
  }
  // Outside any transaction of the caller's: the work outlives the request.
  const background: Ctx = { ...ctx, db: ctx.database.db, inTransaction: false };
  const delivery = sendSignInMail(background, { collection, user, redirectUrl }).catch(
    (error: unknown) => {
      ctx.log.error(
        {
          collection: collection.name,
          subjectId: user.id,
          reason: error instanceof Error ? error.message : String(error),
        },
        "sign-in code mail failed",
      );
    },
  );
  return { delivery };
}

async function sendSignInMail(
  ctx: Ctx,
  input: { collection: Collection; user: UserRow; redirectUrl: string | undefined },
): Promise<void> {
  const { collection, user } = input;
  const common = {
    collectionId: collection.id,
    subjectId: user.id,
    email: user.email,
    ttlMs: otpTtlMs,
    replace: true,
  };
  const code = await issueCode(ctx, common);
  const link = await issueAuthToken(ctx, { kind: "magic_link", ...common });
  const target = new URL(input.redirectUrl ?? `${await linkBase(ctx)}/`);
  target.searchParams.set("magicToken", link.token);
  await sendMail(ctx, {
    to: user.email!,
    template: "otp",
    vars: { code: code.token, link: target.toString() },
  });
}

/**
 * A code's row id is its salted hash, so the rare new code equal to one the user had before
 * collides with that (used) row: draw again.
 */
async function issueCode(
  ctx: Ctx,
  common: {
    collectionId: string;
    subjectId: string;
    email: string | null;
    ttlMs: number;
    replace: boolean;
  },
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await issueAuthToken(ctx, { kind: "otp", code: true, ...common });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
