import { queryRows } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { implies } from "../rules/index.js";
import { type ApiRecord, rowToRecord } from "./record-codec.js";
import { afterCursor, type CursorKey, cursorKeys, nextCursor } from "./record-cursor.js";
import { type Access, clientFilter, clientSort, ruleAccess } from "./record-rules.js";
import { recordAlias, tableSql } from "./record-sql.js";
import { type OutputOptions, present, readAs, resolveCollection } from "./record-verbs-shared.js";

export const defaultPerPage = 30;
export const maxPerPage = 500;

export interface ListRecordsInput extends OutputOptions {
  collection: string;
  page?: number | undefined;
  perPage?: number | undefined;
  sort?: string | undefined;
  filter?: string | undefined;
  /** Skip counting the total (faster on big collections). */
  skipTotal?: boolean | undefined;
  /** Keyset pagination: "" for the first page, then each page's nextCursor. */
  cursor?: string | undefined;
}

export interface RecordPage {
  page: number;
  perPage: number;
  /** -1 when skipTotal was asked. */
  totalItems: number;
  totalPages: number;
  items: ApiRecord[];
  /** In cursor mode: where the next page starts; null after the last page. */
  nextCursor?: string | null;
}

export interface ListQuery {
  rows: SQL;
  count: SQL;
  page: number;
  perPage: number;
  keys: CursorKey[] | undefined;
}

/** The SQL a list runs, for the actor in `ctx` (exported so tests can EXPLAIN it). */
export function buildListQuery(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  access: Access,
  input: ListRecordsInput,
): ListQuery {
  const page = input.page ?? 1;
  const perPage = Math.min(input.perPage ?? defaultPerPage, maxPerPage);
  if (!Number.isSafeInteger(page) || page < 1)
    throw errors.badRequest("page must be a whole number from 1.");
  if (!Number.isSafeInteger(perPage) || perPage < 1)
    throw errors.badRequest("perPage must be a whole number from 1.");
  const offset = (page - 1) * perPage;
  if (!Number.isSafeInteger(offset)) throw errors.badRequest("page is too large.");

  const conditions: SQL[] = [];
  const filter = clientFilter(ctx, collection, lookup, input.filter);
  // A filter that requires one of the rule's alternatives needs no rule condition beside it
  // (implies): the query is then the filter alone, which an index can answer.
  if (access.kind === "where" && !(filter && implies(filter.plan, access.plan))) {
    conditions.push(access.condition);
  }
  if (filter) conditions.push(filter.condition);
  const keys = input.cursor === undefined ? undefined : cursorKeys(collection, input.sort);
  if (keys) {
    if (input.page !== undefined) throw errors.badRequest("Use either page or cursor, not both.");
    const after = afterCursor(keys, input.sort ?? "", input.cursor!);
    if (after) conditions.push(after);
  }
  const where =
    conditions.length > 0
      ? sql` WHERE ${sql.join(
          conditions.map((c) => sql`(${c})`),
          sql` AND `,
        )}`
      : sql``;
  const order = clientSort(ctx, collection, lookup, input.sort);
  const r = sql.identifier(recordAlias);
  const from = sql`${tableSql(collection)} AS ${r}`;
  return {
    rows: sql`SELECT ${r}.* FROM ${from}${where} ORDER BY ${sql.join(order, sql`, `)} LIMIT ${perPage} OFFSET ${offset}`,
    count: sql`SELECT count(*)::int AS n FROM ${from}${where}`,
    page,
    perPage,
    keys,
  };
}

/** Lists the records the list rule lets the actor see, ANDed with the client's filter. */
export async function listRecords({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListRecordsInput;
}): Promise<RecordPage> {
  const { collection, lookup } = await resolveCollection(ctx, input.collection);
  const access = ruleAccess(ctx, collection, lookup, "listRule");
  if (access.kind === "deny") throw errors.forbidden(access.message);
  const query = buildListQuery(ctx, collection, lookup, access, input);
  const { page, perPage, keys } = query;

  return readAs(ctx, collection, async (ctx) => {
    const rows = await queryRows(ctx.db, query.rows);
    let totalItems = -1;
    if (!input.skipTotal && !keys) {
      const [count] = await queryRows<{ n: number }>(ctx.db, query.count);
      totalItems = Number(count?.n ?? 0);
    }
    const records = rows.map((row) => rowToRecord(collection, row));
    const cursor = keys
      ? {
          nextCursor:
            rows.length < perPage
              ? null
              : nextCursor(keys, input.sort ?? "", records[records.length - 1]),
        }
      : {};
    return {
      ...cursor,
      page,
      perPage,
      totalItems,
      totalPages: totalItems < 0 ? -1 : Math.ceil(totalItems / perPage),
      items: await present(ctx, collection, lookup, records, input),
    };
  });
}
