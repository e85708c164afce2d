// Schema as code: the whole schema as one JSON document, and the plan that turns the live
// schema into it. Collections match by id (so renames are renames), else by name.
import { createHash } from "node:crypto";
import type { Collection } from "@cairn/schema";
import { z } from "zod";
import { CairnError, errors, isCairnError } from "../errors.js";
import { lookupAfter, planChange, type SchemaAction } from "./collection-apply.js";
import type { SchemaStep } from "./collection-ddl.js";
import { normalizeCollection } from "./collection-normalize.js";
import type { CollectionLookup } from "./collection-registry.js";

export const schemaDocumentSchema = z.object({
  version: z.literal(1),
  collections: z.array(z.record(z.string(), z.unknown())).max(1000),
});
export type SchemaDocument = { version: 1; collections: Omit<Collection, "created" | "updated">[] };

/** Relation targets before the collections that use them, then by name: a stable document. */
/**
 * A fingerprint of the live schema: a plan carries the one it was made against, and applying it
 * with that version refuses if anyone changed the schema in between.
 */
export function schemaVersion(lookup: CollectionLookup): string {
  return createHash("sha256")
    .update(JSON.stringify(toDocument(lookup)))
    .digest("hex")
    .slice(0, 32);
}

export function toDocument(lookup: CollectionLookup): SchemaDocument {
  const remaining = [...lookup.all()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const ordered: Collection[] = [];
  while (remaining.length > 0) {
    const index = remaining.findIndex((c) =>
      c.fields.every(
        (f) =>
          f.type !== "relation" ||
          f.collection === c.id ||
          !remaining.some((o) => o.id === f.collection),
      ),
    );
    // A cycle: take the first by name; apply orders it again anyway.
    const [next] = remaining.splice(Math.max(index, 0), 1);
    ordered.push(next!);
  }
  return { version: 1, collections: ordered.map(({ created: _c, updated: _u, ...rest }) => rest) };
}

export interface PlannedOperation {
  action: SchemaAction;
  collection: string;
  before: Collection | undefined;
  after: Collection | undefined;
  steps: SchemaStep[];
}

function relationTargets(entry: Record<string, unknown>): string[] {
  const fields = Array.isArray(entry.fields) ? (entry.fields as Record<string, unknown>[]) : [];
  return fields
    .filter((f) => f?.type === "relation" && typeof f.collection === "string")
    .map((f) => f.collection as string);
}

/**
 * The operations that make the live schema equal to the document, in an order that works:
 * targets of relations before the collections pointing at them, deletions last.
 */
export function planDocument(
  current: CollectionLookup,
  input: unknown,
  now: Date,
): PlannedOperation[] {
  const parsed = schemaDocumentSchema.safeParse(input);
  if (!parsed.success)
    throw errors.badRequest(
      `Not a schema document: ${parsed.error.issues[0]?.message ?? "invalid"}.`,
    );
  const entries = parsed.data.collections;
  const keyOf = (entry: Record<string, unknown>) => String(entry.id ?? entry.name ?? "");
  const names = new Set<string>();
  for (const entry of entries) {
    const name = String(entry.name ?? "");
    if (names.has(name.toLowerCase()))
      throw errors.badRequest(`The document has two collections named "${name}".`);
    names.add(name.toLowerCase());
  }

  // Order: a collection comes after the collections (in the document) its relations target.
  const pending = [...entries];
  const ordered: Record<string, unknown>[] = [];
  const placed = new Set<string>();
  while (pending.length > 0) {
    const index = pending.findIndex((entry) =>
      relationTargets(entry).every(
        (target) =>
          target === entry.id ||
          target === entry.name ||
          placed.has(target) ||
          !entries.some((other) => other.id === target || other.name === target),
      ),
    );
    if (index < 0) {
      throw errors.badRequest(
        `Relations among ${pending.map((e) => `"${e.name}"`).join(", ")} form a cycle; apply the document in two steps.`,
      );
    }
    const [entry] = pending.splice(index, 1);
    ordered.push(entry!);
    placed.add(keyOf(entry!));
    if (typeof entry!.name === "string") placed.add(entry!.name);
  }

  const operations: PlannedOperation[] = [];
  let lookup = current;
  const kept = new Set<string>();
  for (const entry of ordered) {
    const existing =
      (typeof entry.id === "string" ? lookup.byId(entry.id) : undefined) ??
      (typeof entry.name === "string" ? lookup.byName(entry.name) : undefined);
    let after: Collection;
    try {
      after = normalizeCollection(entry, { existing, lookup, now });
    } catch (error) {
      throw inEntry(error, entries.indexOf(entry), String(entry.name ?? ""));
    }
    kept.add(after.id);
    const next = lookupAfter(lookup, { before: existing, after });
    const steps = planChange(existing, after, next);
    if (!existing || steps.length > 0 || withoutStamps(existing) !== withoutStamps(after)) {
      operations.push({
        action: existing ? "update" : "create",
        collection: after.name,
        before: existing,
        after,
        steps,
      });
    }
    lookup = next;
  }
  // Deletions: collections pointing at others go first.
  const doomed = current.all().filter((c) => !kept.has(c.id));
  doomed.sort((a, b) => Number(referencesAny(b, doomed)) - Number(referencesAny(a, doomed)));
  for (const before of doomed) {
    const next = lookupAfter(lookup, { before });
    operations.push({
      action: "delete",
      collection: before.name,
      before,
      after: undefined,
      steps: planChange(before, undefined, lookup),
    });
    lookup = next;
  }
  return operations;
}

/** Points a validation error at the document entry it came from. */
function inEntry(error: unknown, index: number, name: string): unknown {
  if (!isCairnError(error)) return error;
  const fields = Object.fromEntries(
    Object.entries(error.fields ?? {}).map(([key, value]) => [
      `collections.${index}.${key}`,
      value,
    ]),
  );
  return new CairnError(error.code, `Collection "${name}": ${error.message}`, {
    fields,
    cause: error,
  });
}

function referencesAny(collection: Collection, others: Collection[]): boolean {
  return collection.fields.some(
    (f) =>
      f.type === "relation" &&
      f.collection !== collection.id &&
      others.some((o) => o.id === f.collection),
  );
}

/** The definition without timestamps, keys sorted (stored JSONB does not keep key order). */
function withoutStamps(collection: Collection): string {
  const { created: _c, updated: _u, ...rest } = collection;
  return JSON.stringify(rest, (_key, value) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
