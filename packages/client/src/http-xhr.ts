// One request through XMLHttpRequest, the only API browsers and React Native give upload
// progress through. Answers the few parts of a Response the transport reads, so both paths
// share one error handling; must never be used when there is no XMLHttpRequest (Node).
import type { UploadProgress } from "./file-types.js";

/** What the transport reads of an answer: a Response, or an XHR made to look like one. */
export interface Answer {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface XhrInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Blob | FormData | ArrayBuffer | Uint8Array | undefined;
  signal?: AbortSignal | undefined;
  credentials?: RequestCredentials | undefined;
}

export function hasXhr(): boolean {
  return typeof XMLHttpRequest !== "undefined";
}

/** Rejects like fetch does: a TypeError for network failures, an AbortError when aborted. */
export function xhrSend(
  url: string,
  init: XhrInit,
  onProgress: (progress: UploadProgress) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { signal } = init;
    // Not a DOMException: React Native has none. The transport looks at the signal anyway.
    const aborted = () =>
      reject(Object.assign(new Error("The request was aborted."), { name: "AbortError" }));
    if (signal?.aborted) return aborted();
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = () => signal?.removeEventListener("abort", onAbort);
    xhr.open(init.method, url);
    for (const [name, value] of Object.entries(init.headers)) {
      // Browsers compute Content-Length themselves and log an error when a script sets it.
      if (name.toLowerCase() !== "content-length") xhr.setRequestHeader(name, value);
    }
    if (init.credentials === "include") xhr.withCredentials = true;
    xhr.upload.onprogress = (event) =>
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : undefined });
    xhr.onload = () => {
      settle();
      resolve({
        ok: xhr.status >= 200 && xhr.status < 300,
        status: xhr.status,
        statusText: xhr.statusText,
        headers: { get: (name) => xhr.getResponseHeader(name) },
        text: async () => xhr.responseText,
      });
    };
    xhr.onerror = xhr.ontimeout = () => {
      settle();
      reject(new TypeError("Network request failed"));
    };
    xhr.onabort = () => {
      settle();
      aborted();
    };
    signal?.addEventListener("abort", onAbort);
    xhr.send((init.body ?? null) as XMLHttpRequestBodyInit | null);
  });
}
