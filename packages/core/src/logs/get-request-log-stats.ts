// Requests over time for the console's chart: the same filters as the list, a range (default the
// last 24 h) cut into at most ~200 buckets of a width chosen from the range, counts by status
// class, mean and 95th percentile duration per bucket and overall.
import { queryRows, schema } from "@cairn/db";
import { and, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import {
  parseRequestLogFilters,
  type RequestLogFilterInput,
  requireLogsAdmin,
} from "./request-log-shared.js";

export interface RequestLogBucket {
  /** The bucket's start (ISO). */
  at: string;
  total: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  avgMs: number | null;
  p95Ms: number | null;
}

export interface RequestLogStats {
  from: string;
  to: string;
  /** The width of one bucket, in seconds. */
  bucketSeconds: number;
  buckets: RequestLogBucket[];
  totals: Omit<RequestLogBucket, "at">;
}

const minute = 60;
/** Widths tried in order; the first that covers the range in ≤ maxBuckets wins. */
const widths = [minute, 5 * minute, 15 * minute, 60 * minute, 6 * 60 * minute, 24 * 60 * minute];
const maxBuckets = 200;
/** The longest range asked for (retention is at most 90 days). */
const maxRangeDays = 366;

export function bucketSecondsFor(rangeSeconds: number): number {
  for (const width of widths) if (rangeSeconds / width <= maxBuckets) return width;
  const day = 24 * 60 * minute;
  return Math.ceil(rangeSeconds / maxBuckets / day) * day;
}

export async function getRequestLogStats({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RequestLogFilterInput;
}): Promise<RequestLogStats> {
  requireLogsAdmin(ctx);
  const parsed = parseRequestLogFilters(input);
  const to = parsed.to ?? ctx.now();
  const from = parsed.from ?? new Date(to.getTime() - 24 * 3600 * 1000);
  if (to.getTime() - from.getTime() > maxRangeDays * 86_400_000) {
    parsed.problems.from = {
      code: "invalid",
      message: `The range must be at most ${maxRangeDays} days.`,
    };
  }
  if (Object.keys(parsed.problems).length > 0) throw errors.validation(parsed.problems);
  const t = schema.requestLogs;
  const conditions: SQL[] = [...parsed.conditions];
  if (!parsed.from) conditions.push(sql`${t.at} >= ${from.toISOString()}::timestamptz`);
  if (!parsed.to) conditions.push(sql`${t.at} <= ${to.toISOString()}::timestamptz`);
  const where = and(...conditions);

  const rangeSeconds = Math.max(1, (to.getTime() - from.getTime()) / 1000);
  const width = bucketSecondsFor(rangeSeconds);
  // One statement (so one snapshot): the buckets and, as the empty grouping set, the totals.
  // Buckets are aligned on the epoch, so the same minute is the same bucket in every answer;
  // plain arithmetic rather than date_bin, which Postgres before 14 lacks.
  type Row = Omit<RequestLogBucket, "at"> & { bucket: string | null };
  const rows = await queryRows<Row>(
    ctx.db,
    sql`SELECT "bucket",
          count(*)::int AS "total",
          count(*) FILTER (WHERE "status" BETWEEN 200 AND 299)::int AS "s2xx",
          count(*) FILTER (WHERE "status" BETWEEN 300 AND 399)::int AS "s3xx",
          count(*) FILTER (WHERE "status" BETWEEN 400 AND 499)::int AS "s4xx",
          count(*) FILTER (WHERE "status" BETWEEN 500 AND 599)::int AS "s5xx",
          avg("duration_ms")::float8 AS "avgMs",
          percentile_cont(0.95) WITHIN GROUP (ORDER BY "duration_ms")::float8 AS "p95Ms"
        FROM (
          SELECT ${t.status} AS "status", ${t.durationMs} AS "duration_ms",
            (floor(extract(epoch FROM ${t.at}) / ${width}::int) * ${width}::int)::bigint::text AS "bucket"
          FROM ${t} WHERE ${where}
        ) AS "entries"
        GROUP BY GROUPING SETS (("bucket"), ())`,
  );
  const overall = rows.find((row) => row.bucket === null);

  const byStart = new Map<number, Row>();
  for (const row of rows) if (row.bucket !== null) byStart.set(Number(row.bucket), row);
  const buckets: RequestLogBucket[] = [];
  const first = Math.floor(from.getTime() / 1000 / width) * width;
  for (let start = first; start * 1000 <= to.getTime(); start += width) {
    const row = byStart.get(start);
    buckets.push({
      at: new Date(start * 1000).toISOString(),
      ...(row ? numbers(row) : empty()),
    });
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSeconds: width,
    buckets,
    totals: overall ? numbers(overall) : empty(),
  };
}

function empty(): Omit<RequestLogBucket, "at"> {
  return { total: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, avgMs: null, p95Ms: null };
}

/** Drivers differ in what they hand back for numbers; rounded to 0.01 ms. */
function numbers(row: Omit<RequestLogBucket, "at">): Omit<RequestLogBucket, "at"> {
  const ms = (value: unknown) =>
    value === null || value === undefined ? null : Math.round(Number(value) * 100) / 100;
  return {
    total: Number(row.total),
    s2xx: Number(row.s2xx),
    s3xx: Number(row.s3xx),
    s4xx: Number(row.s4xx),
    s5xx: Number(row.s5xx),
    avgMs: ms(row.avgMs),
    p95Ms: ms(row.p95Ms),
  };
}
