// Compiles a rule to one parameterised, NULL-free SQL condition on the record's table alias.
// Identifiers come only from the schema (sql.identifier); values only ever travel as parameters.
// Each construct mirrors rule-values.ts / rule-eval.ts; the differential test holds them equal.
import type { Collection, Field } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import { errors, isCairnError } from "../errors.js";
import type { CompareOp, RuleAst } from "./rule-ast.js";
import {
  type BoundCompare,
  bindCompare,
  type ChangedBody,
  type Quant,
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
  readsOnlyAuth,
  readsOnlyRecord,
  resolveRule,
  type SchemaLookup,
} from "./rule-check.js";
import { parseRule } from "./rule-parser.js";
import {
  compareValues,
  isoOf,
  likePattern,
  lowerAscii,
  UNCOMPARABLE,
  type Val,
  type ValueType,
} from "./rule-values.js";

export interface CompileScope {
  collection: Collection;
  lookup: SchemaLookup;
  /** The alias the caller gives the collection's table in FROM (default "r"). */
  alias?: string;
  request: RequestInfo;
  now: Date;
  /** The Postgres schema holding collection tables (default "public"). */
  schema?: string;
  /** Defaults true; compileFilter turns these off for client filters. */
  allowRequest?: boolean;
  allowCollectionRefs?: boolean;
  allowHiddenFields?: boolean;
}

/** A rule as a SQL condition on `scope.alias`; throws a 400 CairnError when it does not check. */
export function compileRule(ast: RuleAst, scope: CompileScope): SQL {
  return compileRulePlan(ast, scope).condition;
}

/**
 * A rule as a condition; whether it reads only the record's own row and the request (no
 * relation, back-relation or @collection): such a condition holds alike on any copy of the row,
 * a write's `RETURNING` included; and whether it reads of the request only @request.auth (then
 * it is the same condition for every request of one actor).
 */
export function compileRulePlan(
  ast: RuleAst,
  scope: CompileScope,
): { condition: SQL; plan: RulePlan; readsOnlyRecord: boolean; readsOnlyAuth: boolean } {
  const plan = planRule(ast, {
    collection: scope.collection,
    lookup: scope.lookup,
    allowRequest: scope.allowRequest,
    allowCollectionRefs: scope.allowCollectionRefs,
    allowHiddenFields: scope.allowHiddenFields,
  });
  const compiler = new SqlCompiler(scope);
  return {
    condition: toSql(compiler.plan(plan, scope.alias ?? "r", [])),
    plan,
    readsOnlyRecord: readsOnlyRecord(plan),
    readsOnlyAuth: readsOnlyAuth(plan),
  };
}

/**
 * A client's `filter`: the language without @request and @collection, and without hidden
 * fields unless a superuser asks. Any problem is a 400 naming its position.
 */
export function compileFilter(text: string, scope: CompileScope): SQL {
  return compileFilterPlan(text, scope).condition;
}

/** compileFilter's condition, with the plan it was compiled from. */
export function compileFilterPlan(
  text: string,
  scope: CompileScope,
): { condition: SQL; plan: RulePlan } {
  try {
    return compileRulePlan(parseRule(text), {
      ...scope,
      allowRequest: false,
      allowCollectionRefs: false,
      allowHiddenFields: scope.request.isSuperuser,
    });
  } catch (error) {
    if (isCairnError(error) && error.code === "BAD_REQUEST") {
      throw errors.badRequest(`Invalid filter: ${error.message}`);
    }
    throw error;
  }
}

// Conditions with constant folding: `true`/`false` never reach the SQL unless they must.

type Cond = SQL | boolean;

export function toSql(cond: Cond): SQL {
  if (cond === true) return sql`TRUE`;
  if (cond === false) return sql`FALSE`;
  return cond;
}

function and(items: Cond[]): Cond {
  const rest = items.filter((item) => item !== true);
  if (rest.includes(false)) return false;
  if (rest.length === 0) return true;
  if (rest.length === 1) return rest[0] as SQL;
  return sql`(${sql.join(rest as SQL[], sql` AND `)})`;
}

function or(items: Cond[]): Cond {
  const rest = items.filter((item) => item !== false);
  if (rest.includes(true)) return true;
  if (rest.length === 0) return false;
  if (rest.length === 1) return rest[0] as SQL;
  return sql`(${sql.join(rest as SQL[], sql` OR `)})`;
}

function not(cond: Cond): Cond {
  return typeof cond === "boolean" ? !cond : sql`(NOT ${cond})`;
}

/** One item: a constant, or a SQL expression (simple: a bare column, so indexes apply). */
type Item = { const: Val } | { sql: SQL; simple: boolean };

type CompiledSide =
  | { kind: "one"; item: Item }
  | { kind: "consts"; items: Val[]; quant: Quant }
  | { kind: "rows"; from: SQL[]; where: Cond[]; item: SQL; quant: Quant };

export interface SqlFrame {
  /** SQL alias of the record the rule is about. */
  main: string;
  /** SQL alias of each @collection alias. */
  aliases: Map<string, string>;
  /** Collections whose list rules are being expanded as guards, outermost first. */
  stack: string[];
}

const orderSql: Record<string, SQL> = {
  ">": sql.raw(">"),
  ">=": sql.raw(">="),
  "<": sql.raw("<"),
  "<=": sql.raw("<="),
};
const flipped: Record<string, CompareOp> = { ">": "<", ">=": "<=", "<": ">", "<=": ">=" };

export class SqlCompiler {
  #counter = 0;

  constructor(readonly scope: CompileScope) {}

  /** Fresh table aliases, unique in the whole statement (guards nest inside each other). */
  #alias(prefix: string): string {
    this.#counter++;
    return `${prefix}${this.#counter}`;
  }

  table(collection: Collection): SQL {
    return sql`${sql.identifier(this.scope.schema ?? "public")}.${sql.identifier(collection.name)}`;
  }

  column(alias: string, field: Field | string): SQL {
    return sql`${sql.identifier(alias)}.${sql.identifier(typeof field === "string" ? field : field.name)}`;
  }

  plan(plan: RulePlan, main: string, stack: string[]): Cond {
    if (plan.aliases.length === 0)
      return this.#expr(plan.root, { main, aliases: new Map(), stack });
    // @collection: one row per alias, shared by the whole expression; LEFT JOIN so an empty
    // (or entirely hidden) collection still offers its one all-null row.
    const aliases = new Map<string, string>();
    const joins: SQL[] = [];
    for (const { name, collection } of plan.aliases) {
      const alias = this.#alias("_c");
      aliases.set(name, alias);
      const on = toSql(this.guard(collection, alias, stack));
      joins.push(sql`LEFT JOIN ${this.table(collection)} AS ${sql.identifier(alias)} ON ${on}`);
    }
    const body = this.#expr(plan.root, { main, aliases, stack });
    if (typeof body === "boolean") return body;
    const origin = sql.identifier(this.#alias("_o"));
    return sql`EXISTS (SELECT 1 FROM (SELECT 1) AS ${origin} ${sql.join(joins, sql` `)} WHERE ${body})`;
  }

  /**
   * "A relation path needs list access to the collections it passes through": a non-superuser
   * reads another collection's rows only where its list rule holds.
   */
  guard(collection: Collection, alias: string, stack: string[]): Cond {
    if (this.scope.request.isSuperuser) return true;
    const rule = collection.listRule;
    if (rule === null) return false;
    if (rule.trim() === "") return true;
    if (stack.includes(collection.id) || stack.length >= maxGuardDepth) return false;
    let plan: RulePlan | null;
    try {
      plan = resolveRule(parseRule(rule), { collection, lookup: this.scope.lookup }).plan;
    } catch {
      plan = null;
    }
    // A list rule the schema no longer supports hides everything rather than failing open.
    if (!plan) return false;
    return this.plan(plan, alias, [...stack, collection.id]);
  }

  #expr(expr: PlanExpr, frame: SqlFrame): Cond {
    if (expr.kind !== "compare") {
      const items = expr.items.map((item) => this.#expr(item, frame));
      return expr.kind === "and" ? and(items) : or(items);
    }
    const bound = bindCompare(expr, { request: this.scope.request, now: this.scope.now });
    if (typeof bound === "boolean") return bound;
    return this.#compare(bound, frame);
  }

  #compare(bound: BoundCompare, frame: SqlFrame): Cond {
    const left = this.#side(bound.left, frame);
    const right = this.#side(bound.right, frame);
    return this.#over(left, (a) =>
      this.#over(right, (b) => compareSql(bound.op, bound.type, a, b)),
    );
  }

  #over(side: CompiledSide, test: (item: Item) => Cond): Cond {
    switch (side.kind) {
      case "one":
        return test(side.item);
      case "consts": {
        const conds = side.items.map((value) => test({ const: value }));
        if (side.quant === "any") return or(conds);
        return side.items.length > 0 && and(conds);
      }
      case "rows": {
        const item: Item = { sql: side.item, simple: false };
        if (side.quant === "any") return exists(side.from, [...side.where, test(item)]);
        // Every item, and at least one: test is NULL-free, so NOT is exact.
        return and([
          exists(side.from, side.where),
          not(exists(side.from, [...side.where, not(test(item))])),
        ]);
      }
    }
  }

  #side(side: Side, frame: SqlFrame): CompiledSide {
    switch (side.kind) {
      case "value":
        return { kind: "one", item: { const: side.value } };
      case "values":
        return { kind: "consts", items: side.items, quant: side.quant };
      case "changed":
        return {
          kind: "one",
          item: { sql: toSql(this.#changed(side.field, side.body, frame)), simple: false },
        };
      case "path":
        if (side.quant === null) return { kind: "one", item: this.scalarPath(side.path, frame) };
        return { kind: "rows", ...this.#pathRows(side.path, frame), quant: side.quant };
    }
  }

  /** The joins from a path's root to its last collection, each guarded by its list rule. */
  #walk(path: PathRef, frame: SqlFrame): { from: SQL[]; where: Cond[]; alias: string } {
    let alias =
      path.root.kind === "record" ? frame.main : (frame.aliases.get(path.root.name) as string);
    const from: SQL[] = [];
    const where: Cond[] = [];
    for (const step of path.steps) {
      const next = this.#alias("_t");
      const nextId = this.column(next, "id");
      if (step.kind === "relation") {
        const ref = this.column(alias, step.field);
        from.push(sql`${this.table(step.target)} AS ${sql.identifier(next)}`);
        where.push(step.multiple ? sql`${nextId} = ANY(${ref})` : sql`${nextId} = ${ref}`);
        where.push(this.guard(step.target, next, frame.stack));
      } else {
        const ref = this.column(next, step.field);
        const here = this.column(alias, "id");
        from.push(sql`${this.table(step.source)} AS ${sql.identifier(next)}`);
        where.push(step.multiple ? sql`${here} = ANY(${ref})` : sql`${ref} = ${here}`);
        where.push(this.guard(step.source, next, frame.stack));
      }
      alias = next;
    }
    return { from, where, alias };
  }

  #final(path: PathRef, alias: string): SQL {
    const column = this.column(alias, path.field);
    if (path.json.length === 0) return column;
    const keys = sql.join(
      path.json.map((key) => sql`${key}::text`),
      sql`, `,
    );
    return sql`(${column} #> ARRAY[${keys}]::text[])`;
  }

  /** A path holding one value per record (or a list's :length), as a scalar expression. */
  scalarPath(path: PathRef, frame: SqlFrame): { sql: SQL; simple: boolean } {
    if (path.modifier === "length") {
      if (path.steps.length === 0) {
        const column = this.#final(
          path,
          path.root.kind === "record" ? frame.main : (frame.aliases.get(path.root.name) as string),
        );
        return { sql: sql`coalesce(cardinality(${column}), 0)::double precision`, simple: false };
      }
      const rows = this.#pathRows(path, frame);
      return {
        sql: sql`(SELECT count(*)::double precision FROM ${sql.join(rows.from, sql`, `)} WHERE ${toSql(and(rows.where))})`,
        simple: false,
      };
    }
    const walked = this.#walk(path, frame);
    let value = this.#final(path, walked.alias);
    let simple = path.json.length === 0;
    if (walked.from.length > 0) {
      value = sql`(SELECT ${value} FROM ${sql.join(walked.from, sql`, `)} WHERE ${toSql(and(walked.where))})`;
      simple = false;
    }
    if (path.modifier === "lower") return { sql: sql`lower(${value} COLLATE "C")`, simple: false };
    return { sql: value, simple };
  }

  /** A list-valued path as rows: FROM items, WHERE conditions, and the item expression. */
  #pathRows(path: PathRef, frame: SqlFrame): { from: SQL[]; where: Cond[]; item: SQL } {
    const walked = this.#walk(path, frame);
    let item = this.#final(path, walked.alias);
    const from = [...walked.from];
    if (path.json.length === 0 && isMultiField(path.field)) {
      const unnested = this.#alias("_u");
      from.push(sql`unnest(${item}) AS ${sql.identifier(unnested)}(${sql.identifier("v")})`);
      item = this.column(unnested, "v");
    }
    if (path.modifier === "lower") item = sql`lower(${item} COLLATE "C")`;
    return { from, where: walked.where, item };
  }

  /** `@request.body.<field>:changed`: the body holds the key and its value differs from the column. */
  #changed(field: Field, body: ChangedBody, frame: SqlFrame): Cond {
    const column = this.column(frame.main, field);
    switch (body.kind) {
      case "list": {
        if (body.items === UNCOMPARABLE) return true;
        const items = body.items.map((item) => sql`${item}::text`);
        const array =
          items.length > 0 ? sql`ARRAY[${sql.join(items, sql`, `)}]::text[]` : sql`'{}'::text[]`;
        return sql`(coalesce(${column}, '{}'::text[]) <> ${array})`;
      }
      case "json": {
        if (body.value === UNCOMPARABLE) return true;
        if (body.value === null) return sql`(${column} IS NOT NULL AND ${column} <> 'null'::jsonb)`;
        return sql`(${column} IS NULL OR ${column} <> ${textParam(JSON.stringify(body.value))}::jsonb)`;
      }
      case "scalar":
        return not(
          compareSql(
            "=",
            fieldValueType(field),
            { sql: column, simple: true },
            { const: body.value },
          ),
        );
    }
  }
}

function exists(from: SQL[], where: Cond[]): Cond {
  const condition = and(where);
  if (condition === false) return false;
  const tables = sql.join(from, sql`, `);
  if (condition === true) return sql`EXISTS (SELECT 1 FROM ${tables})`;
  return sql`EXISTS (SELECT 1 FROM ${tables} WHERE ${condition})`;
}

/**
 * A parameter typed text, to be cast in SQL. Every value travels as text: postgres.js picks
 * its serialiser from the type Postgres infers for `$n`, so `$1::boolean` would turn the
 * string "true" into false and `$1::jsonb` would JSON-encode twice; `$1::text::boolean` and
 * `$1::text::jsonb` mean the same on every driver.
 */
function textParam(value: string): SQL {
  return sql`${value}::text`;
}

function param(type: ValueType, value: Val): SQL {
  switch (type) {
    case "number":
      return sql`${textParam(String(value))}::double precision`;
    case "bool":
      return sql`${textParam(value ? "true" : "false")}::boolean`;
    case "date":
      return sql`${textParam(isoOf(value as number))}::timestamptz`;
    default:
      return sql`${String(value)}::text`;
  }
}

const isConst = (item: Item): item is { const: Val } => "const" in item;

/** The SQL of compareValues(op, type, a, b): the same answer, never NULL. */
function compareSql(op: CompareOp, type: ValueType, a: Item, b: Item): Cond {
  if (op === "!=") return not(compareSql("=", type, a, b));
  if (op === "!~") return not(compareSql("~", type, a, b));
  if (isConst(a) && isConst(b)) return compareValues(op, type, a.const, b.const);
  if (type === "json") return compareJsonSql(op, a, b);
  if (op === "~") return likeSql(a, b);
  if (op === "=") {
    if (isConst(a) || isConst(b)) {
      const [x, c] = (isConst(a) ? [b, a] : [a, b]) as [
        { sql: SQL; simple: boolean },
        { const: Val },
      ];
      const v = c.const;
      if (v === UNCOMPARABLE) return false;
      if (v === null || (type === "text" && v === "")) {
        if (type !== "text") return sql`(${x.sql} IS NULL)`;
        // A bare column keeps an index-friendly form; anything else is evaluated once.
        return x.simple
          ? sql`(${x.sql} IS NULL OR ${x.sql} = '')`
          : sql`(coalesce(${x.sql}, '') = '')`;
      }
      const p = param(type, v);
      return x.simple
        ? sql`(${x.sql} = ${p} AND ${x.sql} IS NOT NULL)`
        : sql`coalesce(${x.sql} = ${p}, false)`;
    }
    const [l, r] = [(a as { sql: SQL }).sql, (b as { sql: SQL }).sql];
    if (type === "text") return sql`(nullif(${l}, '') IS NOT DISTINCT FROM nullif(${r}, ''))`;
    return sql`(${l} IS NOT DISTINCT FROM ${r})`;
  }
  // > >= < <=: no order for true/false, none with a missing value.
  if (type === "bool") return false;
  let lhs = a;
  let rhs = b;
  let cmp: CompareOp = op;
  if (isConst(lhs)) {
    [lhs, rhs] = [rhs, lhs];
    cmp = flipped[op] as CompareOp;
  }
  const x = lhs as { sql: SQL; simple: boolean };
  const collate = (s: SQL) => (type === "text" ? sql`${s} COLLATE "C"` : s);
  let right: SQL;
  if (isConst(rhs)) {
    if (rhs.const === null || rhs.const === UNCOMPARABLE) return false;
    right = param(type, rhs.const);
  } else {
    right = rhs.sql;
  }
  const condition = sql`${collate(x.sql)} ${orderSql[cmp] as SQL} ${collate(right)}`;
  if (x.simple && isConst(rhs)) return sql`(${condition} AND ${x.sql} IS NOT NULL)`;
  return sql`coalesce(${condition}, false)`;
}

/** `~`: case-insensitive (A–Z) "contains", `%` the only wildcard; a missing side is false. */
function likeSql(subject: Item, pattern: Item): Cond {
  let left: SQL;
  if (isConst(subject)) {
    if (typeof subject.const !== "string") return false;
    left = sql`${lowerAscii(subject.const)}::text`;
  } else {
    left = sql`lower(${subject.sql} COLLATE "C")`;
  }
  let right: SQL;
  if (isConst(pattern)) {
    if (typeof pattern.const !== "string") return false;
    right = sql`${likePattern(lowerAscii(pattern.const))}::text`;
  } else {
    right = patternSql(sql`lower(${pattern.sql} COLLATE "C")`);
  }
  return sql`coalesce(${left} LIKE ${right}, false)`;
}

/** likePattern() in SQL, for a pattern read from a record: escape \ and _, wrap unless it has %. */
function patternSql(text: SQL): SQL {
  const escaped = sql`replace(replace(${text}, chr(92), chr(92) || chr(92)), '_', chr(92) || '_')`;
  return sql`(CASE WHEN strpos(${text}, '%') > 0 THEN ${escaped} ELSE '%' || ${escaped} || '%' END)`;
}

/**
 * A json value against a constant, as rule-values' compareJson: like types only, null / a
 * missing key / "" are no value. CASE guards every cast, so no stored value makes SQL fail.
 */
function compareJsonSql(op: CompareOp, a: Item, b: Item): Cond {
  const rowLeft = !isConst(a);
  const value = (rowLeft ? a : b) as { sql: SQL };
  const constant = ((rowLeft ? b : a) as { const: Val }).const;
  if (constant === UNCOMPARABLE) return false;
  const v = value.sql;
  const kind = sql`jsonb_typeof(${v})`;
  const text = sql`(${v} #>> '{}')`;
  if (op === "=") {
    if (constant === null || constant === "") {
      return sql`(CASE WHEN ${v} IS NULL THEN TRUE WHEN ${kind} = 'null' THEN TRUE WHEN ${kind} = 'string' THEN ${text} = '' ELSE FALSE END)`;
    }
    switch (typeof constant) {
      case "string":
        return sql`(CASE WHEN ${kind} = 'string' THEN ${text} = ${constant}::text ELSE FALSE END)`;
      case "number":
        return sql`(CASE WHEN ${kind} = 'number' THEN (${v})::numeric = ${textParam(String(constant))}::numeric ELSE FALSE END)`;
      case "boolean":
        return sql`(CASE WHEN ${kind} = 'boolean' THEN (${v})::boolean = ${textParam(String(constant))}::boolean ELSE FALSE END)`;
      default:
        return false;
    }
  }
  if (op === "~") {
    if (typeof constant !== "string") return false;
    if (rowLeft) {
      const pattern = likePattern(lowerAscii(constant));
      return sql`(CASE WHEN ${kind} = 'string' THEN lower(${text} COLLATE "C") LIKE ${pattern}::text ELSE FALSE END)`;
    }
    const subject = lowerAscii(constant);
    return sql`(CASE WHEN ${kind} = 'string' THEN ${subject}::text LIKE ${patternSql(sql`lower(${text} COLLATE "C")`)} ELSE FALSE END)`;
  }
  const cmp = orderSql[rowLeft ? op : (flipped[op] as CompareOp)] as SQL;
  if (typeof constant === "string") {
    return sql`(CASE WHEN ${kind} = 'string' THEN ${text} COLLATE "C" ${cmp} ${constant}::text COLLATE "C" ELSE FALSE END)`;
  }
  if (typeof constant === "number") {
    return sql`(CASE WHEN ${kind} = 'number' THEN (${v})::numeric ${cmp} ${textParam(String(constant))}::numeric ELSE FALSE END)`;
  }
  return false;
}
