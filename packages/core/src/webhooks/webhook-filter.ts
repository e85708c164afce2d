// An endpoint's filter: the rule language, checked on save against the collections its event
// patterns name, and run in memory (evaluateRule, the same AST the SQL compiler uses) against
// each event's record at fan-out. Admins write it, so hidden fields are readable; there is no
// request, so @request.* and @collection.* are not.
import { queryRows } from "@cairn/db";
import type { Collection } from "@cairn/schema";
import { sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Ctx } from "../context.js";
import { isCairnError } from "../errors.js";
import type { AuthEventData, CairnEvent, RecordEventData } from "../events/event-types.js";
import { rowToRecord } from "../records/record-codec.js";
import { tableSql } from "../records/record-sql.js";
import {
  checkRule,
  evaluateRule,
  parseRule,
  type RecordData,
  type RecordLoader,
  type RequestInfo,
  type RuleAst,
  type RuleProblem,
  RuleSyntaxError,
} from "../rules/index.js";

const filterOptions = { allowRequest: false, allowCollectionRefs: false, allowHiddenFields: true };

/** The problems of `text` for each collection (all must accept it); syntax alone without any. */
export function checkWebhookFilter(
  text: string,
  collections: readonly Collection[],
  lookup: CollectionLookup,
): { collection?: string; problem: RuleProblem } | undefined {
  if (collections.length === 0) {
    try {
      parseRule(text);
      return undefined;
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      const { reason: message, offset, line, column } = error;
      return { problem: { message, offset, end: offset, line, column } };
    }
  }
  for (const collection of collections) {
    const [problem] = checkRule(text, { collection, lookup, ...filterOptions });
    if (problem) return { collection: collection.name, problem };
  }
  return undefined;
}

const noRequest: RequestInfo = {
  auth: null,
  isSuperuser: true,
  body: {},
  query: {},
  headers: {},
  method: "POST",
};

/**
 * Whether the event passes the filter. An event whose collection the filter does not fit (a
 * field it lacks, with a wildcard pattern) or that has no record does not pass.
 */
export async function passesFilter(
  ctx: Ctx,
  ast: RuleAst,
  event: CairnEvent,
  lookup: CollectionLookup,
): Promise<boolean> {
  const collection = event.collectionId ? lookup.byId(event.collectionId) : undefined;
  if (!collection) return false;
  const loader = databaseLoader(ctx);
  let record: RecordData | null | undefined = (event.data as RecordEventData | AuthEventData)
    .record;
  if (!record && event.recordId) record = await loader.get(collection, event.recordId);
  if (!record) return false;
  try {
    return await evaluateRule(ast, {
      collection,
      lookup,
      record,
      request: noRequest,
      now: ctx.now(),
      loader,
      ...filterOptions,
    });
  } catch (error) {
    if (isCairnError(error)) return false;
    throw error;
  }
}

/** Related records for relation paths in a filter, read as they are now. */
function databaseLoader(ctx: Ctx): RecordLoader {
  const read = async (collection: Collection, where: ReturnType<typeof sql>) =>
    (
      await queryRows(ctx.db, sql`SELECT * FROM ${tableSql(collection)} WHERE ${where} LIMIT 1000`)
    ).map((row) => rowToRecord(collection, row));
  return {
    get: async (collection, id) => (await read(collection, sql`"id" = ${id}`))[0] ?? null,
    list: (collection) => read(collection, sql`true`),
    backRelations: (source, field, targetId) => {
      const definition = source.fields.find((f) => f.name === field);
      const multiple = definition && "multiple" in definition && definition.multiple;
      const column = sql.identifier(field);
      return read(
        source,
        multiple ? sql`${targetId}::text = ANY(${column})` : sql`${column} = ${targetId}`,
      );
    },
  };
}
