import { type CairnError, isCairnError, type Readiness } from "@cairn/client";
import { useEffect, useState } from "react";
import { cairn } from "./api.js";

export type ServerStatus =
  | { state: "checking" }
  | { state: "ready"; readiness: Readiness; checkedAt: Date }
  | { state: "unavailable"; error: CairnError | Error; checkedAt: Date };

/** Polls the server's readiness; the last answer wins, stale ones are aborted. */
export function useServerStatus(intervalMs = 5_000): ServerStatus {
  const [status, setStatus] = useState<ServerStatus>({ state: "checking" });
  useEffect(() => {
    let controller: AbortController | undefined;
    const check = async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const readiness = await cairn.ready({ signal: controller.signal });
        setStatus({ state: "ready", readiness, checkedAt: new Date() });
      } catch (error) {
        if (isCairnError(error) && error.code === "ABORTED") return;
        setStatus({ state: "unavailable", error: error as Error, checkedAt: new Date() });
      }
    };
    void check();
    const timer = setInterval(check, intervalMs);
    return () => {
      clearInterval(timer);
      controller?.abort();
    };
  }, [intervalMs]);
  return status;
}
