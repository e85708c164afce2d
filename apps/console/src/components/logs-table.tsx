// The request log's rows (time, method, path, status, duration, actor, request id) and one
// entry's details in a dialog. Paging ("Load more") belongs to the page.
import type { RequestLogEntry } from "@cairn/client/admin";
import * as Dialog from "@radix-ui/react-dialog";
import { useQuery } from "@tanstack/react-query";
import { admin } from "../api.js";
import { SettingsLoad } from "./settings-form.js";

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

export function StatusBadge({ status }: { status: number }) {
  return (
    <span className={`logs-status logs-status-${statusClass(status)}`} data-testid="logs-status">
      {status}
    </span>
  );
}

function shorten(text: string, length: number): string {
  return text.length > length + 1 ? `${text.slice(0, length)}…` : text;
}

/** "superuser:01a2010a-cdd9-…" → "superuser:01a2010a…"; the full ref is the cell's title. */
function shortActor(actor: string): string {
  const at = actor.lastIndexOf(":");
  return at === -1 ? actor : `${actor.slice(0, at + 1)}${shorten(actor.slice(at + 1), 8)}`;
}

function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

export function LogsTable({
  items,
  onOpen,
}: {
  items: RequestLogEntry[];
  onOpen: (id: number) => void;
}) {
  return (
    <div className="table-wrap">
      <table aria-label="Requests" className="logs-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Actor</th>
            <th scope="col" className="logs-narrow-hide">
              Request id
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((entry) => (
            <tr key={entry.id} data-testid="logs-row" data-status={entry.status}>
              <td className="logs-time">
                {new Date(entry.at).toLocaleString(undefined, {
                  dateStyle: "short",
                  timeStyle: "medium",
                })}
              </td>
              <td>
                <code>{entry.method}</code>
              </td>
              <th scope="row" className="logs-path">
                <code>{entry.path}</code>
              </th>
              <td>
                <StatusBadge status={entry.status} />
              </td>
              <td className="logs-number">{duration(entry.durationMs)}</td>
              <td className="logs-actor" title={entry.actor}>
                {shortActor(entry.actor)}
              </td>
              <td className="logs-request-id logs-narrow-hide" title={entry.requestId ?? undefined}>
                <code>{entry.requestId ? shorten(entry.requestId, 8) : "—"}</code>
              </td>
              <td>
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => onOpen(entry.id)}
                  data-testid="logs-row-open"
                  aria-label={`Details of ${entry.method} ${entry.path}`}
                >
                  Details
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LogEntryDialog({ id, onClose }: { id: number | null; onClose: () => void }) {
  const entry = useQuery({
    queryKey: ["logs", "entry", id],
    queryFn: ({ signal }) => admin.logs.get(id ?? 0, { signal }),
    enabled: id !== null,
  });
  const e = entry.data;
  return (
    <Dialog.Root open={id !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog card logs-detail" data-testid="logs-entry-dialog">
          <Dialog.Title>Request {id}</Dialog.Title>
          <Dialog.Description className="hint">
            What was stored for this request: never its query string, headers or body.
          </Dialog.Description>
          <SettingsLoad query={entry}>
            {e && (
              <dl className="logs-detail-list" data-testid="logs-entry">
                <dt>Time</dt>
                <dd>{new Date(e.at).toLocaleString()}</dd>
                <dt>Request</dt>
                <dd>
                  <code data-testid="logs-entry-request">
                    {e.method} {e.path}
                  </code>
                </dd>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={e.status} />
                  {e.errorCode && (
                    <code className="logs-error-code" data-testid="logs-entry-error-code">
                      {e.errorCode}
                    </code>
                  )}
                </dd>
                <dt>Duration</dt>
                <dd>{duration(e.durationMs)}</dd>
                <dt>Response size</dt>
                <dd>{e.responseBytes === null ? "—" : `${e.responseBytes} bytes`}</dd>
                <dt>Actor</dt>
                <dd>{e.actor}</dd>
                <dt>Client IP</dt>
                <dd>{e.ip ?? "—"}</dd>
                <dt>User agent</dt>
                <dd className="logs-wrap">{e.userAgent ?? "—"}</dd>
                <dt>Request id</dt>
                <dd>
                  <code>{e.requestId ?? "—"}</code>
                </dd>
              </dl>
            )}
          </SettingsLoad>
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <button type="button" className="button" data-testid="logs-entry-close">
                Close
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
