// Expands relations in returned records: `expand=author,tags,comments_via_post.author`.
// Each related record is read through its own collection's rules (viewRule for relations,
// listRule for back-relations), so expanding never shows more than a direct request would.

import { queryRows } from "@cairn/db";
import type { Collection, Field } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import { type Ctx, isPrivileged } from "../context.js";
import { errors } from "../errors.js";
import { type ApiRecord, presentRecord, rowToRecord } from "./record-codec.js";
import { type PathTree, parsePathTree } from "./record-paths.js";
import { ruleAccess } from "./record-rules.js";
import { recordAlias, tableSql, textArraySql } from "./record-sql.js";

export const maxExpandDepth = 6;
const maxBackRelationRecords = 1000;

type Tree = PathTree;

export function parseExpand(param: string | undefined): Tree | undefined {
  return parsePathTree(param, { what: "expand", allowStar: false, maxDepth: maxExpandDepth });
}

async function fetchVisible(
  ctx: Ctx,
  target: Collection,
  lookup: CollectionLookup,
  rule: "viewRule" | "listRule",
  where: SQL,
  limit: number,
): Promise<ApiRecord[]> {
  const access = ruleAccess(ctx, target, lookup, rule);
  if (access.kind === "deny") return [];
  const condition = access.kind === "where" ? sql` AND (${access.condition})` : sql``;
  const rows = await queryRows(
    ctx.db,
    sql`SELECT ${sql.identifier(recordAlias)}.* FROM ${tableSql(target)} AS ${sql.identifier(recordAlias)} WHERE (${where})${condition} ORDER BY ${sql.identifier(recordAlias)}."id" LIMIT ${limit}`,
  );
  return rows.map((row) => rowToRecord(target, row));
}

/** Fills `record.expand` in place, to the depth the tree asks for. */
export async function expandRecords(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  records: ApiRecord[],
  tree: Tree,
): Promise<void> {
  if (records.length === 0) return;
  const r = sql.identifier(recordAlias);
  for (const [key, children] of tree) {
    const field = collection.fields.find((f) => f.name === key);
    if (field?.type === "relation") {
      const target = lookup.byId(field.collection);
      if (!target) continue;
      const ids = [...new Set(records.flatMap((rec) => toIds(rec[field.name])))];
      if (ids.length === 0) continue;
      const found = await fetchVisible(
        ctx,
        target,
        lookup,
        "viewRule",
        sql`${r}."id" = ANY(${textArraySql(ids)})`,
        ids.length,
      );
      if (children.size > 0) await expandRecords(ctx, target, lookup, found, children);
      const byId = new Map(found.map((rec) => [rec.id, present(ctx, target, rec)]));
      for (const rec of records) {
        const expanded = field.multiple
          ? toIds(rec[field.name]).flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
          : byId.get(rec[field.name] as string);
        if (expanded !== undefined) setExpand(rec, key, expanded);
      }
      continue;
    }
    const via = /^([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*?)_via_([A-Za-z][A-Za-z0-9_]*)$/.exec(key);
    const source = via ? lookup.byName(via[1]!) : undefined;
    const backField: Field | undefined = source?.fields.find((f) => f.name === via![2]);
    if (!source || backField?.type !== "relation" || backField.collection !== collection.id) {
      throw errors.badRequest(`expand: "${key}" is not a relation of "${collection.name}".`);
    }
    const parentIds = records.map((rec) => rec.id);
    const column = sql`${r}.${sql.identifier(backField.name)}`;
    const where = backField.multiple
      ? sql`${column} && ${textArraySql(parentIds)}`
      : sql`${column} = ANY(${textArraySql(parentIds)})`;
    const found = await fetchVisible(
      ctx,
      source,
      lookup,
      "listRule",
      where,
      maxBackRelationRecords,
    );
    if (children.size > 0) await expandRecords(ctx, source, lookup, found, children);
    for (const rec of records) {
      const related = found.filter((other) => toIds(other[backField.name]).includes(rec.id));
      if (related.length > 0)
        setExpand(
          rec,
          key,
          related.map((other) => present(ctx, source, other)),
        );
    }
  }
}

function toIds(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  return typeof value === "string" && value !== "" ? [value] : [];
}

function setExpand(record: ApiRecord, key: string, value: unknown) {
  record.expand ??= {};
  (record.expand as Record<string, unknown>)[key] = value;
}

function present(ctx: Ctx, collection: Collection, record: ApiRecord): ApiRecord {
  return presentRecord(collection, record, {
    isSuperuser: isPrivileged(ctx, collection.name, "write"),
    viewerId: ctx.actor.kind === "user" ? ctx.actor.id : undefined,
  });
}
