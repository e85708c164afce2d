// Runs a rule in memory against one record (realtime, and anywhere a row is not in SQL's reach).
// Reads related records through a loader and applies the same list-rule guards as the SQL;
// every comparison is rule-values' compareValues, which rule-sql.ts mirrors.
import type { Collection, Field } from "@cairn/schema";
import type { RuleAst } from "./rule-ast.js";
import {
  type BoundCompare,
  bindCompare,
  type ChangedBody,
  type Quant,
  quantify,
  type RequestInfo,
  type Side,
} from "./rule-bind.js";
import {
  fieldValueType,
  isMultiField,
  maxGuardDepth,
  type PathRef,
  type PlanExpr,
  planRule,
  type RulePlan,
  resolveRule,
  type SchemaLookup,
} from "./rule-check.js";
import { parseRule } from "./rule-parser.js";
import {
  compareValues,
  jsonAt,
  jsonEqual,
  lowerAscii,
  parseDate,
  UNCOMPARABLE,
  type Val,
  type ValueType,
} from "./rule-values.js";

/** A record in API form (what the HTTP API returns for it). */
export type RecordData = Record<string, unknown>;

/** Where the evaluator reads other records; each answer in API form. */
export interface RecordLoader {
  get(collection: Collection, id: string): Promise<RecordData | null>;
  /** Every record of a collection (for @collection references). */
  list(collection: Collection): Promise<RecordData[]>;
  /** Records of `source` whose relation `field` holds `targetId`, each once. */
  backRelations(source: Collection, field: string, targetId: string): Promise<RecordData[]>;
}

export interface EvaluateScope {
  collection: Collection;
  lookup: SchemaLookup;
  /** The record the rule is about, in API form. */
  record: RecordData;
  request: RequestInfo;
  now: Date;
  loader: RecordLoader;
  allowRequest?: boolean;
  allowCollectionRefs?: boolean;
  allowHiddenFields?: boolean;
}

/** Whether the rule holds for `scope.record`; throws a 400 CairnError when it does not check. */
export async function evaluateRule(ast: RuleAst, scope: EvaluateScope): Promise<boolean> {
  const plan = planRule(ast, {
    collection: scope.collection,
    lookup: scope.lookup,
    allowRequest: scope.allowRequest,
    allowCollectionRefs: scope.allowCollectionRefs,
    allowHiddenFields: scope.allowHiddenFields,
  });
  return new Evaluator(scope).plan(plan, scope.record, []);
}

interface Frame {
  record: RecordData | null;
  aliases: Map<string, RecordData | null>;
  stack: string[];
}

class Evaluator {
  readonly #bound = new Map<PlanExpr, BoundCompare | boolean>();
  readonly #records = new Map<string, Promise<RecordData | null>>();
  readonly #lists = new Map<string, Promise<RecordData[]>>();
  readonly #back = new Map<string, Promise<RecordData[]>>();
  readonly #guards = new Map<string, Promise<boolean>>();

  constructor(readonly scope: EvaluateScope) {}

  async plan(plan: RulePlan, record: RecordData, stack: string[]): Promise<boolean> {
    // @collection: the expression holds if some choice of one row per alias satisfies it; an
    // alias whose collection shows no rows offers one all-null row (SQL's LEFT JOIN).
    const choices: (RecordData | null)[][] = [];
    for (const { collection } of plan.aliases) {
      const visible: RecordData[] = [];
      for (const row of await this.#list(collection)) {
        if (await this.guard(collection, row, stack)) visible.push(row);
      }
      choices.push(visible.length > 0 ? visible : [null]);
    }
    const chosen: (RecordData | null)[] = [];
    const tryFrom = async (index: number): Promise<boolean> => {
      if (index === choices.length) {
        const aliases = new Map(plan.aliases.map((alias, i) => [alias.name, chosen[i] ?? null]));
        return this.#expr(plan.root, { record, aliases, stack });
      }
      for (const row of choices[index] as (RecordData | null)[]) {
        chosen[index] = row;
        if (await tryFrom(index + 1)) return true;
      }
      return false;
    };
    return tryFrom(0);
  }

  /** Mirrors SqlCompiler.guard: list access to the collection a path passes through. */
  guard(collection: Collection, record: RecordData, stack: string[]): Promise<boolean> {
    if (this.scope.request.isSuperuser) return Promise.resolve(true);
    const rule = collection.listRule;
    if (rule === null) return Promise.resolve(false);
    if (rule.trim() === "") return Promise.resolve(true);
    if (stack.includes(collection.id) || stack.length >= maxGuardDepth)
      return Promise.resolve(false);
    let plan: RulePlan | null;
    try {
      plan = resolveRule(parseRule(rule), { collection, lookup: this.scope.lookup }).plan;
    } catch {
      plan = null;
    }
    if (!plan) return Promise.resolve(false);
    const checked = plan;
    const run = () => this.plan(checked, record, [...stack, collection.id]);
    if (typeof record.id !== "string") return run();
    const key = `${collection.id}\0${record.id}\0${stack.join(",")}`;
    let answer = this.#guards.get(key);
    if (!answer) {
      answer = run();
      this.#guards.set(key, answer);
    }
    return answer;
  }

  async #expr(expr: PlanExpr, frame: Frame): Promise<boolean> {
    if (expr.kind !== "compare") {
      // Short-circuits; the answer does not depend on the order, so SQL may pick another.
      const wanted = expr.kind === "or";
      for (const item of expr.items) if ((await this.#expr(item, frame)) === wanted) return wanted;
      return !wanted;
    }
    let bound = this.#bound.get(expr);
    if (bound === undefined) {
      bound = bindCompare(expr, { request: this.scope.request, now: this.scope.now });
      this.#bound.set(expr, bound);
    }
    if (typeof bound === "boolean") return bound;
    const { op, type } = bound;
    const left = await this.#side(bound.left, type, frame);
    const right = await this.#side(bound.right, type, frame);
    return quantify(left, (a) => quantify(right, (b) => compareValues(op, type, a, b)));
  }

  async #side(
    side: Side,
    type: ValueType,
    frame: Frame,
  ): Promise<{ items: Val[]; quant: Quant | null }> {
    switch (side.kind) {
      case "value":
        return { items: [side.value], quant: null };
      case "values":
        return { items: side.items, quant: side.quant };
      case "changed":
        return { items: [changed(side.field, side.body, frame.record)], quant: null };
      case "path": {
        const raw = await this.#pathValues(side.path, frame);
        if (side.path.modifier === "length") return { items: [raw.length], quant: null };
        const read = (value: unknown) => toVal(type, value, side.path.modifier === "lower");
        if (side.quant === null) return { items: [read(raw[0] ?? null)], quant: null };
        return { items: raw.map(read), quant: side.quant };
      }
    }
  }

  /** The raw values a path reads: one per record reached, lists flattened (SQL's rows). */
  async #pathValues(path: PathRef, frame: Frame): Promise<unknown[]> {
    let current: (RecordData | null)[] = [
      path.root.kind === "record" ? frame.record : (frame.aliases.get(path.root.name) ?? null),
    ];
    for (const step of path.steps) {
      const next: RecordData[] = [];
      for (const record of current) {
        if (!record) continue;
        if (step.kind === "relation") {
          const value = record[step.field.name];
          const ids = step.multiple
            ? [...new Set(Array.isArray(value) ? value.filter((id) => typeof id === "string") : [])]
            : typeof value === "string" && value !== ""
              ? [value]
              : [];
          for (const id of ids) {
            const target = await this.#get(step.target, id);
            if (target && (await this.guard(step.target, target, frame.stack))) next.push(target);
          }
        } else {
          if (typeof record.id !== "string") continue;
          for (const source of await this.#backRelations(step.source, step.field.name, record.id)) {
            if (await this.guard(step.source, source, frame.stack)) next.push(source);
          }
        }
      }
      current = next;
    }
    const values: unknown[] = [];
    for (const record of current) {
      let value = record ? record[path.field.name] : null;
      if (path.json.length > 0) value = jsonAt(value, path.json);
      if (path.json.length === 0 && isMultiField(path.field)) {
        if (Array.isArray(value)) values.push(...value);
      } else {
        values.push(value ?? null);
      }
    }
    return values;
  }

  #get(collection: Collection, id: string): Promise<RecordData | null> {
    const key = `${collection.id}\0${id}`;
    let found = this.#records.get(key);
    if (!found) {
      found = this.scope.loader.get(collection, id);
      this.#records.set(key, found);
    }
    return found;
  }

  #list(collection: Collection): Promise<RecordData[]> {
    let found = this.#lists.get(collection.id);
    if (!found) {
      found = this.scope.loader.list(collection);
      this.#lists.set(collection.id, found);
    }
    return found;
  }

  #backRelations(source: Collection, field: string, targetId: string): Promise<RecordData[]> {
    const key = `${source.id}\0${field}\0${targetId}`;
    let found = this.#back.get(key);
    if (!found) {
      found = this.scope.loader.backRelations(source, field, targetId);
      this.#back.set(key, found);
    }
    return found;
  }
}

/** A record value (API form) as a comparable value; what SQL reads from the column. */
function toVal(type: ValueType, raw: unknown, lower = false): Val {
  switch (type) {
    case "text":
      if (typeof raw !== "string") return null;
      return lower ? lowerAscii(raw) : raw;
    case "number":
      return typeof raw === "number" && Number.isFinite(raw) ? raw : null;
    case "bool":
      return typeof raw === "boolean" ? raw : null;
    case "date":
      return typeof raw === "string" ? parseDate(raw) : null;
    case "json":
      return raw === undefined ? null : (raw as Val);
  }
}

/** Mirrors SqlCompiler's :changed. */
function changed(field: Field, body: ChangedBody, record: RecordData | null): boolean {
  const current = record ? record[field.name] : null;
  switch (body.kind) {
    case "list": {
      if (body.items === UNCOMPARABLE) return true;
      const items = body.items;
      const stored = Array.isArray(current) ? current : [];
      return stored.length !== items.length || stored.some((item, i) => item !== items[i]);
    }
    case "json":
      if (body.value === UNCOMPARABLE) return true;
      return !jsonEqual(current ?? null, body.value ?? null);
    case "scalar": {
      const type = fieldValueType(field);
      return !compareValues("=", type, toVal(type, current), body.value);
    }
  }
}
