// The request log, newest first, filtered; keyset paging on the id (`before`).
import { schema } from "@cairn/db";
import { and, desc, lt } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import {
  parseRequestLogFilters,
  type RequestLogFilterInput,
  type RequestLogItem,
  requestLogItem,
  requireLogsAdmin,
} from "./request-log-shared.js";

export const maxRequestLogsPerPage = 200;

export async function listRequestLogs({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RequestLogFilterInput & {
    limit?: string | number | undefined;
    before?: string | number | undefined;
  };
}): Promise<{ items: RequestLogItem[]; nextCursor: number | null }> {
  requireLogsAdmin(ctx);
  const { conditions, problems } = parseRequestLogFilters(input);
  const limit = input.limit === undefined || input.limit === "" ? 50 : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxRequestLogsPerPage) {
    problems.limit = {
      code: "invalid",
      message: `Must be a whole number from 1 to ${maxRequestLogsPerPage}.`,
    };
  }
  let before: number | undefined;
  if (input.before !== undefined && input.before !== "") {
    before = Number(input.before);
    if (!Number.isSafeInteger(before) || before < 1) {
      problems.before = { code: "invalid", message: "Must be a log entry id (nextCursor)." };
    }
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  const t = schema.requestLogs;
  if (before !== undefined) conditions.push(lt(t.id, before));
  const rows = await ctx.db
    .select()
    .from(t)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(t.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(requestLogItem);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}
