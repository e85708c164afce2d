// The request log's chart: one stacked bar per time bucket, by status class, drawn as plain SVG
// (no chart library). Screen readers get one summary (role="img"); each bar has a <title> that
// browsers show as its tooltip.
import type { RequestLogBucket, RequestLogStats } from "@cairn/client/admin";

const CLASSES = [
  { key: "s2xx", label: "2xx" },
  { key: "s3xx", label: "3xx" },
  { key: "s4xx", label: "4xx" },
  { key: "s5xx", label: "5xx" },
] as const;

const BAR = 10;
const GAP = 2;
const HEIGHT = 120;

function bucketLabel(at: string, seconds: number): string {
  const date = new Date(at);
  return seconds >= 86_400
    ? date.toLocaleDateString()
    : date.toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
}

function barTitle(bucket: RequestLogBucket, seconds: number): string {
  const parts = CLASSES.filter((c) => bucket[c.key] > 0).map((c) => `${c.label}: ${bucket[c.key]}`);
  const timing =
    bucket.avgMs === null ? "" : `; avg ${bucket.avgMs} ms, p95 ${bucket.p95Ms ?? "—"} ms`;
  return `${bucketLabel(bucket.at, seconds)}: ${bucket.total} request${bucket.total === 1 ? "" : "s"}${
    parts.length > 0 ? ` (${parts.join(", ")})` : ""
  }${timing}`;
}

export function chartSummary(stats: RequestLogStats): string {
  const { totals } = stats;
  const peak = stats.buckets.reduce((max, bucket) => Math.max(max, bucket.total), 0);
  const width =
    stats.bucketSeconds >= 3600
      ? `${stats.bucketSeconds / 3600} h`
      : `${stats.bucketSeconds / 60} min`;
  return `Requests from ${new Date(stats.from).toLocaleString()} to ${new Date(
    stats.to,
  ).toLocaleString()}: ${totals.total} in all (${totals.s2xx} 2xx, ${totals.s3xx} 3xx, ${
    totals.s4xx
  } 4xx, ${totals.s5xx} 5xx); at most ${peak} per ${width}.`;
}

export function LogsChart({ stats }: { stats: RequestLogStats }) {
  const peak = Math.max(1, ...stats.buckets.map((bucket) => bucket.total));
  const width = stats.buckets.length * (BAR + GAP);
  const first = stats.buckets[0];
  const last = stats.buckets.at(-1);
  return (
    <figure className="logs-chart" data-testid="logs-chart">
      <svg
        role="img"
        aria-label={chartSummary(stats)}
        viewBox={`0 0 ${Math.max(width, 1)} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="logs-chart-svg"
      >
        <line x1="0" x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="logs-chart-axis" />
        {stats.buckets.map((bucket, index) => {
          let y = HEIGHT;
          return (
            <g key={bucket.at} data-testid="logs-chart-bar" data-total={bucket.total}>
              <title>{barTitle(bucket, stats.bucketSeconds)}</title>
              {/* A full-height transparent hit area, so thin bars still show their tooltip. */}
              <rect x={index * (BAR + GAP)} y={0} width={BAR} height={HEIGHT} fill="transparent" />
              {CLASSES.map(({ key, label }) => {
                const count = bucket[key];
                if (count === 0) return null;
                const height = Math.max(1, (count / peak) * (HEIGHT - 4));
                y -= height;
                return (
                  <rect
                    key={key}
                    className={`logs-bar-${label}`}
                    x={index * (BAR + GAP)}
                    y={y}
                    width={BAR}
                    height={height}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="logs-chart-caption">
        <span>{first ? bucketLabel(first.at, stats.bucketSeconds) : ""}</span>
        <span className="logs-legend" aria-hidden="true">
          {CLASSES.map(({ key, label }) => (
            <span key={key} className="logs-legend-item">
              <span className={`logs-swatch logs-bar-${label}`} />
              {label} {stats.totals[key]}
            </span>
          ))}
          <span className="logs-legend-item">
            avg {stats.totals.avgMs ?? "—"} ms · p95 {stats.totals.p95Ms ?? "—"} ms
          </span>
        </span>
        <span>{last ? bucketLabel(last.at, stats.bucketSeconds) : ""}</span>
      </figcaption>
    </figure>
  );
}
