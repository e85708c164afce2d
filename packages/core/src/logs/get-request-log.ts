// One stored request by its id.
import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type RequestLogItem, requestLogItem, requireLogsAdmin } from "./request-log-shared.js";

export async function getRequestLog({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string | number };
}): Promise<RequestLogItem> {
  requireLogsAdmin(ctx);
  const id = Number(input.id);
  if (!Number.isSafeInteger(id) || id < 1) throw errors.notFound("No such log entry.");
  const [row] = await ctx.db.select().from(schema.requestLogs).where(eq(schema.requestLogs.id, id));
  if (!row) throw errors.notFound("No such log entry.");
  return requestLogItem(row);
}
