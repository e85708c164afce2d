// Decides what one subscriber sees of one event: the collection's list rule (`posts/*`) or view
// rule (`posts/<id>`) and the subscription's filter, evaluated in memory against the event's
// record (as it was, for deletes), then the record as presentRecord shows it to that viewer.
// Answers are memoised per event by everything a rule can read about the viewer, so a thousand
// like subscribers cost one evaluation and one JSON encoding. It never widens what a direct
// GET would show: same rules, same presentation, same expand code path.
import { createHash } from "node:crypto";
import { queryRows } from "@cairn/db";
import type { Collection, RuleName } from "@cairn/schema";
import { sql } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import { actorRef, type Ctx, isPrivileged, type Log } from "../context.js";
import type { CairnEvent, RecordEventData } from "../events/event-types.js";
import { type EventCursor, parseCursor } from "../events/read-events.js";
import type { ApiRecord } from "../records/record-codec.js";
import { requestInfo } from "../records/record-rules.js";
import { recordAlias, tableSql } from "../records/record-sql.js";
import { present } from "../records/record-verbs-shared.js";
import {
  compileRule,
  evaluateRule,
  parseRule,
  type RecordLoader,
  type RequestInfo,
  type RuleAst,
} from "../rules/index.js";
import { sseFrame } from "./realtime-frames.js";
import { CollectionTooLarge, eventLoader, type Limiter } from "./realtime-loader.js";
import type { Subscription } from "./realtime-subscriptions.js";

/** Who is watching, as rules see them: fixed for a connection until its actor is refreshed. */
export interface Viewer {
  ctx: Ctx;
  request: RequestInfo;
  /** A digest of everything a rule or presentation can read about the viewer. */
  key: string;
}

export function viewerOf(ctx: Ctx): Viewer {
  const request = requestInfo(ctx);
  const scopes = ctx.actor.kind === "apiKey" ? ctx.actor.scopes : null;
  const key = createHash("sha256")
    .update(JSON.stringify([actorRef(ctx.actor), scopes, request]))
    .digest("base64url")
    .slice(0, 24);
  return { ctx, request, key };
}

export interface AccessDeps {
  /** An anonymous context on the database, for the loader's reads. */
  ctx: Ctx;
  limit: Limiter;
  maxCollectionRecords: number;
  log: Log;
}

const actions = {
  "record.created": "create",
  "record.updated": "update",
  "record.deleted": "delete",
} as const;

/** One event as it fans out: its collection, its loader and the answers shared by subscribers. */
export class EventScope {
  readonly cursor: EventCursor;
  readonly collection: Collection | undefined;
  readonly action: "create" | "update" | "delete" | undefined;
  readonly #memo = new Map<string, Promise<unknown>>();
  readonly #warned = new Set<string>();
  #loader: RecordLoader | undefined;

  constructor(
    readonly event: CairnEvent,
    readonly lookup: CollectionLookup,
    readonly deps: AccessDeps,
  ) {
    this.cursor = parseCursor(event.cursor)!;
    this.action = actions[event.type as keyof typeof actions];
    this.collection =
      this.action && event.collectionId ? lookup.byId(event.collectionId) : undefined;
  }

  get record(): ApiRecord {
    return (this.event.data as RecordEventData).record;
  }

  loader(): RecordLoader {
    this.#loader ??= eventLoader(this.deps.ctx, {
      limit: this.deps.limit,
      maxCollectionRecords: this.deps.maxCollectionRecords,
    });
    return this.#loader;
  }

  /** Logs a problem once per event, however many subscribers run into it. */
  warn(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.deps.log.warn({ ...fields, cursor: this.event.cursor }, message);
  }

  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let hit = this.#memo.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = make();
      this.#memo.set(key, hit);
    }
    return hit;
  }
}

/** Whether a subscription's topic names this event (no rules yet: cheap, synchronous). */
export function topicMatches(subscription: Subscription, scope: EventScope): boolean {
  return (
    scope.collection !== undefined &&
    subscription.collectionId === scope.collection.id &&
    (subscription.recordId === undefined || subscription.recordId === scope.event.recordId)
  );
}

/** The `change` frame this viewer gets for the event, or undefined when nothing is theirs. */
export async function changeFrame(
  viewer: Viewer,
  subscriptions: Iterable<Subscription>,
  scope: EventScope,
): Promise<Uint8Array | undefined> {
  const collection = scope.collection;
  if (!collection || !scope.action) return undefined;
  const matches: { subscription: Subscription; key: string; json: string }[] = [];
  for (const subscription of subscriptions) {
    if (!topicMatches(subscription, scope)) continue;
    try {
      const rule: RuleName = subscription.recordId === undefined ? "listRule" : "viewRule";
      if (!(await ruleAllows(viewer, scope, collection, rule))) continue;
      if (subscription.filterAst && !(await filterHolds(viewer, scope, collection, subscription)))
        continue;
      const { key, json } = await presented(viewer, scope, collection, subscription);
      matches.push({ subscription, key, json });
    } catch (error) {
      // A rule or filter that no longer checks (the schema changed): the safe answer is no.
      scope.warn(
        subscription.topic,
        { err: error, collection: collection.name, topic: subscription.topic },
        "realtime: could not decide an event for a subscriber; not sent",
      );
    }
  }
  if (matches.length === 0) return undefined;
  const frameKey = matches.map((m) => `${m.subscription.id}\0${m.subscription.topic}\0${m.key}`);
  return scope.memo(`frame\0${frameKey.join("\0\0")}`, async () => {
    const items = matches.map(
      (m) =>
        `{"subscription":${JSON.stringify(m.subscription.id)},"topic":${JSON.stringify(m.subscription.topic)},"record":${m.json}}`,
    );
    const data = `{"action":"${scope.action}","collection":${JSON.stringify(collection.name)},"matches":[${items.join(",")}]}`;
    return sseFrame({ event: "change", id: scope.event.cursor, data });
  });
}

function ruleAllows(
  viewer: Viewer,
  scope: EventScope,
  collection: Collection,
  rule: RuleName,
): Promise<boolean> {
  if (isPrivileged(viewer.ctx, collection.name, "read")) return Promise.resolve(true);
  if (viewer.ctx.actor.kind === "apiKey") return Promise.resolve(false);
  const text = collection[rule];
  if (text === null) return Promise.resolve(false);
  if (text.trim() === "") return Promise.resolve(true);
  return scope.memo(`${rule}\0${viewer.key}`, () =>
    holds(viewer, scope, collection, parseRule(text), { allowHiddenFields: true }),
  );
}

function filterHolds(
  viewer: Viewer,
  scope: EventScope,
  collection: Collection,
  subscription: Subscription,
): Promise<boolean> {
  return scope.memo(`filter\0${viewer.key}\0${subscription.filter}`, () =>
    holds(viewer, scope, collection, subscription.filterAst!, {
      allowRequest: false,
      allowCollectionRefs: false,
      allowHiddenFields: viewer.request.isSuperuser,
    }),
  );
}

interface RuleOptions {
  allowRequest?: boolean;
  allowCollectionRefs?: boolean;
  allowHiddenFields?: boolean;
}

/**
 * In memory first (relations through the event's shared loader). A rule that would load a
 * whole large collection (`@collection.*`, a huge back-relation) is compiled to SQL instead and
 * run against the event's record as a row value, so the answer is the same either way.
 */
async function holds(
  viewer: Viewer,
  scope: EventScope,
  collection: Collection,
  ast: RuleAst,
  options: RuleOptions,
): Promise<boolean> {
  const now = viewer.ctx.now();
  try {
    return await evaluateRule(ast, {
      collection,
      lookup: scope.lookup,
      record: scope.record,
      request: viewer.request,
      now,
      loader: scope.loader(),
      ...options,
    });
  } catch (error) {
    if (!(error instanceof CollectionTooLarge)) throw error;
  }
  const condition = compileRule(ast, {
    collection,
    lookup: scope.lookup,
    alias: recordAlias,
    request: viewer.request,
    now,
    ...options,
  });
  const r = sql.identifier(recordAlias);
  const rows = await scope.deps.limit(() =>
    queryRows(
      scope.deps.ctx.db,
      sql`SELECT 1 AS ok FROM jsonb_populate_record(NULL::${tableSql(collection)}, ${JSON.stringify(scope.record)}::text::jsonb) AS ${r} WHERE ${condition}`,
    ),
  );
  return rows.length > 0;
}

/** The record as a direct GET with the subscription's expand and fields would answer it. */
async function presented(
  viewer: Viewer,
  scope: EventScope,
  collection: Collection,
  subscription: Subscription,
): Promise<{ key: string; json: string }> {
  const privileged = isPrivileged(viewer.ctx, collection.name, "read");
  const actor = viewer.ctx.actor;
  // Only auth collections show a viewer something of their own (their email).
  const self = collection.type === "auth" && actor.kind === "user" ? actor.id : "";
  const expand = subscription.expand ? `${viewer.key}\0${subscription.expand}` : "";
  const key = `present\0${privileged ? 1 : 0}\0${self}\0${subscription.fields ?? ""}\0${expand}`;
  const json = await scope.memo(key, async () => {
    const copy = { ...scope.record };
    const options = { expand: subscription.expand, fields: subscription.fields };
    const run = () => present(viewer.ctx, collection, scope.lookup, [copy], options);
    const [record] = subscription.expand ? await scope.deps.limit(run) : await run();
    return JSON.stringify(record);
  });
  return { key, json };
}
