// A superuser (or a full-scope API key) disables an app user: every session and every pending
// sign-in token of theirs ends in the same transaction, and no sign-in method works until
// enableUser. Disabling again only updates the reason.
import { schema } from "@cairn/db";
import { and, eq, isNull } from "drizzle-orm";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { audit } from "./audit.js";
import { findUserById, resolveAuthCollection } from "./auth-collection.js";
import { assertUserAdmin, disabledByOf } from "./disabled-user-store.js";
import { revokeSessionsOf } from "./revoke-sessions.js";

export interface DisabledUser {
  userId: string;
  reason: string | null;
  disabledAt: string;
  disabledBy: string;
}

export const disableReasonMaxLength = 500;

export async function disableUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; userId: string; reason?: unknown };
}): Promise<DisabledUser & { sessionsRevoked: number }> {
  assertUserAdmin(ctx, "disable users");
  const reason = parseReason(input.reason);
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  return withTransaction(ctx, async (tx) => {
    const user = await findUserById(tx, collection, input.userId);
    if (!user) throw errors.notFound(`No "${collection.name}" user "${input.userId}".`);
    const t = schema.disabledUsers;
    const [row] = await tx.db
      .insert(t)
      .values({
        collectionId: collection.id,
        userId: user.id,
        reason,
        disabledAt: tx.now(),
        disabledBy: disabledByOf(tx),
      })
      .onConflictDoUpdate({ target: [t.collectionId, t.userId], set: { reason } })
      .returning();
    const sessionsRevoked = await revokeSessionsOf(tx, {
      kind: "user",
      collectionId: collection.id,
      id: user.id,
    });
    // Codes, magic links, pending MFA sign-ins, reset and verification links: all spent.
    const tokens = schema.authTokens;
    await tx.db
      .update(tokens)
      .set({ usedAt: tx.now() })
      .where(
        and(
          eq(tokens.collectionId, collection.id),
          eq(tokens.subjectId, user.id),
          isNull(tokens.usedAt),
        ),
      );
    await audit(tx, {
      action: "auth.user_disabled",
      collectionId: collection.id,
      subjectId: user.id,
      detail: { reason, sessionsRevoked },
    });
    return { ...present(row!), sessionsRevoked };
  });
}

function parseReason(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  // Postgres text cannot hold NUL: refused here rather than failing in the INSERT.
  if (typeof value !== "string" || value.length > disableReasonMaxLength || value.includes("\0")) {
    throw errors.validation({
      reason: {
        code: "invalid",
        message: `A reason is text of at most ${disableReasonMaxLength} characters.`,
      },
    });
  }
  return value.trim() === "" ? null : value.trim();
}

export function present(row: typeof schema.disabledUsers.$inferSelect): DisabledUser {
  return {
    userId: row.userId,
    reason: row.reason,
    disabledAt: row.disabledAt.toISOString(),
    disabledBy: row.disabledBy,
  };
}
