// One endpoint's delivery log: filtered by status and event type, newest first, paged back with
// the API's `before` cursor ("Load more"), each row with its latest attempt's status, latency and
// attempt count; a test event, redelivery of the failed ones, and one delivery's detail.
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookInfo } from "@cairn/client/admin";
import * as Dialog from "@radix-ui/react-dialog";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { admin } from "../api.js";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";
import { ListTable } from "./list-table.js";
import { LoadMore } from "./load-more.js";
import { SettingsLoad } from "./settings-form.js";

/** The API's default page; "Load more" fetches the next one. */
export const DELIVERIES_PAGE = 50;

const STATUS_LABEL: Record<WebhookDeliveryStatus, string> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
};

export function when(value: string | null): string {
  return value ? new Date(value).toLocaleString() : "—";
}

function latency(ms: number | null): string {
  return ms === null ? "—" : `${ms} ms`;
}

/** Waits for typing to pause before the value drives a query. */
function useSettled(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function WebhookDeliveries({ hook, queryKey }: { hook: WebhookInfo; queryKey: unknown[] }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<WebhookDeliveryStatus | "">("");
  const [typed, setTyped] = useState("");
  const eventType = useSettled(typed.trim());
  const [openId, setOpenId] = useState<string | null>(null);
  const typesId = useId();
  const deliveries = useInfiniteQuery({
    queryKey: [...queryKey, status, eventType],
    queryFn: ({ pageParam, signal }) =>
      admin.webhooks.deliveries(
        {
          webhookId: hook.id,
          ...(status && { status }),
          ...(eventType && { eventType }),
          ...(pageParam && { before: pageParam }),
          limit: DELIVERIES_PAGE,
        },
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    // The worker delivers in the background: follow pending deliveries closely until they
    // settle, and pick up new ones every few seconds.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((d) => d.status === "pending"))
        ? 1000
        : 5000,
  });
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? [];
  const knownTypes = [
    ...new Set([
      ...items.map((d) => d.eventType),
      ...hook.events.filter((pattern) => !pattern.includes("*")),
      "webhook.test",
    ]),
  ];
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  const test = useMutation({
    mutationFn: () => admin.webhooks.test(hook.id),
    onSuccess: refresh,
  });
  const redeliverAll = useMutation({
    mutationFn: () => admin.webhooks.redeliverFailed(hook.id),
    onSuccess: refresh,
  });
  const filtered = status !== "" || eventType !== "";
  return (
    <section className="card settings-section" aria-label="Deliveries">
      <div className="settings-section-header">
        <h2>Deliveries</h2>
        <div className="form-actions">
          <button
            type="button"
            className="button secondary"
            onClick={() => void refresh()}
            data-testid="webhook-deliveries-refresh"
          >
            Refresh
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={redeliverAll.isPending}
            onClick={() => redeliverAll.mutate()}
            data-testid="webhook-redeliver-failed"
          >
            Redeliver failed
          </button>
          <button
            type="button"
            className="button"
            disabled={test.isPending}
            onClick={() => test.mutate()}
            data-testid="webhook-test"
          >
            {test.isPending ? "Sending…" : "Send test event"}
          </button>
        </div>
      </div>
      <div className="webhooks-filters">
        <label className="webhooks-status-filter">
          Status{" "}
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value as WebhookDeliveryStatus | "")}
            data-testid="webhook-deliveries-status"
          >
            <option value="">All</option>
            <option value="pending">Pending</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label className="webhooks-status-filter">
          Event type{" "}
          <input
            type="search"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            list={typesId}
            placeholder="e.g. posts.created"
            autoComplete="off"
            spellCheck={false}
            data-testid="webhook-deliveries-event-type"
          />
        </label>
        <datalist id={typesId}>
          {knownTypes.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </div>
      <ErrorBanner error={shownError(test.error ?? redeliverAll.error)} />
      {redeliverAll.data && (
        <p className="notice" role="status" data-testid="webhook-redelivered">
          {redeliverAll.data.count === 1
            ? "1 delivery queued again."
            : `${redeliverAll.data.count} deliveries queued again.`}
        </p>
      )}
      <SettingsLoad query={deliveries}>
        <ListTable
          items={deliveries.data && items}
          label="Delivery log"
          columns={[
            "Event",
            "Status",
            "Attempts",
            "Response",
            "Latency",
            "Last attempt",
            "Created",
          ]}
          actions
          empty={filtered ? "No deliveries match these filters." : "No deliveries yet."}
          emptyTestId="webhook-deliveries-empty"
        >
          {(items) =>
            items.map((delivery) => (
              <DeliveryRow
                key={delivery.id}
                delivery={delivery}
                onOpen={() => setOpenId(delivery.id)}
              />
            ))
          }
        </ListTable>
        <LoadMore
          shown={items.length}
          noun={["delivery", "deliveries"]}
          hasMore={deliveries.hasNextPage}
          loading={deliveries.isFetchingNextPage}
          onMore={() => void deliveries.fetchNextPage()}
          testId="webhook-deliveries"
        />
      </SettingsLoad>
      <DeliveryDialog id={openId} onClose={() => setOpenId(null)} onRedelivered={refresh} />
    </section>
  );
}

function DeliveryRow({ delivery, onOpen }: { delivery: WebhookDelivery; onOpen: () => void }) {
  return (
    <tr data-testid={`webhook-delivery-${delivery.id}`} data-status={delivery.status}>
      <th scope="row">
        <code>{delivery.eventType}</code>
      </th>
      <td data-testid="webhook-delivery-status">
        {STATUS_LABEL[delivery.status]}
        {delivery.lastError && <p className="hint">{delivery.lastError}</p>}
      </td>
      <td data-testid="webhook-delivery-attempts">{delivery.attempts}</td>
      <td data-testid="webhook-delivery-response">{delivery.lastStatus ?? "—"}</td>
      <td data-testid="webhook-delivery-latency">{latency(delivery.lastLatencyMs)}</td>
      <td>{when(delivery.lastAttemptAt)}</td>
      <td>{when(delivery.created)}</td>
      <td>
        <button
          type="button"
          className="button secondary small"
          onClick={onOpen}
          data-testid="webhook-delivery-open"
        >
          Details
        </button>
      </td>
    </tr>
  );
}

function DeliveryDialog({
  id,
  onClose,
  onRedelivered,
}: {
  id: string | null;
  onClose: () => void;
  onRedelivered: () => unknown;
}) {
  const detail = useQuery({
    queryKey: ["webhook-delivery", id],
    queryFn: ({ signal }) => admin.webhooks.delivery(id ?? "", { signal }),
    enabled: id !== null,
    // After a redelivery, follow it until the worker settles it.
    refetchInterval: (query) => (query.state.data?.status === "pending" ? 1000 : false),
  });
  const redeliver = useMutation({
    mutationFn: () => admin.webhooks.redeliver(id ?? ""),
    onSuccess: async () => {
      await detail.refetch();
      await onRedelivered();
    },
  });
  return (
    <Dialog.Root
      open={id !== null}
      onOpenChange={(open) => {
        if (!open) {
          redeliver.reset();
          onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog card webhooks-delivery"
          data-testid="webhook-delivery-dialog"
        >
          <Dialog.Title>Delivery {id}</Dialog.Title>
          <Dialog.Description className="hint">
            The webhook-id the receiver saw, the body sent, and every attempt.
          </Dialog.Description>
          <SettingsLoad query={detail}>
            {detail.data && (
              <>
                <p data-testid="webhook-delivery-summary">
                  <strong>{STATUS_LABEL[detail.data.status]}</strong> after {detail.data.attempts}{" "}
                  attempt{detail.data.attempts === 1 ? "" : "s"}
                  {detail.data.nextAttemptAt && `; next at ${when(detail.data.nextAttemptAt)}`}
                </p>
                <h3>Payload</h3>
                <pre className="webhooks-pre" data-testid="webhook-delivery-payload">
                  {JSON.stringify(detail.data.payload, null, 2)}
                </pre>
                <h3>Attempts</h3>
                {detail.data.attemptLog.length === 0 && <p className="hint">None yet.</p>}
                <ol className="webhooks-attempts">
                  {detail.data.attemptLog.map((attempt) => (
                    <li
                      key={attempt.attempt}
                      data-testid="webhook-attempt"
                      data-status={attempt.status ?? "none"}
                    >
                      <p>
                        #{attempt.attempt} at {when(attempt.at)}:{" "}
                        <strong>{attempt.status ?? "no answer"}</strong> in{" "}
                        <span data-testid="webhook-attempt-latency">{attempt.latencyMs} ms</span>
                        {attempt.error && ` (${attempt.error})`}
                      </p>
                      {attempt.response && <pre className="webhooks-pre">{attempt.response}</pre>}
                    </li>
                  ))}
                </ol>
              </>
            )}
          </SettingsLoad>
          <ErrorBanner error={shownError(redeliver.error)} />
          {redeliver.isSuccess && (
            <p className="notice" role="status">
              Queued again.
            </p>
          )}
          <div className="dialog-actions">
            <button
              type="button"
              className="button secondary"
              disabled={redeliver.isPending}
              onClick={() => redeliver.mutate()}
              data-testid="webhook-redeliver"
            >
              Redeliver
            </button>
            <Dialog.Close asChild>
              <button type="button" className="button">
                Close
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
