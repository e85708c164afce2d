import { schema } from "@cairn/db";
import { desc } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { type BackupInfo, requireBackupAdmin, toBackupInfo } from "./backup-shared.js";

/** Every backup this instance recorded, newest first (a handful: retention keeps it short). */
export async function listBackups({ ctx }: { ctx: Ctx }): Promise<BackupInfo[]> {
  requireBackupAdmin(ctx);
  const rows = await ctx.db.select().from(schema.backups).orderBy(desc(schema.backups.started));
  return rows.map(toBackupInfo);
}
