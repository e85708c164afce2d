// Recovery codes: ten one-use codes shown once at confirmation, kept only as salted SHA-256.
// A code is checked against every unused hash of the user, in constant time, with no early exit.
import { schema } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { and, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../../context.js";
import { newRecordId } from "../../ids.js";

export const recoveryCodeCount = 10;

/** "xxxxx-xxxxx": 50 random bits, base32 (no 0/1/8/9 to misread). */
function generateRecoveryCode(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  const text = encodeBase32LowerCaseNoPadding(bytes).slice(0, 10);
  return `${text.slice(0, 5)}-${text.slice(5)}`;
}

/** Case, spaces and dashes do not matter when a code is typed back. */
function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

function hashRecoveryCode(collectionId: string, subjectId: string, code: string): string {
  const text = `${collectionId}:${subjectId}:${normalizeRecoveryCode(code)}`;
  return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

/** Drops the user's codes and makes ten new ones; returns them (the only time they exist). */
export async function replaceRecoveryCodes(
  tx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<string[]> {
  await deleteRecoveryCodes(tx, collection, subjectId);
  const codes = Array.from({ length: recoveryCodeCount }, generateRecoveryCode);
  await tx.db.insert(schema.mfaRecoveryCodes).values(
    codes.map((code) => ({
      id: newRecordId(),
      collectionId: collection.id,
      subjectId,
      codeHash: hashRecoveryCode(collection.id, subjectId, code),
    })),
  );
  return codes;
}

export async function deleteRecoveryCodes(
  tx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<void> {
  await tx.db
    .delete(schema.mfaRecoveryCodes)
    .where(
      and(
        eq(schema.mfaRecoveryCodes.collectionId, collection.id),
        eq(schema.mfaRecoveryCodes.subjectId, subjectId),
      ),
    );
}

/** Uses a recovery code: true once per code, false for anything else. */
export async function useRecoveryCode(
  tx: Ctx,
  collection: Collection,
  subjectId: string,
  code: string,
): Promise<boolean> {
  if (code.length > 64) return false;
  const t = schema.mfaRecoveryCodes;
  const unused = await tx.db
    .select({ id: t.id, codeHash: t.codeHash })
    .from(t)
    .where(and(eq(t.collectionId, collection.id), eq(t.subjectId, subjectId), isNull(t.usedAt)));
  const wanted = new TextEncoder().encode(hashRecoveryCode(collection.id, subjectId, code));
  let matched: string | undefined;
  for (const row of unused) {
    const equal = constantTimeEqual(new TextEncoder().encode(row.codeHash), wanted);
    if (equal && matched === undefined) matched = row.id;
  }
  if (!matched) return false;
  // Marked used in the statement that checks it is still unused: two requests cannot both use it.
  const used = await tx.db
    .update(t)
    .set({ usedAt: tx.now() })
    .where(and(eq(t.id, matched), isNull(t.usedAt)))
    .returning({ id: t.id });
  return used.length === 1;
}

export async function unusedRecoveryCodeCount(
  ctx: Ctx,
  collection: Collection,
  subjectId: string,
): Promise<number> {
  const t = schema.mfaRecoveryCodes;
  const rows = await ctx.db
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.collectionId, collection.id), eq(t.subjectId, subjectId), isNull(t.usedAt)));
  return rows.length;
}
