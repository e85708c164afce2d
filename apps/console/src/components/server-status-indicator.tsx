import { useServerStatus } from "../use-server-status.js";

/** A small readiness dot: the server answers /api/ready, and on which database. */
export function ServerStatusIndicator() {
  const status = useServerStatus();
  let text = "Checking the server…";
  let title = "";
  if (status.state === "ready") {
    text = `Server ready · ${status.readiness.database === "pglite" ? "PGlite" : "PostgreSQL"}`;
    title = `Checked at ${status.checkedAt.toLocaleTimeString()}`;
  } else if (status.state === "unavailable") {
    text = "Server unavailable";
    title = `${status.error.message} (checked at ${status.checkedAt.toLocaleTimeString()})`;
  }
  return (
    <output
      className={`server-status ${status.state}`}
      aria-live="polite"
      title={title}
      data-testid="server-status"
      data-state={status.state}
    >
      <span className="dot" aria-hidden="true" />
      {text}
    </output>
  );
}
