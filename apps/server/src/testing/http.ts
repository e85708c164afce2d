import type { App } from "../app.js";

/** One JSON API call through app.request(): the status and the parsed body (if any). */
export async function apiCall(
  app: App,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> | undefined } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON answers
): Promise<{ status: number; body: any }> {
  const response = await app.request(path, {
    method,
    headers: {
      ...options.headers,
      ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
