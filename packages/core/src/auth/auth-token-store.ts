// Single-use, expiring tokens for auth flows. Only the SHA-256 of a token is stored; using one
// marks it used in the same statement that finds it, so it works exactly once.
import { schema } from "@cairn/db";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { generateSessionToken, sessionIdOf } from "./session-token.js";

export type AuthTokenKind =
  | "verify_email"
  | "reset_password"
  | "change_email"
  | "otp"
  | "magic_link"
  | "mfa_pending"
  | "oauth_state"
  | "superuser_setup"
  | "file";

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export interface AuthTokenRow {
  kind: string;
  collectionId: string | null;
  subjectId: string | null;
  email: string | null;
  payload: Record<string, unknown>;
  expiresAt: Date;
}

/** Six digits from a CSPRNG, for codes people type. */
export function generateCode(): string {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return String(n! % 1_000_000).padStart(6, "0");
}

export async function issueAuthToken(
  ctx: Ctx,
  input: {
    kind: AuthTokenKind;
    collectionId?: string | null;
    subjectId?: string | null;
    email?: string | null;
    payload?: Record<string, unknown>;
    ttlMs: number;
    /** A six-digit code instead of a long token (one-time codes typed by people). */
    code?: boolean;
    /** Make earlier unused tokens of this kind for the subject unusable. */
    replace?: boolean;
  },
): Promise<IssuedToken> {
  const token = input.code ? generateCode() : generateSessionToken();
  const expiresAt = new Date(ctx.now().getTime() + input.ttlMs);
  if (input.replace && input.subjectId) {
    await ctx.db
      .update(schema.authTokens)
      .set({ usedAt: ctx.now() })
      .where(
        and(
          eq(schema.authTokens.kind, input.kind),
          eq(schema.authTokens.subjectId, input.subjectId),
          isNull(schema.authTokens.usedAt),
        ),
      );
  }
  await ctx.db.insert(schema.authTokens).values({
    // Codes are short: salt their hash with the subject so equal codes do not collide.
    id: tokenId(input.kind, token, input.code ? (input.subjectId ?? input.email ?? "") : ""),
    kind: input.kind,
    collectionId: input.collectionId ?? null,
    subjectId: input.subjectId ?? null,
    email: input.email ?? null,
    payload: input.payload ?? {},
    expiresAt,
    created: ctx.now(),
  });
  return { token, expiresAt };
}

export function tokenId(kind: string, token: string, salt = ""): string {
  return sessionIdOf(`${kind}:${salt}:${token}`);
}

/**
 * Uses a token: returns what it was issued for, or throws 400 (unknown, used, expired or
 * tampered tokens all answer the same). `salt` must match the issuing one for codes.
 */
export async function consumeAuthToken(
  ctx: Ctx,
  input: { kind: AuthTokenKind; token: string; salt?: string },
): Promise<AuthTokenRow> {
  const invalid = () => errors.badRequest("The link or code is invalid or has expired.");
  if (typeof input.token !== "string" || input.token.length > 200 || input.token === "")
    throw invalid();
  const [row] = await ctx.db
    .update(schema.authTokens)
    .set({ usedAt: ctx.now() })
    .where(
      and(
        eq(schema.authTokens.id, tokenId(input.kind, input.token, input.salt ?? "")),
        eq(schema.authTokens.kind, input.kind),
        isNull(schema.authTokens.usedAt),
        gt(schema.authTokens.expiresAt, ctx.now()),
      ),
    )
    .returning();
  if (!row) throw invalid();
  return {
    kind: row.kind,
    collectionId: row.collectionId,
    subjectId: row.subjectId,
    email: row.email,
    payload: row.payload as Record<string, unknown>,
    expiresAt: row.expiresAt,
  };
}
