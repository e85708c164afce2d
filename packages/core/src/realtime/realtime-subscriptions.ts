// What a realtime client asks for: topics (`posts/*`, `posts/<id>`), each with an optional
// filter, expand and fields, checked against the schema and the actor's rules before anything
// flows. A problem names the subscription it is about (`fields["subscriptions.2"]`), so a client
// can drop that one and keep the rest.
import type { Collection, FieldError } from "@cairn/schema";
import type { CollectionLookup } from "../collections/collection-registry.js";
import type { Ctx } from "../context.js";
import { CairnError, errors, isCairnError } from "../errors.js";
import { recordIdPattern } from "../ids.js";
import { parseExpand } from "../records/record-expand.js";
import { parseFields } from "../records/record-fields.js";
import type { PathTree } from "../records/record-paths.js";
import { clientFilter, ruleAccess } from "../records/record-rules.js";
import { parseRule, type RuleAst } from "../rules/index.js";

export interface Subscription {
  /** The client's name for it (default: the topic); deliveries name it. */
  id: string;
  topic: string;
  /** By id, so a renamed collection keeps its subscribers. */
  collectionId: string;
  /** Set for `<collection>/<id>` topics (view rule); unset for `<collection>/*` (list rule). */
  recordId: string | undefined;
  filter: string | undefined;
  filterAst: RuleAst | undefined;
  expand: string | undefined;
  fields: string | undefined;
}

const maxIdLength = 100;
const maxTopicLength = 200;

/** Checks a whole subscription set for `ctx.actor`; all of it is valid or none is taken. */
export async function checkSubscriptions(
  ctx: Ctx,
  raw: unknown,
  options: { max: number },
): Promise<Subscription[]> {
  if (!Array.isArray(raw)) {
    throw errors.badRequest(
      'subscriptions must be a list of { topic, filter?, expand?, fields?, id? } objects, e.g. [{ "topic": "posts/*" }].',
    );
  }
  if (raw.length > options.max) {
    throw errors.badRequest(`At most ${options.max} subscriptions per client (got ${raw.length}).`);
  }
  const lookup = await ctx.collections.current(ctx.db);
  const out: Subscription[] = [];
  const seen = new Set<string>();
  for (const [index, item] of raw.entries()) {
    const key = `subscriptions.${index}`;
    let subscription: Subscription;
    try {
      subscription = checkOne(ctx, lookup, item);
    } catch (error) {
      if (!isCairnError(error)) throw error;
      const field: FieldError = { code: fieldCode(error), message: error.message };
      throw new CairnError(error.code, `${key}: ${error.message}`, { fields: { [key]: field } });
    }
    if (seen.has(subscription.id)) {
      throw errors.badRequest(`${key}: the id "${subscription.id}" is used twice.`, {
        [key]: { code: "duplicate", message: `The id "${subscription.id}" is used twice.` },
      });
    }
    seen.add(subscription.id);
    out.push(subscription);
  }
  return out;
}

function fieldCode(error: CairnError): string {
  if (error.code === "NOT_FOUND") return "not_found";
  if (error.code === "FORBIDDEN") return "forbidden";
  return "invalid";
}

function optionalText(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw errors.badRequest(`${name} must be a string.`);
  if (value.length > max) throw errors.badRequest(`${name} is longer than ${max} characters.`);
  return value;
}

function checkOne(ctx: Ctx, lookup: CollectionLookup, item: unknown): Subscription {
  if (item === null || typeof item !== "object" || Array.isArray(item))
    throw errors.badRequest("A subscription is an object with a topic.");
  const input = item as Record<string, unknown>;
  const topic = optionalText(input.topic, "topic", maxTopicLength);
  const match = topic ? /^([^/]+)\/(.+)$/.exec(topic) : null;
  if (!topic || !match || (match[2] !== "*" && !recordIdPattern.test(match[2]!))) {
    throw errors.badRequest(
      `The topic ${JSON.stringify(topic ?? "")} is not "<collection>/*" or "<collection>/<record id>".`,
    );
  }
  const collection = lookup.byName(match[1]!) ?? lookup.byId(match[1]!);
  if (!collection) throw errors.notFound(`No collection "${match[1]}".`);
  if (collection.type === "view") {
    throw errors.badRequest(
      `"${collection.name}" is a view collection: it has no changes to follow.`,
    );
  }
  const recordId = match[2] === "*" ? undefined : match[2];
  const access = ruleAccess(ctx, collection, lookup, recordId ? "viewRule" : "listRule");
  if (access.kind === "deny") throw errors.forbidden(access.message);

  const filter = optionalText(input.filter, "filter", 8192);
  // Compiling it is the check the list endpoint makes: the same 400 for the same mistake.
  if (filter !== undefined) clientFilter(ctx, collection, lookup, filter);
  const expand = optionalText(input.expand, "expand", 2000);
  const expandTree = parseExpand(expand);
  if (expandTree) checkExpand(collection, lookup, expandTree);
  const fields = optionalText(input.fields, "fields", 2000);
  parseFields(fields);
  const id = optionalText(input.id, "id", maxIdLength) ?? topic;
  if ([...id].some((ch) => ch.charCodeAt(0) < 32))
    throw errors.badRequest("id must not hold control characters.");
  return {
    id,
    topic,
    collectionId: collection.id,
    recordId,
    filter,
    filterAst: filter === undefined ? undefined : parseRule(filter),
    expand,
    fields,
  };
}

/** The names expandRecords accepts, checked before any event needs them. */
function checkExpand(collection: Collection, lookup: CollectionLookup, tree: PathTree): void {
  for (const [key, children] of tree) {
    const field = collection.fields.find((f) => f.name === key);
    let target: Collection | undefined;
    if (field?.type === "relation") {
      target = lookup.byId(field.collection);
    } else {
      const via = /^([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*?)_via_([A-Za-z][A-Za-z0-9_]*)$/.exec(
        key,
      );
      const source = via ? lookup.byName(via[1]!) : undefined;
      const back = source?.fields.find((f) => f.name === via![2]);
      if (back?.type === "relation" && back.collection === collection.id) target = source;
    }
    if (!target) {
      throw errors.badRequest(`expand: "${key}" is not a relation of "${collection.name}".`);
    }
    if (children.size > 0) checkExpand(target, lookup, children);
  }
}
