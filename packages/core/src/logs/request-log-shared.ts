// Shared by the request log's verbs: the entry shape, who may read the log, and the filters
// (parsed from query-string values) turned into parameterised SQL conditions.
import { schema } from "@cairn/db";
import { and, eq, gte, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";

/** What the transport hands the writer for one finished request. */
export interface RequestLogEntry {
  at: Date;
  method: string;
  /** Without the query string, always. */
  path: string;
  status: number;
  durationMs: number;
  requestId?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** actorRef() of whoever made the request. */
  actor: string;
  responseBytes?: number | undefined;
  errorCode?: string | undefined;
}

/** One stored request, as the admin API answers it. */
export interface RequestLogItem {
  id: number;
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  actor: string;
  responseBytes: number | null;
  errorCode: string | null;
}

type RequestLogRow = typeof schema.requestLogs.$inferSelect;

export function requestLogItem(row: RequestLogRow): RequestLogItem {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    method: row.method,
    path: row.path,
    status: row.status,
    durationMs: row.durationMs,
    requestId: row.requestId,
    ip: row.ip,
    userAgent: row.userAgent,
    actor: row.actor,
    responseBytes: row.responseBytes,
    errorCode: row.errorCode,
  };
}

/** Longest path and User-Agent kept; the rest is cut. */
export const maxPathLength = 2000;
export const maxUserAgentLength = 256;

export function requireLogsAdmin(ctx: Ctx): void {
  requireAdmin(ctx, { task: "read the request log", apiKeys: false });
}

/** The filters the list and the stats share; every value as it came in the query string. */
export interface RequestLogFilterInput {
  /** "404", "4xx", or a comma-separated list of either: "401,403,5xx". */
  status?: string | undefined;
  /** One method or a comma-separated list. */
  method?: string | undefined;
  /** Starting with "/": a prefix; otherwise a substring. */
  path?: string | undefined;
  minDuration?: string | number | undefined;
  maxDuration?: string | number | undefined;
  /** ISO 8601 instants. */
  from?: string | undefined;
  to?: string | undefined;
  requestId?: string | undefined;
  /** An actor ref ("superuser:<id>") or a kind ("superuser", "user", "apiKey", "anonymous"). */
  actor?: string | undefined;
}

type FieldProblems = Record<string, { code: string; message: string }>;

const methodPattern = /^[A-Z]{1,20}$/;
const statusPattern = /^[1-5](?:xx|\d\d)$/;

/** "abc%_\" → "abc\%\_\\": the user's text is matched literally inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function parseInstant(value: string | undefined, field: string, problems: FieldProblems) {
  if (value === undefined || value === "") return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    problems[field] = { code: "invalid", message: "Must be an ISO 8601 date and time." };
    return undefined;
  }
  return new Date(time);
}

function parseMs(value: string | number | undefined, field: string, problems: FieldProblems) {
  if (value === undefined || value === "") return undefined;
  const ms = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(ms) || ms < 0) {
    problems[field] = { code: "invalid", message: "Must be a number of milliseconds, 0 or more." };
    return undefined;
  }
  return ms;
}

export interface ParsedFilters {
  conditions: SQL[];
  from?: Date | undefined;
  to?: Date | undefined;
  problems: FieldProblems;
}

/**
 * Checks every filter and builds its condition; problems are collected, not thrown, so the
 * caller can add its own (limit, cursor) and answer them all at once.
 */
export function parseRequestLogFilters(input: RequestLogFilterInput): ParsedFilters {
  const t = schema.requestLogs;
  const problems: FieldProblems = {};
  const conditions: SQL[] = [];

  if (input.status !== undefined && input.status !== "") {
    const parts = input.status.split(",").map((part) => part.trim().toLowerCase());
    if (parts.length > 20 || parts.some((part) => !statusPattern.test(part))) {
      problems.status = {
        code: "invalid",
        message: "Must be a status such as 404, a class such as 4xx, or a comma-separated list.",
      };
    } else {
      const any = parts.map((part) => {
        if (!part.endsWith("xx")) return eq(t.status, Number(part));
        const base = Number(part[0]) * 100;
        return and(gte(t.status, base), lt(t.status, base + 100))!;
      });
      conditions.push(any.length === 1 ? any[0]! : or(...any)!);
    }
  }

  if (input.method !== undefined && input.method !== "") {
    const methods = input.method.split(",").map((m) => m.trim().toUpperCase());
    if (methods.length > 10 || methods.some((m) => !methodPattern.test(m))) {
      problems.method = { code: "invalid", message: "Must be an HTTP method such as GET." };
    } else {
      conditions.push(
        methods.length === 1
          ? eq(t.method, methods[0]!)
          : or(...methods.map((m) => eq(t.method, m)))!,
      );
    }
  }

  if (input.path !== undefined && input.path !== "") {
    if (input.path.length > maxPathLength) {
      problems.path = { code: "invalid", message: `Must be at most ${maxPathLength} characters.` };
    } else {
      const escaped = escapeLike(input.path);
      const pattern = input.path.startsWith("/") ? `${escaped}%` : `%${escaped}%`;
      conditions.push(sql`${t.path} LIKE ${pattern} ESCAPE '\\'`);
    }
  }

  const minDuration = parseMs(input.minDuration, "minDuration", problems);
  const maxDuration = parseMs(input.maxDuration, "maxDuration", problems);
  if (minDuration !== undefined) conditions.push(gte(t.durationMs, minDuration));
  if (maxDuration !== undefined) conditions.push(lte(t.durationMs, maxDuration));

  const from = parseInstant(input.from, "from", problems);
  const to = parseInstant(input.to, "to", problems);
  if (from && to && from.getTime() > to.getTime()) {
    problems.to = { code: "invalid", message: "Must not be before `from`." };
  }
  // ISO strings with casts: postgres.js takes no Date objects as raw parameters.
  if (from) conditions.push(sql`${t.at} >= ${from.toISOString()}::timestamptz`);
  if (to) conditions.push(sql`${t.at} <= ${to.toISOString()}::timestamptz`);

  if (input.requestId !== undefined && input.requestId !== "") {
    conditions.push(eq(t.requestId, input.requestId));
  }

  if (input.actor !== undefined && input.actor !== "") {
    if (input.actor.length > 300) {
      problems.actor = { code: "invalid", message: "Must be at most 300 characters." };
    } else if (input.actor.includes(":") || input.actor === "anonymous") {
      conditions.push(eq(t.actor, input.actor));
    } else {
      // A kind alone: every actor of that kind.
      conditions.push(sql`${t.actor} LIKE ${`${escapeLike(input.actor)}:%`} ESCAPE '\\'`);
    }
  }

  return { conditions, from, to, problems };
}
