import { schema } from "@cairn/db";
import { count, desc, eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { requireSuperuser } from "./settings-shared.js";

export interface MailboxEntry {
  id: number;
  at: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  template: string;
}

/** The dev mailbox, newest first. */
export async function listMailbox({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { to?: string | undefined; limit?: number | undefined };
}): Promise<{ items: MailboxEntry[]; total: number }> {
  requireSuperuser(ctx);
  const where = input.to ? eq(schema.mailbox.to, input.to) : undefined;
  const rows = await ctx.db
    .select()
    .from(schema.mailbox)
    .where(where)
    .orderBy(desc(schema.mailbox.id))
    .limit(Math.min(input.limit ?? 50, 500));
  const [total] = await ctx.db.select({ n: count() }).from(schema.mailbox).where(where);
  return { items: rows.map((row) => ({ ...row, at: row.at.toISOString() })), total: total?.n ?? 0 };
}
