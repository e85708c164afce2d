// Binds a planned comparison to one request: request values and macros become constants of the
// comparison's type, constant-only comparisons are decided here, and what remains says which
// record values to read. Shared by the SQL compiler and the evaluator, so they cannot drift.
import type { Field } from "@cairn/schema";
import { errors } from "../errors.js";
import type { CompareOp } from "./rule-ast.js";
import {
  fieldValueType,
  isMultiField,
  type PathRef,
  type PlanCompare,
  type PlanOperand,
} from "./rule-check.js";
import {
  coerce,
  compareDynamic,
  compareValues,
  isSafeJson,
  isStorableText,
  lowerAscii,
  macroValue,
  UNCOMPARABLE,
  type Uncomparable,
  type Val,
  type ValueType,
} from "./rule-values.js";

/** What the current request lets a rule read as `@request.*`. */
export interface RequestInfo {
  /** The signed-in user's record in API form, with `collectionName`; null when anonymous. */
  auth: Record<string, unknown> | null;
  isSuperuser: boolean;
  body: Record<string, unknown>;
  query: Record<string, unknown>;
  /** By header name, any case; rules write `-` as `_`. */
  headers: Record<string, unknown>;
  method: string;
}

export interface BindEnv {
  request: RequestInfo;
  now: Date;
}

/** Most items a request list (e.g. a body array) may bring to one comparison. */
export const maxListItems = 500;

export type Quant = "all" | "any";

/** The body value `:changed` compares with a field, read as that field's type. */
export type ChangedBody =
  | { kind: "scalar"; value: Val }
  | { kind: "list"; items: string[] | Uncomparable }
  | { kind: "json"; value: unknown };

export type Side =
  | { kind: "value"; value: Val }
  | { kind: "values"; items: Val[]; quant: Quant; each: boolean }
  /** quant null: one value per record (a scalar path, or a list's :length). */
  | { kind: "path"; path: PathRef; quant: Quant | null }
  | { kind: "changed"; field: Field; body: ChangedBody };

export interface BoundCompare {
  op: CompareOp;
  type: ValueType;
  left: Side;
  right: Side;
}

/** A bound comparison, or its answer when no record value is involved. */
export function bindCompare(node: PlanCompare, env: BindEnv): BoundCompare | boolean {
  if (node.type === "dynamic") return compareRequestValues(node, env);
  const type = node.type;
  let left = bindSide(node.left, type, node.any, env);
  let right = bindSide(node.right, type, node.any, env);
  if (typeof left === "boolean") return left;
  if (typeof right === "boolean") return right;

  // A list compared for (in)equality with no value asks whether it is empty: `tags = ""`.
  if ((node.op === "=" || node.op === "!=") && !node.any) {
    const emptyTest = (list: Side, other: Side): Side | undefined => {
      if (other.kind !== "value" || !(other.value === null || other.value === "")) return undefined;
      if (list.kind === "path" && list.quant !== null && list.path.modifier !== "each") {
        return { kind: "path", path: { ...list.path, modifier: "length" }, quant: null };
      }
      if (list.kind === "values" && !list.each) return { kind: "value", value: list.items.length };
      return undefined;
    };
    const l = emptyTest(left, right);
    const r = l ? undefined : emptyTest(right, left);
    if (l || r) {
      left = l ?? { kind: "value", value: 0 };
      right = r ?? { kind: "value", value: 0 };
      return settle({ op: node.op, type: "number", left, right });
    }
  }
  return settle({ op: node.op, type, left, right });
}

function settle(bound: BoundCompare): BoundCompare | boolean {
  const constant = (side: Side): { items: Val[]; quant: Quant | null } | undefined => {
    if (side.kind === "value") return { items: [side.value], quant: null };
    if (side.kind === "values") return { items: side.items, quant: side.quant };
    return undefined;
  };
  const l = constant(bound.left);
  const r = constant(bound.right);
  if (!l || !r) return bound;
  return quantify(l, (a) => quantify(r, (b) => compareValues(bound.op, bound.type, a, b)));
}

/** "all" needs at least one item and every item; "any" one item; null: the single value. */
export function quantify<T>(
  side: { items: T[]; quant: Quant | null },
  test: (item: T) => boolean,
): boolean {
  if (side.quant === null) return test(side.items[0] as T);
  if (side.quant === "any") return side.items.some(test);
  return side.items.length > 0 && side.items.every(test);
}

export function pathQuant(path: PathRef, any: boolean): Quant | null {
  if (!path.multi || path.modifier === "length") return null;
  if (path.modifier === "each") return "all";
  return any ? "any" : "all";
}

function bindSide(
  operand: PlanOperand,
  type: ValueType,
  any: boolean,
  env: BindEnv,
): Side | boolean {
  switch (operand.kind) {
    case "literal":
      return { kind: "value", value: operand.value };
    case "macro":
      return { kind: "value", value: macroValue(operand.name, env.now).value };
    case "isset":
      return {
        kind: "value",
        value:
          Object.hasOwn(env.request.body, operand.key) &&
          env.request.body[operand.key] !== undefined,
      };
    case "changed": {
      const body = env.request.body;
      if (!Object.hasOwn(body, operand.key) || body[operand.key] === undefined)
        return { kind: "value", value: false };
      return {
        kind: "changed",
        field: operand.field,
        body: changedBody(operand.field, body[operand.key]),
      };
    }
    case "path":
      return { kind: "path", path: operand, quant: pathQuant(operand, any) };
    case "request": {
      const raw = requestValue(env.request, operand.section, operand.key);
      if (operand.modifier === "length") {
        return {
          kind: "value",
          value: Array.isArray(raw) ? raw.length : raw === null || raw === undefined ? 0 : 1,
        };
      }
      const read = (item: unknown): Val => {
        // A json comparison reads scalars only; an object or array item equals nothing.
        if (type === "json" && item !== null && typeof item === "object") return UNCOMPARABLE;
        const value = coerce(type, item);
        return operand.modifier === "lower" && typeof value === "string"
          ? lowerAscii(value)
          : value;
      };
      const each = operand.modifier === "each";
      if (Array.isArray(raw) || each) {
        const list: unknown[] = Array.isArray(raw)
          ? raw
          : raw === null || raw === undefined
            ? []
            : [raw];
        if (list.length > maxListItems) {
          throw errors.badRequest(
            `A request list compared in a rule may hold at most ${maxListItems} items.`,
          );
        }
        return {
          kind: "values",
          items: list.map(read),
          quant: each ? "all" : any ? "any" : "all",
          each,
        };
      }
      return { kind: "value", value: read(raw) };
    }
  }
}

/** Both sides are request values (or null): decided now, by their runtime types. */
function compareRequestValues(node: PlanCompare, env: BindEnv): boolean {
  type Raw = { items: unknown[]; quant: Quant | null; each: boolean };
  const side = (operand: PlanOperand): Raw => {
    if (operand.kind === "literal") return { items: [operand.value], quant: null, each: false };
    if (operand.kind !== "request")
      throw new Error(`unexpected ${operand.kind} in a request comparison`);
    const raw = requestValue(env.request, operand.section, operand.key);
    const each = operand.modifier === "each";
    if (!Array.isArray(raw) && !each) return { items: [raw], quant: null, each };
    const list: unknown[] = Array.isArray(raw) ? raw : raw === null ? [] : [raw];
    return { items: list, quant: each ? "all" : node.any ? "any" : "all", each };
  };
  const l = side(node.left);
  const r = side(node.right);
  if ((node.op === "=" || node.op === "!=") && !node.any) {
    // As bindCompare: a list against no value asks whether the list is empty.
    const none = (s: Raw) => s.quant === null && (s.items[0] === null || s.items[0] === "");
    for (const [list, other] of [
      [l, r],
      [r, l],
    ]) {
      if (list && other && list.quant !== null && !list.each && none(other)) {
        return (list.items.length === 0) === (node.op === "=");
      }
    }
  }
  return quantify(l, (a) => quantify(r, (b) => compareDynamic(node.op, a, b)));
}

export function requestValue(request: RequestInfo, section: string, key: string): unknown {
  switch (section) {
    case "auth":
      return request.auth ? (request.auth[key] ?? null) : null;
    case "body":
      return Object.hasOwn(request.body, key) ? (request.body[key] ?? null) : null;
    case "query":
      return Object.hasOwn(request.query, key) ? (request.query[key] ?? null) : null;
    case "headers": {
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.toLowerCase().replaceAll("-", "_") === key) return value ?? null;
      }
      return null;
    }
    case "method":
      return request.method;
    default:
      return null;
  }
}

function changedBody(field: Field, raw: unknown): ChangedBody {
  if (isMultiField(field)) {
    const list = Array.isArray(raw) ? raw : raw === null || raw === "" ? [] : [raw];
    const items: string[] = [];
    for (const item of list) {
      const text = typeof item === "number" && Number.isFinite(item) ? String(item) : item;
      if (typeof text !== "string" || !isStorableText(text))
        return { kind: "list", items: UNCOMPARABLE };
      items.push(text);
    }
    return { kind: "list", items };
  }
  if (field.type === "json") return { kind: "json", value: isSafeJson(raw) ? raw : UNCOMPARABLE };
  return { kind: "scalar", value: coerce(fieldValueType(field), raw) };
}
