// The value semantics of the rule language, in one place: coercion of request values, null and
// empty-string rules, text order, case folding, `~` matching, dates and macros. The evaluator
// calls these directly and the SQL compiler mirrors each one; change both or neither.
import type { CompareOp, MacroName } from "./rule-ast.js";

export type ValueType = "text" | "number" | "bool" | "date" | "json";

/**
 * A request value that cannot be read as the type it is compared with ("abc" against a
 * number, a string Postgres cannot store). It equals nothing, so `=` is false and `!=` true.
 */
export const UNCOMPARABLE: unique symbol = Symbol("uncomparable");
export type Uncomparable = typeof UNCOMPARABLE;

/**
 * One comparable value. Text: string; number: finite number; bool: boolean; date: epoch
 * milliseconds; json: any JSON value. null is "no value".
 */
export type Val = string | number | boolean | null | Uncomparable | JsonValue;
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** True when a string holds no lone surrogate (String#isWellFormed, not in our ES2023 lib). */
export function isWellFormed(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const next = value.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** Text Postgres can store and send back unchanged: no NUL, no lone surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes("\0") && isWellFormed(value);
}

/**
 * ASCII-only lower case, like `lower(x COLLATE "C")` in Postgres. Full Unicode case mapping
 * depends on the database's locale (and differs from JavaScript's), so `~` and `:lower` fold
 * A–Z only; that is the only folding that gives the same answer everywhere.
 */
export function lowerAscii(value: string): string {
  return value.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** Orders by Unicode code point, as Postgres does under COLLATE "C" (UTF-8 byte order). */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000–U+FFFF in code point order.
    if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * `a ~ b`: does `text` contain `pattern`? In the pattern `%` matches any run of characters
 * and everything else is literal; a pattern without `%` is wrapped in `%…%`. Both sides are
 * already folded by the caller.
 */
export function likeMatch(text: string, pattern: string): boolean {
  const parts = (pattern.includes("%") ? pattern : `%${pattern}%`).split("%");
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!text.startsWith(first)) return false;
  let pos = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const found = text.indexOf(part, pos);
    if (found < 0) return false;
    pos = found + part.length;
  }
  return text.length - pos >= last.length && text.endsWith(last);
}

/** The SQL LIKE pattern for a constant `~` operand: escape `\` and `_`, wrap when no `%`. */
export function likePattern(pattern: string): string {
  const escaped = pattern.replace(/[\\_]/g, (c) => `\\${c}`);
  return pattern.includes("%") ? escaped : `%${escaped}%`;
}

// Dates ---------------------------------------------------------------------------------------

const dateRe =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
// Built with setUTCFullYear: Date.UTC maps years below 100 to 19xx.
const firstMs = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();
const lastMs = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Reads "2026-01-02", "2026-01-02 03:04:05", "2026-01-02T03:04:05.678Z" or with an offset
 * ("+02:00"); no offset means UTC. Fractions beyond milliseconds are truncated, as stored
 * dates have millisecond precision. Returns epoch milliseconds, or null when not a valid date
 * in years 0001–9999.
 */
export function parseDate(text: string): number | null {
  const m = dateRe.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null; // 2026-02-30 rolled over
  date.setUTCHours(hour, minute, second, Number(frac.padEnd(3, "0").slice(0, 3)));
  let ms = date.getTime();
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || "0");
    if (oh > 23 || om > 59) return null;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return ms >= firstMs && ms <= lastMs ? ms : null;
}

/** The ISO-8601 form Postgres reads back exactly (always UTC, always milliseconds). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Date and number macros, in UTC, from the injected `now`. */
export function macroValue(name: MacroName, now: Date): { type: "date" | "number"; value: number } {
  const t = now.getTime();
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  const at = (year: number, month: number, day: number, ms = 0) => {
    const date = new Date(0);
    date.setUTCFullYear(year, month, day);
    return date.getTime() + ms;
  };
  const dayMs = 86_400_000;
  switch (name) {
    case "now":
      return { type: "date", value: t };
    case "yesterday":
      return { type: "date", value: t - dayMs };
    case "tomorrow":
      return { type: "date", value: t + dayMs };
    case "second":
      return { type: "number", value: now.getUTCSeconds() };
    case "minute":
      return { type: "number", value: now.getUTCMinutes() };
    case "hour":
      return { type: "number", value: now.getUTCHours() };
    case "weekday":
      return { type: "number", value: now.getUTCDay() };
    case "day":
      return { type: "number", value: d };
    case "month":
      return { type: "number", value: m + 1 };
    case "year":
      return { type: "number", value: y };
    case "todayStart":
      return { type: "date", value: at(y, m, d) };
    case "todayEnd":
      return { type: "date", value: at(y, m, d + 1) - 1 };
    case "monthStart":
      return { type: "date", value: at(y, m, 1) };
    case "monthEnd":
      return { type: "date", value: at(y, m + 1, 1) - 1 };
    case "yearStart":
      return { type: "date", value: at(y, 0, 1) };
    case "yearEnd":
      return { type: "date", value: at(y + 1, 0, 1) - 1 };
  }
}

// Coercion ------------------------------------------------------------------------------------

const numberRe = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a request value (or a record value in API form) as `type`. "" is no value for every
 * type but text; anything that cannot be read is UNCOMPARABLE.
 */
export function coerce(type: ValueType, raw: unknown): Val {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case "text":
      if (typeof raw === "string") return isStorableText(raw) ? raw : UNCOMPARABLE;
      if (typeof raw === "number") return Number.isFinite(raw) ? String(raw) : UNCOMPARABLE;
      if (typeof raw === "boolean") return String(raw);
      return UNCOMPARABLE;
    case "number":
      if (typeof raw === "number") return Number.isFinite(raw) ? raw : UNCOMPARABLE;
      if (typeof raw === "string") {
        if (raw === "") return null;
        if (!numberRe.test(raw)) return UNCOMPARABLE;
        const n = Number(raw);
        return Number.isFinite(n) ? n : UNCOMPARABLE;
      }
      return UNCOMPARABLE;
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (raw === "") return null;
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0") return false;
      return UNCOMPARABLE;
    case "date": {
      if (typeof raw !== "string") return UNCOMPARABLE;
      if (raw === "") return null;
      return parseDate(raw) ?? UNCOMPARABLE;
    }
    case "json":
      return isSafeJson(raw) ? (raw as JsonValue) : UNCOMPARABLE;
  }
}

/** A value Postgres accepts as jsonb and gives back unchanged. */
export function isSafeJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "string") return isStorableText(value);
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isSafeJson(item, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(
      ([key, item]) => isStorableText(key) && item !== undefined && isSafeJson(item, depth + 1),
    );
  }
  return false;
}

/** jsonb equality: objects by key set, arrays in order, numbers by value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  const br = b as Record<string, unknown>;
  return ak.every(
    (key) => Object.hasOwn(br, key) && jsonEqual((a as Record<string, unknown>)[key], br[key]),
  );
}

/**
 * `value #> path` as Postgres computes it: object keys, or non-negative array indexes written
 * in digits; anything else (or a missing key) is null.
 */
export function jsonAt(value: unknown, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return null;
      const index = Number(key);
      if (index > 2_147_483_647) return null;
      current = current[index];
    } else if (current !== null && typeof current === "object") {
      current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
    } else {
      return null;
    }
    if (current === undefined) return null;
  }
  return current ?? null;
}

// Comparison ----------------------------------------------------------------------------------

/** Equality treats an empty string as no value: `x = ""` holds for null and "". */
const isNullish = (v: Val): boolean => v === null || v === "";

/** One comparison of two items of the same type; never "unknown": always true or false. */
export function compareValues(op: CompareOp, type: ValueType, a: Val, b: Val): boolean {
  if (op === "!=") return !compareValues("=", type, a, b);
  if (op === "!~") return !compareValues("~", type, a, b);
  if (a === UNCOMPARABLE || b === UNCOMPARABLE) return false;
  if (type === "json") return compareJson(op, a, b);
  if (op === "=") {
    if (type === "text") return isNullish(a) ? isNullish(b) : a === b;
    return a === b;
  }
  if (a === null || b === null) return false;
  if (op === "~") {
    if (typeof a !== "string" || typeof b !== "string") return false;
    return likeMatch(lowerAscii(a), lowerAscii(b));
  }
  let order: number;
  if (type === "text" && typeof a === "string" && typeof b === "string") order = compareText(a, b);
  else if (
    (type === "number" || type === "date") &&
    typeof a === "number" &&
    typeof b === "number"
  ) {
    order = a - b;
  } else return false; // bool has no order
  return orderHolds(op, order);
}

function orderHolds(op: CompareOp, order: number): boolean {
  switch (op) {
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    default:
      return false;
  }
}

/**
 * JSON values compare as scalars: a string with a string, a number with a number, a boolean
 * with a boolean; null, a missing key and "" are all no value; objects and arrays equal
 * nothing.
 */
function compareJson(op: CompareOp, a: Val, b: Val): boolean {
  if (op === "=") {
    const an = isNullish(a);
    const bn = isNullish(b);
    if (an || bn) return an && bn;
    return typeof a !== "object" && typeof a === typeof b && a === b;
  }
  if (op === "~") {
    return (
      typeof a === "string" && typeof b === "string" && likeMatch(lowerAscii(a), lowerAscii(b))
    );
  }
  if (typeof a === "string" && typeof b === "string") return orderHolds(op, compareText(a, b));
  if (typeof a === "number" && typeof b === "number") return orderHolds(op, a - b);
  return false;
}

/**
 * Two request values (both known before any SQL exists): same JavaScript types compare as
 * that type, null as no value, anything else as text.
 */
export function compareDynamic(op: CompareOp, a: unknown, b: unknown): boolean {
  const kind = (v: unknown) => (v === null || v === undefined ? "null" : typeof v);
  const ka = kind(a);
  const kb = kind(b);
  if (ka === "null" || kb === "null") {
    const type: ValueType = ka === "number" || kb === "number" ? "number" : "text";
    return compareValues(op, type, coerce(type, a), coerce(type, b));
  }
  if (ka === kb && (ka === "number" || ka === "boolean" || ka === "string")) {
    const type: ValueType = ka === "number" ? "number" : ka === "boolean" ? "bool" : "text";
    return compareValues(op, type, coerce(type, a), coerce(type, b));
  }
  const text = (v: unknown): Val => (typeof v === "object" ? UNCOMPARABLE : coerce("text", v));
  return compareValues(op, "text", text(a), text(b));
}
