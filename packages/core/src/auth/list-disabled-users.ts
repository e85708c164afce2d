// The disabled users of an auth collection, for the admin side: all of them (newest first, in
// pages), or the ones among `ids` (the console asks about the page of users it shows).
import { schema } from "@cairn/db";
import { and, count, desc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { resolveAuthCollection } from "./auth-collection.js";
import { type DisabledUser, present } from "./disable-user.js";
import { assertUserAdmin } from "./disabled-user-store.js";

export const disabledUsersMaxIds = 200;

export async function listDisabledUsers({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string; ids?: string[] | undefined; page?: unknown; perPage?: unknown };
}): Promise<{ items: DisabledUser[]; page: number; perPage: number; totalItems: number }> {
  assertUserAdmin(ctx, "list disabled users");
  const page = positiveInt("page", input.page, 1, 1_000_000);
  const perPage = positiveInt("perPage", input.perPage, 50, 500);
  if (input.ids && input.ids.length > disabledUsersMaxIds) {
    throw errors.validation({
      ids: { code: "invalid", message: `Ask about at most ${disabledUsersMaxIds} ids at once.` },
    });
  }
  const { collection } = await resolveAuthCollection(ctx, input.collection);
  const t = schema.disabledUsers;
  const where = and(
    eq(t.collectionId, collection.id),
    ...(input.ids ? [inArray(t.userId, input.ids.length > 0 ? input.ids : [""])] : []),
  );
  const rows = await ctx.db
    .select()
    .from(t)
    .where(where)
    .orderBy(desc(t.disabledAt), t.userId)
    .limit(perPage)
    .offset((page - 1) * perPage);
  const [total] = await ctx.db.select({ n: count() }).from(t).where(where);
  return { items: rows.map(present), page, perPage, totalItems: Number(total?.n ?? 0) };
}

function positiveInt(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw errors.validation({
      [name]: { code: "invalid", message: `"${name}" is a whole number from 1 to ${max}.` },
    });
  }
  return n;
}
