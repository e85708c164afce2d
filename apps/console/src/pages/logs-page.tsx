// Logs: the stored request log. A chart of requests over time by status class, filters kept in
// the URL, the newest requests first with "Load more", one entry's details, auto-refresh, and the
// `logs` setting (on/off, retention) in a small dialog.
import type { RequestLogFilters } from "@cairn/client/admin";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { admin } from "../api.js";
import { LoadMore } from "../components/load-more.js";
import { LogsChart } from "../components/logs-chart.js";
import { LogsFilters, RANGES, readView } from "../components/logs-filters.js";
import { LogSettingsDialog, useLogSettings } from "../components/logs-settings-dialog.js";
import { LogEntryDialog, LogsTable } from "../components/logs-table.js";
import { SettingsLoad } from "../components/settings-form.js";

const PAGE = 50;
const REFRESH_MS = 5000;

export function LogsPage() {
  const [params, setParams] = useSearchParams();
  const view = readView(params);
  const [live, setLive] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const settings = useLogSettings();
  const rangeMs = RANGES.find((r) => r.value === view.range)!.ms;
  const filters: RequestLogFilters = {
    ...(view.status && { status: view.status }),
    ...(view.method && { method: view.method }),
    ...(view.path && { path: view.path }),
    ...(view.minDuration && { minDuration: Number(view.minDuration) }),
  };
  const refetchInterval = live ? REFRESH_MS : (false as const);
  const stats = useQuery({
    queryKey: ["logs", "stats", view],
    // The range ends now at every fetch, so auto-refresh moves the chart along.
    queryFn: ({ signal }) =>
      admin.logs.stats({ ...filters, from: new Date(Date.now() - rangeMs) }, { signal }),
    refetchInterval,
  });
  const list = useInfiniteQuery({
    queryKey: ["logs", "list", view],
    queryFn: ({ pageParam, signal }) =>
      admin.logs.list(
        {
          ...filters,
          from: new Date(Date.now() - rangeMs),
          limit: PAGE,
          ...(pageParam !== null && { before: pageParam }),
        },
        { signal },
      ),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval,
  });
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(filters).length > 0;
  return (
    <>
      <div className="page-header">
        <h1>Logs</h1>
        <div className="form-actions">
          <label className="checkbox logs-live">
            <input
              type="checkbox"
              checked={live}
              onChange={(event) => setLive(event.target.checked)}
              data-testid="logs-auto-refresh"
            />
            Auto-refresh
          </label>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              void stats.refetch();
              void list.refetch();
            }}
            data-testid="logs-refresh"
          >
            Refresh
          </button>
          <LogSettingsDialog />
        </div>
      </div>
      {settings.query.data && !settings.enabled && (
        <p className="notice logs-off" role="status" data-testid="logs-disabled">
          Request logging is off: new requests are not stored. Turn it on in Log settings.
        </p>
      )}
      <LogsFilters view={view} setParams={setParams} />
      <section className="card logs-section" aria-label="Requests over time">
        <SettingsLoad query={stats}>{stats.data && <LogsChart stats={stats.data} />}</SettingsLoad>
      </section>
      <section className="card logs-section" aria-label="Requests">
        <SettingsLoad query={list}>
          {list.data && items.length === 0 && (
            <p className="empty" data-testid="logs-empty">
              {filtered
                ? "No requests match these filters in this time range."
                : "No requests stored in this time range."}
            </p>
          )}
          {items.length > 0 && <LogsTable items={items} onOpen={setOpenId} />}
          <LoadMore
            shown={items.length}
            noun={["request", "requests"]}
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onMore={() => void list.fetchNextPage()}
            testId="logs"
          />
        </SettingsLoad>
      </section>
      <LogEntryDialog id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
