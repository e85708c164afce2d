import { schema } from "@cairn/db";
import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { requireSuperuser } from "./settings-shared.js";

export interface AuditEntry {
  id: number;
  at: string;
  action: string;
  actor: string;
  collectionId: string | null;
  subjectId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: unknown;
}

/** Security events, newest first. */
export async function listAuditLog({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    action?: string | undefined;
    subjectId?: string | undefined;
    limit?: number | undefined;
  };
}): Promise<AuditEntry[]> {
  requireSuperuser(ctx);
  const conditions = [
    ...(input.action ? [eq(schema.auditLog.action, input.action)] : []),
    ...(input.subjectId ? [eq(schema.auditLog.subjectId, input.subjectId)] : []),
  ];
  const rows = await ctx.db
    .select()
    .from(schema.auditLog)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(schema.auditLog.id))
    .limit(Math.min(input.limit ?? 100, 1000));
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}
