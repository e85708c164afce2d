// The Logs page's filters, kept in the URL's search params so a filtered view can be shared and
// survives a reload: time range, status (a class or an exact code), method, path, min duration.
import { useEffect, useRef, useState } from "react";
import type { SetURLSearchParams } from "react-router";

export const RANGES = [
  { value: "1h", label: "Last hour", ms: 3600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
] as const;
export type RangeValue = (typeof RANGES)[number]["value"];

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD"];
const CLASSES = ["2xx", "3xx", "4xx", "5xx"];

export interface LogsView {
  range: RangeValue;
  status: string;
  method: string;
  path: string;
  minDuration: string;
}

export function readView(params: URLSearchParams): LogsView {
  const range = params.get("range");
  return {
    range: RANGES.some((r) => r.value === range) ? (range as RangeValue) : "24h",
    status: params.get("status") ?? "",
    method: params.get("method") ?? "",
    path: params.get("path") ?? "",
    minDuration: params.get("minDuration") ?? "",
  };
}

/** Waits for typing to pause before the value goes to the URL (and so to the queries). */
function useDebouncedInput(value: string, commit: (value: string) => void) {
  const [typed, setTyped] = useState(value);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => setTyped(value), [value]);
  useEffect(() => {
    if (typed === value) return;
    const timer = setTimeout(() => commitRef.current(typed), 350);
    return () => clearTimeout(timer);
  }, [typed, value]);
  return [typed, setTyped] as const;
}

export function LogsFilters({
  view,
  setParams,
}: {
  view: LogsView;
  setParams: SetURLSearchParams;
}) {
  const set = (key: keyof LogsView, value: string) =>
    setParams(
      (params) => {
        const next = new URLSearchParams(params);
        if (value === "" || (key === "range" && value === "24h")) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );
  const isClass = CLASSES.includes(view.status);
  const [path, setPath] = useDebouncedInput(view.path, (value) => set("path", value.trim()));
  const [minDuration, setMinDuration] = useDebouncedInput(view.minDuration, (value) =>
    set("minDuration", value.trim()),
  );
  const [exact, setExact] = useDebouncedInput(isClass ? "" : view.status, (value) =>
    set("status", value.trim()),
  );
  const filtered = view.status || view.method || view.path || view.minDuration;
  return (
    <fieldset className="logs-filters">
      <legend className="visually-hidden">Filters</legend>
      <label className="logs-filter">
        Range{" "}
        <select
          value={view.range}
          onChange={(event) => set("range", event.target.value)}
          data-testid="logs-range"
        >
          {RANGES.map((range) => (
            <option key={range.value} value={range.value}>
              {range.label}
            </option>
          ))}
        </select>
      </label>
      <label className="logs-filter">
        Status{" "}
        <select
          value={isClass ? view.status : ""}
          onChange={(event) => {
            setExact("");
            set("status", event.target.value);
          }}
          data-testid="logs-filter-status"
        >
          <option value="">{view.status && !isClass ? "Exact code" : "All"}</option>
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label className="logs-filter">
        Code{" "}
        <input
          type="text"
          inputMode="numeric"
          size={6}
          placeholder="e.g. 404"
          value={exact}
          onChange={(event) => setExact(event.target.value)}
          data-testid="logs-filter-status-exact"
        />
      </label>
      <label className="logs-filter">
        Method{" "}
        <select
          value={view.method}
          onChange={(event) => set("method", event.target.value)}
          data-testid="logs-filter-method"
        >
          <option value="">All</option>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label className="logs-filter logs-filter-path">
        Path{" "}
        <input
          type="search"
          placeholder="/api/collections/ or part of a path"
          value={path}
          onChange={(event) => setPath(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          data-testid="logs-filter-path"
        />
      </label>
      <label className="logs-filter">
        Slower than (ms){" "}
        <input
          type="number"
          min={0}
          size={6}
          value={minDuration}
          onChange={(event) => setMinDuration(event.target.value)}
          data-testid="logs-filter-min-duration"
        />
      </label>
      {filtered && (
        <button
          type="button"
          className="button secondary small"
          onClick={() =>
            setParams(
              (params) => {
                const next = new URLSearchParams();
                const range = params.get("range");
                if (range) next.set("range", range);
                return next;
              },
              { replace: true },
            )
          }
          data-testid="logs-filter-clear"
        >
          Clear filters
        </button>
      )}
    </fieldset>
  );
}
