// Where the record verbs meet the rule language: a collection's rule or a client's filter and
// sort, compiled for the current actor and request.
import type { Collection, RuleName } from "@cairn/schema";
import type { SQL } from "drizzle-orm";
import type { CollectionLookup } from "../collections/collection-registry.js";
import { type Actor, type Ctx, isPrivileged } from "../context.js";
import {
  type CompileScope,
  compileFilterPlan,
  compileRulePlan,
  compileSort,
  parseRule,
  type RequestInfo,
  type RulePlan,
} from "../rules/index.js";
import { recordAlias } from "./record-sql.js";

export type Access =
  | { kind: "allow" }
  | { kind: "deny"; message: string }
  /** readsOnlyRecord: the condition reads only the record's row and the request (compileRulePlan). */
  | { kind: "where"; condition: SQL; plan: RulePlan; readsOnlyRecord: boolean };

const ruleOps: Record<RuleName, "read" | "write"> = {
  listRule: "read",
  viewRule: "read",
  createRule: "write",
  updateRule: "write",
  deleteRule: "write",
};
const ruleVerbs: Record<RuleName, string> = {
  listRule: "list",
  viewRule: "view",
  createRule: "create",
  updateRule: "update",
  deleteRule: "delete",
};

export function requestInfo(ctx: Ctx, body: Record<string, unknown> = {}): RequestInfo {
  return {
    auth:
      ctx.actor.kind === "user"
        ? { ...ctx.actor.record, collectionName: ctx.actor.collectionName }
        : null,
    isSuperuser: isPrivileged(ctx, "", "read") || ctx.actor.kind === "superuser",
    body,
    query: ctx.request.query,
    headers: ctx.request.headers,
    method: ctx.request.method,
  };
}

function scope(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  body?: Record<string, unknown>,
): CompileScope {
  return {
    collection,
    lookup,
    alias: recordAlias,
    request: requestInfo(ctx, body),
    now: ctx.now(),
    allowHiddenFields: isPrivileged(ctx, collection.name, "read"),
  };
}

/** null: superusers only; "": anyone; else the rule as a condition on the record. */
export function ruleAccess(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  rule: RuleName,
  body?: Record<string, unknown>,
): Access {
  if (isPrivileged(ctx, collection.name, ruleOps[rule])) return { kind: "allow" };
  const verb = ruleVerbs[rule];
  if (ctx.actor.kind === "apiKey") {
    return {
      kind: "deny",
      message: `This API key has no scope to ${verb} "${collection.name}" records.`,
    };
  }
  const text = collection[rule];
  if (text === null)
    return { kind: "deny", message: `Only superusers can ${verb} "${collection.name}" records.` };
  if (text.trim() === "") return { kind: "allow" };
  const key = `${collection.id}\0${rule}`;
  const known = conditionsOf.get(ctx.actor)?.get(lookup)?.get(key);
  if (known) return known;
  // Rules may read hidden fields: they are the admin's, not the client's.
  const { condition, plan, readsOnlyRecord, readsOnlyAuth } = compileRulePlan(parseRule(text), {
    ...scope(ctx, collection, lookup, body),
    allowHiddenFields: true,
  });
  const access: Access = { kind: "where", condition, plan, readsOnlyRecord };
  if (readsOnlyAuth && Object.isFrozen(ctx.actor)) keepCondition(ctx.actor, lookup, key, access);
  return access;
}

/**
 * Rule conditions already compiled for an actor, per schema (a new schema is a new lookup). Only
 * those of rules that read nothing of the request but @request.auth, which are the same for all
 * of the actor's requests, and only for frozen actors: the session cache gives a signed-in
 * user's requests one frozen actor object for seconds at a time, so most of them skip compiling
 * their rules, and no one can change that actor under a kept condition.
 */
const conditionsOf = new WeakMap<Actor, WeakMap<CollectionLookup, Map<string, Access>>>();

function keepCondition(actor: Actor, lookup: CollectionLookup, key: string, access: Access) {
  let ofActor = conditionsOf.get(actor);
  if (!ofActor) {
    ofActor = new WeakMap();
    conditionsOf.set(actor, ofActor);
  }
  let ofLookup = ofActor.get(lookup);
  if (!ofLookup) {
    ofLookup = new Map();
    ofActor.set(lookup, ofLookup);
  }
  ofLookup.set(key, access);
}

/** A client's `filter`: the rule language without @request, @collection or hidden fields. */
export function clientFilter(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  filter: string | undefined,
): { condition: SQL; plan: RulePlan } | undefined {
  if (filter === undefined || filter.trim() === "") return undefined;
  return compileFilterPlan(filter, scope(ctx, collection, lookup));
}

export function clientSort(
  ctx: Ctx,
  collection: Collection,
  lookup: CollectionLookup,
  sort: string | undefined,
): SQL[] {
  return compileSort(sort ?? "", scope(ctx, collection, lookup));
}
