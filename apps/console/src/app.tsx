import { isCairnError } from "@cairn/client";
import { useServerStatus } from "./use-server-status.js";

export function App() {
  const status = useServerStatus();
  return (
    <div className="shell">
      <header className="topbar">
        <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={24} height={24} />
        <span className="brand">Cairn</span>
      </header>
      <main className="content">
        <h1>Server status</h1>
        <section className="card" aria-live="polite" data-testid="server-status">
          {status.state === "checking" && <p>Checking the server…</p>}
          {status.state === "ready" && (
            <dl>
              <dt>Status</dt>
              <dd>
                <span className="badge ok">Ready</span>
              </dd>
              <dt>Database</dt>
              <dd>{status.readiness.database === "pglite" ? "Embedded (PGlite)" : "PostgreSQL"}</dd>
              <dt>Checked</dt>
              <dd>{status.checkedAt.toLocaleTimeString()}</dd>
            </dl>
          )}
          {status.state === "unavailable" && (
            <dl>
              <dt>Status</dt>
              <dd>
                <span className="badge down">Unavailable</span>
              </dd>
              <dt>Reason</dt>
              <dd>{status.error.message}</dd>
              {isCairnError(status.error) && status.error.requestId && (
                <>
                  <dt>Request id</dt>
                  <dd>
                    <code>{status.error.requestId}</code>
                  </dd>
                </>
              )}
              <dt>Checked</dt>
              <dd>{status.checkedAt.toLocaleTimeString()}</dd>
            </dl>
          )}
        </section>
      </main>
    </div>
  );
}
