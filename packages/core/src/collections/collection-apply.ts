// Applies a planned schema change inside the caller's transaction: checks existing data first
// (refusing with counts rather than failing half-way), runs the DDL, stores the definition and
// records the change in the schema history.
import { queryRows, schema } from "@cairn/db";
import { type Collection, type FieldError, ruleNames } from "@cairn/schema";
import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { checkRule } from "../rules/index.js";
import { pgErrorOf } from "../sql.js";
import { planCreate, planDelete, planUpdate, type SchemaStep } from "./collection-ddl.js";
import { type CollectionLookup, schemaChannel, staticLookup } from "./collection-registry.js";
import { describeView } from "./collection-view.js";

export type SchemaAction = "create" | "update" | "delete";

export function actorLabel(ctx: Ctx): string {
  switch (ctx.actor.kind) {
    case "superuser":
      return `superuser:${ctx.actor.email}`;
    case "user":
      return `user:${ctx.actor.collectionName}/${ctx.actor.id}`;
    default:
      return "system";
  }
}

/** The schema as it would be after replacing (or removing) one collection. */
export function lookupAfter(
  current: CollectionLookup,
  change: { before?: Collection | undefined; after?: Collection | undefined },
): CollectionLookup {
  const id = change.after?.id ?? change.before?.id;
  const list = current.all().filter((c) => c.id !== id);
  if (change.after) list.push(change.after);
  return staticLookup(list);
}

export function planChange(
  before: Collection | undefined,
  after: Collection | undefined,
  lookup: CollectionLookup,
): SchemaStep[] {
  if (!before && after) return planCreate(after, lookup);
  if (before && !after) return planDelete(before, lookup);
  if (before && after) return planUpdate(before, after, lookup);
  return [];
}

/**
 * Every rule in the schema must still compile against it: a renamed field or collection must
 * not leave a rule pointing at nothing.
 */
export function checkRules(changed: Collection | undefined, lookup: CollectionLookup): void {
  const problems: Record<string, FieldError> = {};
  for (const collection of lookup.all()) {
    for (const rule of ruleNames) {
      const text = collection[rule];
      if (!text) continue;
      const [first] = checkRule(text, {
        collection,
        lookup,
        allowRequest: true,
        allowCollectionRefs: true,
      });
      if (!first) continue;
      const where = `line ${first.line}, column ${first.column}`;
      if (collection.id === changed?.id) {
        problems[rule] = { code: "invalid_rule", message: `${first.message} (${where})` };
      } else {
        problems[`${collection.name}.${rule}`] = {
          code: "breaks_rule",
          message: `This change breaks the ${rule} of "${collection.name}": ${first.message} (${where})`,
        };
      }
    }
  }
  if (Object.keys(problems).length > 0)
    throw errors.validation(problems, "Some rules are invalid.");
}

/** Refuses to delete a collection that other collections' relations point at. */
export function checkNotReferenced(collection: Collection, lookup: CollectionLookup): void {
  const users = lookup
    .all()
    .filter((other) => other.id !== collection.id)
    .flatMap((other) =>
      other.fields
        .filter((f) => f.type === "relation" && f.collection === collection.id)
        .map((f) => `${other.name}.${f.name}`),
    );
  if (users.length > 0) {
    throw errors.conflict(
      `"${collection.name}" is the target of ${users.join(", ")}; remove those relation fields first.`,
    );
  }
}

export async function runSteps(ctx: Ctx, steps: SchemaStep[]): Promise<void> {
  const problems: Record<string, FieldError> = {};
  for (const step of steps) {
    for (const check of step.checks) {
      const [row] = await queryRows<{ n: number }>(ctx.db, sql.raw(check.sql));
      const count = Number(row?.n ?? 0);
      if (count > 0)
        problems[check.key] ??= {
          code: "violated_by_data",
          message: check.message.replace("{n}", String(count)),
        };
    }
  }
  if (Object.keys(problems).length > 0) {
    throw errors.validation(
      problems,
      "Existing records do not allow this change; nothing was changed.",
    );
  }
  for (const step of steps) {
    for (const statement of step.statements) {
      try {
        await ctx.db.execute(sql.raw(statement));
      } catch (error) {
        const pg = pgErrorOf(error);
        if (pg?.code === "42P07" || pg?.code === "42710") {
          throw errors.conflict(
            `Something with that name already exists in the database: ${pg.message}`,
          );
        }
        if (pg && /^(42|0A)/.test(pg.code)) {
          throw errors.badRequest(`The database refused the change: ${pg.message}`);
        }
        throw error;
      }
    }
  }
}

/**
 * One collection change, start to end: plan, check the data, run the DDL, store the definition,
 * keep the history. A view's fields are read from the database once the view exists.
 * `checkAllRules: false` leaves the rule check to a caller applying several changes at once.
 */
export async function applyChange(
  tx: Ctx,
  current: CollectionLookup,
  change: { action: SchemaAction; before?: Collection | undefined; after?: Collection | undefined },
  options: { checkAllRules?: boolean } = {},
): Promise<Collection | undefined> {
  const check = options.checkAllRules !== false;
  let { after } = change;
  let lookup = lookupAfter(current, change);
  const isView = after?.type === "view";
  if (check && !isView) checkRules(after, lookup);
  const steps = planChange(change.before, after, change.action === "delete" ? current : lookup);
  await runSteps(tx, steps);
  if (after && isView && (steps.length > 0 || after.fields.length === 0)) {
    after = { ...after, fields: await describeView(tx, after, change.before) };
    lookup = lookupAfter(current, { before: change.before, after });
  }
  if (check && isView) checkRules(after, lookup);
  await recordChange(tx, { action: change.action, before: change.before, after, steps });
  return after;
}

export async function recordChange(
  ctx: Ctx,
  change: {
    action: SchemaAction;
    before?: Collection | undefined;
    after?: Collection | undefined;
    steps: SchemaStep[];
  },
): Promise<void> {
  const subject = (change.after ?? change.before)!;
  if (change.action === "create") {
    await ctx.db.insert(schema.collections).values({
      id: subject.id,
      name: subject.name,
      type: subject.type,
      definition: subject,
      created: new Date(subject.created),
      updated: new Date(subject.updated),
    });
  } else if (change.action === "update") {
    await ctx.db
      .update(schema.collections)
      .set({ name: subject.name, definition: subject, updated: new Date(subject.updated) })
      .where(eq(schema.collections.id, subject.id));
  } else {
    await ctx.db.delete(schema.collections).where(eq(schema.collections.id, subject.id));
  }
  await ctx.db.insert(schema.schemaHistory).values({
    actor: actorLabel(ctx),
    action: change.action,
    collectionId: subject.id,
    collectionName: subject.name,
    before: change.before ?? null,
    after: change.after ?? null,
    steps: change.steps.map(({ description, destructive, statements }) => ({
      description,
      destructive,
      statements,
    })),
  });
  // Every replica's cache (this one's at once, the others' on the NOTIFY at commit).
  await ctx.db.execute(sql`SELECT pg_notify(${schemaChannel}, '')`);
  ctx.afterCommit(() => ctx.collections.invalidate());
}
