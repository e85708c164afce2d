// Resolves a parsed rule against the schema: every name to a field, relation path or
// back-relation, every comparison to one value type. Its output (the plan) is the only input
// the SQL compiler and the evaluator accept, so both see exactly the same meaning.
import type { Collection, Field } from "@cairn/schema";
import { errors } from "../errors.js";
import type {
  CompareExpr,
  CompareOp,
  Expr,
  LiteralValue,
  MacroName,
  Modifier,
  Operand,
  RuleAst,
  Segment,
} from "./rule-ast.js";
import { positionOf, RuleSyntaxError } from "./rule-lexer.js";
import { parseRule } from "./rule-parser.js";
import { macroValue, parseDate, type Val, type ValueType } from "./rule-values.js";

/** How rules find collections; relation fields hold the target collection's id. */
export interface SchemaLookup {
  byId(id: string): Collection | undefined;
  byName(name: string): Collection | undefined;
}

export interface CheckOptions {
  collection: Collection;
  lookup: SchemaLookup;
  /** `@request.*` may be used (rules: yes; client filters: no). Default true. */
  allowRequest?: boolean;
  /** `@collection.*` may be used (rules: yes; client filters: no). Default true. */
  allowCollectionRefs?: boolean;
  /** Hidden fields may be read (rules: yes; a non-superuser's filter or sort: no). Default true. */
  allowHiddenFields?: boolean;
}

export interface RuleProblem {
  message: string;
  offset: number;
  end: number;
  line: number;
  column: number;
}

/** Longest relation path (relations and back-relations), as in PocketBase. */
export const maxPathSteps = 6;
/**
 * How deep list-rule guards may nest (a relation in a list rule whose target's list rule
 * follows another relation, …). Deeper, and on any cycle, the path yields nothing.
 */
export const maxGuardDepth = 4;
/** Most distinct `@collection` aliases in one expression: the evaluator tries every combination. */
export const maxCollectionAliases = 4;

// The plan -------------------------------------------------------------------------------------

export type PathStep =
  | { kind: "relation"; field: Field; target: Collection; multiple: boolean }
  | { kind: "back"; source: Collection; field: Field; multiple: boolean };

export type ValueModifier = "length" | "each" | "lower";

/** A value read from a record: the rule's own, or an @collection alias's row. */
export interface PathRef {
  kind: "path";
  root: { kind: "record" } | { kind: "alias"; name: string };
  steps: PathStep[];
  /** The field read on the last collection of the path. */
  field: Field;
  /** Keys into a json field (`data.a.0`). */
  json: string[];
  /** Yields a list: through a multiple relation or back-relation, or a multi-valued field. */
  multi: boolean;
  /** The type of one item. */
  type: ValueType;
  modifier: ValueModifier | null;
}

export type RequestSection = "auth" | "body" | "query" | "headers" | "method";

export type PlanOperand =
  | { kind: "literal"; value: Val }
  | { kind: "macro"; name: MacroName }
  | { kind: "request"; section: RequestSection; key: string; modifier: ValueModifier | null }
  | { kind: "isset"; key: string }
  | { kind: "changed"; key: string; field: Field }
  | PathRef;

export interface PlanCompare {
  kind: "compare";
  op: CompareOp;
  any: boolean;
  /** "dynamic": both sides are request values, compared by their runtime types. */
  type: ValueType | "dynamic";
  left: PlanOperand;
  right: PlanOperand;
}

export type PlanExpr = PlanCompare | { kind: "and" | "or"; items: PlanExpr[] };

export interface RulePlan {
  collection: Collection;
  root: PlanExpr;
  /** @collection aliases; each denotes one row of its collection for the whole expression. */
  aliases: { name: string; collection: Collection }[];
}

/** Whether a plan reads only its record's own fields (and the request): no path leaves the row. */
export function readsOnlyRecord(plan: RulePlan): boolean {
  const local = (operand: PlanOperand) => operand.kind !== "path" || operand.steps.length === 0;
  const walk = (expr: PlanExpr): boolean =>
    expr.kind === "compare" ? local(expr.left) && local(expr.right) : expr.items.every(walk);
  return plan.aliases.length === 0 && walk(plan.root);
}

/**
 * Whether a plan reads nothing of the request but @request.auth: no body (@request.body, isset,
 * changed), query, headers or method, and no time macro. Its condition is then the same for
 * every request of one actor.
 */
export function readsOnlyAuth(plan: RulePlan): boolean {
  const ok = (operand: PlanOperand) =>
    operand.kind === "literal" ||
    operand.kind === "path" ||
    (operand.kind === "request" && operand.section === "auth");
  const walk = (expr: PlanExpr): boolean =>
    expr.kind === "compare" ? ok(expr.left) && ok(expr.right) : expr.items.every(walk);
  return walk(plan.root);
}

/**
 * Whether every record that passes `filter` passes `rule`, as their structure shows: one of the
 * rule's alternatives (an `||` item, or the whole rule) is a comparison, or an `&&` of
 * comparisons, that the filter itself requires (`&&`). A list filtered by `published = true`
 * under the rule `owner = @request.auth.id || published = true` then needs no rule condition, and
 * Postgres can answer it from an index on `published`. Only comparisons of the record's own fields
 * with literals count: request values, times and relations never do.
 */
export function implies(filter: RulePlan, rule: RulePlan): boolean {
  if (filter.collection !== rule.collection || rule.aliases.length > 0) return false;
  const required = filter.root.kind === "and" ? filter.root.items : [filter.root];
  const isRequired = (expr: PlanExpr) =>
    expr.kind === "compare" && required.some((item) => sameCompare(item, expr));
  const alternatives = rule.root.kind === "or" ? rule.root.items : [rule.root];
  return alternatives.some((alternative) =>
    alternative.kind === "and" ? alternative.items.every(isRequired) : isRequired(alternative),
  );
}

function sameCompare(a: PlanExpr, b: PlanCompare): boolean {
  return (
    a.kind === "compare" &&
    a.op === b.op &&
    a.any === b.any &&
    a.type === b.type &&
    sameOperand(a.left, b.left) &&
    sameOperand(a.right, b.right)
  );
}

function sameOperand(a: PlanOperand, b: PlanOperand): boolean {
  if (a.kind === "literal" && b.kind === "literal") {
    const plain = (value: Val) => value === null || typeof value !== "object";
    return plain(a.value) && plain(b.value) && a.value === b.value;
  }
  if (a.kind === "path" && b.kind === "path") {
    return (
      a.root.kind === "record" &&
      b.root.kind === "record" &&
      a.steps.length === 0 &&
      b.steps.length === 0 &&
      a.field === b.field &&
      a.json.length === b.json.length &&
      a.json.every((key, i) => key === b.json[i]) &&
      a.modifier === b.modifier
    );
  }
  return false;
}

// Fields ---------------------------------------------------------------------------------------

export function fieldValueType(field: Field): ValueType {
  switch (field.type) {
    case "number":
      return "number";
    case "bool":
      return "bool";
    case "date":
    case "autodate":
      return "date";
    case "json":
      return "json";
    default:
      return "text";
  }
}

export function isMultiField(field: Field): boolean {
  return (
    (field.type === "select" || field.type === "relation" || field.type === "file") &&
    field.multiple
  );
}

/** The id column; every collection has it, but a hand-built test schema may not list it. */
export function idField(collection: Collection): Field {
  return (
    collection.fields.find((f) => f.name === "id") ??
    ({ id: "id", name: "id", type: "text", system: true } as Field)
  );
}

// Public API -----------------------------------------------------------------------------------

/** Every problem in a rule (empty: valid). Used by collection saves and the rule-check endpoint. */
export function checkRule(text: string, options: CheckOptions): RuleProblem[] {
  let ast: RuleAst;
  try {
    ast = parseRule(text);
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      return [
        {
          message: error.reason,
          offset: error.offset,
          end: error.offset,
          line: error.line,
          column: error.column,
        },
      ];
    }
    throw error;
  }
  return resolveRule(ast, options).problems;
}

/** The plan of a valid rule; a 400 naming the first problem otherwise. */
export function planRule(ast: RuleAst, options: CheckOptions): RulePlan {
  const { plan, problems } = resolveRule(ast, options);
  const first = problems[0];
  if (first || !plan) {
    throw errors.badRequest(
      first ? `${first.message} (line ${first.line}, column ${first.column})` : "Invalid rule",
    );
  }
  return plan;
}

/**
 * Plans of valid rules, per schema: a plan depends only on the rule, the schema and the options,
 * so a request binds its values to a plan made once. A new schema is a new lookup object, and
 * its plans start afresh (the old ones go with it).
 */
const plans = new WeakMap<SchemaLookup, Map<string, RulePlan>>();
const maxPlansPerSchema = 1_000;

export function resolveRule(
  ast: RuleAst,
  options: CheckOptions,
): { plan: RulePlan | null; problems: RuleProblem[] } {
  const key = [
    options.collection.id,
    options.allowRequest ?? true,
    options.allowCollectionRefs ?? true,
    options.allowHiddenFields ?? true,
    ast.text,
  ].join("\0");
  let cached = plans.get(options.lookup);
  const hit = cached?.get(key);
  if (hit && hit.collection === options.collection) return { plan: hit, problems: [] };
  const resolved = resolvePlan(ast, options);
  if (resolved.plan) {
    if (!cached || cached.size >= maxPlansPerSchema) {
      cached = new Map();
      plans.set(options.lookup, cached);
    }
    cached.set(key, resolved.plan);
  }
  return resolved;
}

function resolvePlan(
  ast: RuleAst,
  options: CheckOptions,
): { plan: RulePlan | null; problems: RuleProblem[] } {
  const resolver = new Resolver(ast.text, options);
  const root = resolver.expr(ast.root);
  const problems = resolver.problems;
  if (problems.length > 0 || !root) return { plan: null, problems };
  return {
    plan: {
      collection: options.collection,
      root,
      aliases: [...resolver.aliases].map(([name, collection]) => ({ name, collection })),
    },
    problems,
  };
}

/** One field path of the collection (sort keys): a PathRef, or a 400 naming the problem. */
export function resolveFieldPath(
  text: string,
  segments: readonly Segment[],
  options: CheckOptions,
): PathRef {
  const resolver = new Resolver(text, options);
  try {
    return resolver.fieldPath(segments);
  } catch (error) {
    if (error instanceof Problem) throw errors.badRequest(error.message);
    throw error;
  }
}

// Resolution -----------------------------------------------------------------------------------

/** What the checker knows of one side of a comparison. */
interface Typed {
  operand: PlanOperand;
  /** "string": a string literal, which adapts to the other side (a date, a json value, …). */
  type: ValueType | "dynamic" | "null" | "string";
  literal: LiteralValue | undefined;
  offset: number;
  end: number;
}

class Problem extends Error {
  constructor(
    readonly at: { offset: number; end?: number },
    message: string,
  ) {
    super(message);
  }
}

const requestSections: readonly RequestSection[] = ["auth", "body", "query", "headers", "method"];
const orderOps: readonly CompareOp[] = [">", ">=", "<", "<="];

class Resolver {
  readonly problems: RuleProblem[] = [];
  readonly aliases = new Map<string, Collection>();

  constructor(
    readonly text: string,
    readonly options: CheckOptions,
  ) {}

  expr(expr: Expr): PlanExpr | null {
    if (expr.kind === "compare") {
      try {
        return this.#compare(expr);
      } catch (error) {
        if (!(error instanceof Problem)) throw error;
        const { line, column } = positionOf(this.text, error.at.offset);
        this.problems.push({
          message: error.message,
          offset: error.at.offset,
          end: error.at.end ?? error.at.offset,
          line,
          column,
        });
        return null;
      }
    }
    const items = expr.items.map((item) => this.expr(item));
    if (items.some((item) => item === null)) return null;
    return { kind: expr.kind, items: items as PlanExpr[] };
  }

  fieldPath(segments: readonly Segment[]): PathRef {
    return this.#path(this.options.collection, segments, null, { kind: "record" });
  }

  #compare(expr: CompareExpr): PlanCompare {
    const left = this.#operand(expr.left);
    const right = this.#operand(expr.right);
    const at = { offset: expr.opOffset, end: expr.opOffset + 1 };
    const type = this.#unify(left, right, expr.op, at);
    if (orderOps.includes(expr.op) && type === "bool") {
      throw new Problem(at, "true/false values have no order; use = or !=");
    }
    if (
      (expr.op === "~" || expr.op === "!~") &&
      type !== "text" &&
      type !== "json" &&
      type !== "dynamic"
    ) {
      throw new Problem(at, `~ and !~ compare text, not ${describe(type)} values`);
    }
    if ((expr.op === "~" || expr.op === "!~") && type === "json") {
      for (const side of [left, right]) {
        if (side.type === "number" || side.type === "bool") {
          throw new Problem(side, "~ and !~ need a text pattern");
        }
      }
    }
    return {
      kind: "compare",
      op: expr.op,
      any: expr.any,
      type,
      left: this.#finishLiteral(left, type),
      right: this.#finishLiteral(right, type),
    };
  }

  /** The one type both sides are compared as, or a problem. */
  #unify(
    left: Typed,
    right: Typed,
    op: CompareOp,
    at: { offset: number; end: number },
  ): ValueType | "dynamic" {
    if (left.type === "string" && right.type === "string") return "text";
    if (left.type === "string") return this.#stringAgainst(left, right);
    if (right.type === "string") return this.#stringAgainst(right, left);
    const lt = left.type;
    const rt = right.type;
    if (lt === "null" || lt === "dynamic") return rt === "null" ? "dynamic" : rt;
    if (rt === "null" || rt === "dynamic") return lt;
    if (lt === "json" || rt === "json") {
      const other = lt === "json" ? right : left;
      if (other.literal !== undefined && other.type !== "json") return "json";
      throw new Problem(
        other,
        "A json value can only be compared with a literal or a @request value",
      );
    }
    if (lt !== rt) {
      throw new Problem(at, `Cannot compare ${describe(lt)} with ${describe(rt)} (${op})`);
    }
    return lt;
  }

  /** A string literal takes the type of the other side when it can be read as that type. */
  #stringAgainst(literal: Typed, other: Typed): ValueType {
    const value = literal.literal as string;
    switch (other.type) {
      case "text":
      case "dynamic":
      case "null":
        return "text";
      case "json":
        return "json";
      case "date":
        if (value !== "" && parseDate(value) === null) {
          throw new Problem(
            literal,
            `"${value}" is not a date (use 2026-01-02, 2026-01-02 03:04:05 or ISO 8601)`,
          );
        }
        return "date";
      default:
        if (value === "") return other.type as ValueType;
        throw new Problem(
          literal,
          `Cannot compare ${describe(other.type)} with a string; write the value without quotes`,
        );
    }
  }

  /** Literals become values of the comparison's type ("" → no value, date text → ms). */
  #finishLiteral(side: Typed, type: ValueType | "dynamic"): PlanOperand {
    if (side.operand.kind !== "literal") return side.operand;
    const value = side.literal ?? null;
    if (typeof value === "string") {
      if (type === "date")
        return { kind: "literal", value: value === "" ? null : parseDate(value) };
      if (type === "number" || type === "bool") return { kind: "literal", value: null };
    }
    return { kind: "literal", value };
  }

  #operand(operand: Operand): Typed {
    const span = { offset: operand.offset, end: operand.end };
    switch (operand.kind) {
      case "literal": {
        const v = operand.value;
        const type =
          v === null
            ? "null"
            : typeof v === "string"
              ? "string"
              : typeof v === "number"
                ? "number"
                : "bool";
        return { operand: { kind: "literal", value: v }, type, literal: v, ...span };
      }
      case "macro": {
        const { type } = macroValue(operand.name, new Date(0));
        return {
          operand: { kind: "macro", name: operand.name },
          type,
          literal: undefined,
          ...span,
        };
      }
      case "request":
        return {
          ...this.#request(operand.path, operand.modifier, operand),
          literal: undefined,
          ...span,
        };
      case "field": {
        const path = this.#path(this.options.collection, operand.path, operand.modifier, {
          kind: "record",
        });
        return { operand: path, type: pathType(path), literal: undefined, ...span };
      }
      case "collection": {
        if (this.options.allowCollectionRefs === false) {
          throw new Problem(operand, "@collection cannot be used here");
        }
        const collection = this.options.lookup.byName(operand.collection.name);
        if (!collection) {
          throw new Problem(operand.collection, `Unknown collection "${operand.collection.name}"`);
        }
        const alias = operand.alias?.name ?? operand.collection.name;
        const known = this.aliases.get(alias);
        if (known && known.id !== collection.id) {
          throw new Problem(
            operand.alias ?? operand.collection,
            `The alias "${alias}" already names "${known.name}"`,
          );
        }
        if (!known && this.aliases.size >= maxCollectionAliases) {
          throw new Problem(
            operand,
            `At most ${maxCollectionAliases} @collection aliases per expression`,
          );
        }
        this.aliases.set(alias, collection);
        const path = this.#path(collection, operand.path, operand.modifier, {
          kind: "alias",
          name: alias,
        });
        return { operand: path, type: pathType(path), literal: undefined, ...span };
      }
    }
  }

  #request(
    path: readonly Segment[],
    modifier: Modifier | null,
    at: { offset: number; end: number },
  ): { operand: PlanOperand; type: Typed["type"] } {
    if (this.options.allowRequest === false) throw new Problem(at, "@request cannot be used here");
    const sectionSegment = path[0];
    const section = sectionSegment?.name as RequestSection | undefined;
    if (!sectionSegment || !section || !requestSections.includes(section)) {
      throw new Problem(
        sectionSegment ?? at,
        "Expected @request.auth, @request.body, @request.query, @request.headers or @request.method",
      );
    }
    const keySegment = path[1];
    if (section === "method") {
      if (keySegment) throw new Problem(keySegment, "@request.method has no fields");
    } else if (!keySegment) {
      throw new Problem(at, `Expected a name after @request.${section}.`);
    }
    const extra = path[2];
    if (extra) throw new Problem(extra, `@request.${section} takes one name, not a path`);
    const key = keySegment?.name ?? "";
    const name = modifier?.name;
    if (name === "isset" || name === "changed") {
      if (section !== "body")
        throw new Problem(modifier as Modifier, `:${name} only applies to @request.body fields`);
      if (name === "isset") return { operand: { kind: "isset", key }, type: "bool" };
      const field = this.options.collection.fields.find((f) => f.name === key);
      if (!field) {
        throw new Problem(
          keySegment as Segment,
          `"${key}" is not a field of "${this.options.collection.name}"`,
        );
      }
      return { operand: { kind: "changed", key, field }, type: "bool" };
    }
    const mod = this.#valueModifier(modifier);
    const type = mod === "length" ? "number" : mod === "lower" ? "text" : "dynamic";
    return { operand: { kind: "request", section, key, modifier: mod }, type };
  }

  #valueModifier(modifier: Modifier | null): ValueModifier | null {
    if (!modifier) return null;
    const name = modifier.name;
    if (name === "length" || name === "each" || name === "lower") return name;
    if (name === "isset" || name === "changed") {
      throw new Problem(modifier, `:${name} only applies to @request.body fields`);
    }
    throw new Problem(
      modifier,
      `Unknown modifier :${name} (use :isset, :changed, :length, :each or :lower)`,
    );
  }

  #path(
    start: Collection,
    segments: readonly Segment[],
    modifier: Modifier | null,
    root: PathRef["root"],
  ): PathRef {
    let current = start;
    const steps: PathStep[] = [];
    let multi = false;
    let final: Field | undefined;
    let json: string[] = [];
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as Segment;
      const last = i === segments.length - 1;
      const field = current.fields.find((f) => f.name === segment.name);
      if (field) {
        this.#checkHidden(field, segment);
        if (last) {
          final = field;
          break;
        }
        if (field.type === "json") {
          final = field;
          json = segments.slice(i + 1).map((s) => s.name);
          break;
        }
        if (field.type !== "relation") {
          const next = segments[i + 1] as Segment;
          throw new Problem(
            next,
            `"${field.name}" is not a relation, so "${next.name}" cannot follow it`,
          );
        }
        const target = this.options.lookup.byId(field.collection);
        if (!target)
          throw new Problem(segment, `The relation "${field.name}" points at a missing collection`);
        steps.push({ kind: "relation", field, target, multiple: field.multiple });
        multi ||= field.multiple;
        current = target;
      } else {
        const back = this.#backRelation(current, segment);
        steps.push({
          kind: "back",
          source: back.source,
          field: back.field,
          multiple: back.field.multiple,
        });
        multi = true;
        current = back.source;
        if (last) final = idField(current);
      }
      if (steps.length > maxPathSteps) {
        throw new Problem(segment, `A path may follow at most ${maxPathSteps} relations`);
      }
    }
    if (!final) throw new Problem(segments[0] ?? { offset: 0 }, "Expected a field");
    if (json.length === 0 && isMultiField(final)) multi = true;
    const path: PathRef = {
      kind: "path",
      root,
      steps,
      field: final,
      json,
      multi,
      type: fieldValueType(final),
      modifier: null,
    };
    const mod = this.#valueModifier(modifier);
    if (mod && modifier) {
      if ((mod === "length" || mod === "each") && !multi) {
        throw new Problem(
          modifier,
          `:${mod} applies to fields holding several values, and this one holds one`,
        );
      }
      if (mod === "lower" && path.type !== "text") {
        throw new Problem(modifier, ":lower applies to text fields");
      }
      path.modifier = mod;
    }
    return path;
  }

  #checkHidden(field: Field, segment: Segment): void {
    if (field.hidden && this.options.allowHiddenFields === false) {
      throw new Problem(segment, `"${field.name}" is hidden and cannot be used here`);
    }
  }

  /** `<collection>_via_<field>`: records of <collection> whose relation <field> points here. */
  #backRelation(
    current: Collection,
    segment: Segment,
  ): { source: Collection; field: Field & { type: "relation" } } {
    const name = segment.name;
    let index = name.indexOf("_via_");
    let reason: string | undefined;
    while (index > 0) {
      const source = this.options.lookup.byName(name.slice(0, index));
      const fieldName = name.slice(index + 5);
      if (source) {
        const field = source.fields.find((f) => f.name === fieldName);
        if (field?.type === "relation" && field.collection === current.id) {
          this.#checkHidden(field, segment);
          return { source, field };
        }
        reason = `"${source.name}" has no relation field "${fieldName}" pointing at "${current.name}"`;
      }
      index = name.indexOf("_via_", index + 1);
    }
    throw new Problem(
      { offset: segment.offset, end: segment.offset + name.length },
      reason ?? `Unknown field "${name}" in "${current.name}"`,
    );
  }
}

function pathType(path: PathRef): Typed["type"] {
  if (path.modifier === "length") return "number";
  return path.type;
}

function describe(type: Typed["type"]): string {
  switch (type) {
    case "bool":
      return "true/false";
    case "dynamic":
      return "request";
    case "string":
      return "a string";
    default:
      return type;
  }
}
