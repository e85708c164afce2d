// One delivery attempt over HTTP: POST the body with its headers through a keep-alive agent
// whose DNS lookup is the SSRF guard, give up after the timeout, never follow a redirect (a 3xx
// is a failed attempt), and keep at most 1 KB of the answer for the delivery log.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import {
  BlockedAddressError,
  guardedLookup,
  isPrivateAddress,
  type Resolve,
  systemResolve,
} from "./webhook-address.js";

export interface SendInput {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The `webhooks.allowPrivateAddresses` setting. */
  allowPrivate: boolean;
  signal?: AbortSignal | undefined;
}

export interface SendOutcome {
  /** The HTTP status; null when no answer came. */
  status: number | null;
  /** The Retry-After header, as received. */
  retryAfter: string | null;
  latencyMs: number;
  /** At most `excerptBytes` of the body, as text. */
  response: string | null;
  error: string | null;
  /** Stopped by the signal (the worker is stopping): not an attempt. */
  aborted: boolean;
}

export interface WebhookSender {
  send(input: SendInput): Promise<SendOutcome>;
  close(): void;
}

export const excerptBytes = 1024;
/** Past this much body the connection is dropped rather than drained. */
const drainLimit = 1024 * 1024;

export interface WebhookSenderOptions {
  /** Per attempt, connection to last byte (default 15 s). */
  timeoutMs?: number;
  /** Host names → addresses (tests point names at loopback). */
  resolve?: Resolve;
  /** Open connections per origin (default 256). */
  maxSockets?: number;
  userAgent?: string;
}

export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const resolve = options.resolve ?? systemResolve;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    maxFreeSockets: 64,
    // Idle sockets go before a typical server's 60 s keep-alive would drop them under us.
    timeout: 30_000,
  };
  // Two pools: a socket opened while private addresses were allowed must not be reused once
  // they are not.
  const agents = {
    guarded: {
      http: new http.Agent({ ...agentOptions, lookup: guardedLookup(resolve, false) }),
      https: new https.Agent({ ...agentOptions, lookup: guardedLookup(resolve, false) }),
    },
    open: {
      http: new http.Agent({ ...agentOptions, lookup: guardedLookup(resolve, true) }),
      https: new https.Agent({ ...agentOptions, lookup: guardedLookup(resolve, true) }),
    },
  };
  const userAgent = options.userAgent ?? "Cairn-Webhooks/1";

  function send(input: SendInput): Promise<SendOutcome> {
    const started = performance.now();
    const failed = (error: string, aborted = false): SendOutcome => ({
      status: null,
      retryAfter: null,
      latencyMs: Math.round(performance.now() - started),
      response: null,
      error,
      aborted,
    });
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      return Promise.resolve(failed("The URL is not valid."));
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return Promise.resolve(failed("Only http and https URLs are delivered to."));
    }
    // A literal IP connects without a lookup, so the guard looks at it here.
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (!input.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
      return Promise.resolve(failed(new BlockedAddressError(host, host).message));
    }
    const pool = input.allowPrivate ? agents.open : agents.guarded;
    const agent = url.protocol === "https:" ? pool.https : pool.http;
    const transport = url.protocol === "https:" ? https : http;
    const body = Buffer.from(input.body);

    return new Promise<SendOutcome>((settle) => {
      let done = false;
      let status: number | null = null;
      let retryAfter: string | null = null;
      const chunks: Buffer[] = [];
      let kept = 0;
      const finish = (error: string | null, aborted = false) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        input.signal?.removeEventListener("abort", onAbort);
        const excerpt = Buffer.concat(chunks).subarray(0, excerptBytes);
        settle({
          status,
          retryAfter,
          latencyMs: Math.round(performance.now() - started),
          // A cut multi-byte character decodes as U+FFFD; that is fine for a log excerpt.
          response: status === null ? null : excerpt.toString("utf8"),
          error,
          aborted,
        });
      };
      const request = transport.request(url, {
        method: "POST",
        agent,
        headers: {
          ...input.headers,
          "content-type": "application/json",
          "content-length": String(body.length),
          "user-agent": userAgent,
        },
      });
      const timer = setTimeout(() => {
        finish(`No complete answer within ${timeoutMs / 1000} s.`);
        request.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish("The worker stopped.", true);
        request.destroy();
      };
      input.signal?.addEventListener("abort", onAbort, { once: true });
      request.on("response", (response) => {
        status = response.statusCode ?? null;
        const header = response.headers["retry-after"];
        retryAfter = typeof header === "string" ? header : null;
        let seen = 0;
        response.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (kept < excerptBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          if (seen > drainLimit) {
            finish(null);
            response.destroy();
          }
        });
        response.on("end", () => finish(null));
        response.on("error", (error) => finish(error.message));
      });
      request.on("error", (error) => finish(error.message || "The request failed."));
      if (input.signal?.aborted) onAbort();
      else request.end(body);
    });
  }

  return {
    send,
    close() {
      for (const pool of Object.values(agents)) {
        pool.http.destroy();
        pool.https.destroy();
      }
    },
  };
}
