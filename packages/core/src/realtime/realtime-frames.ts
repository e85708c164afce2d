// Server-sent event framing (the WHATWG `text/event-stream` format). Data is always one line of
// JSON, so a frame never needs splitting; ids are outbox cursors (`<txid>.<position>`).

const encoder = new TextEncoder();

export function sseFrame(frame: { event?: string; id?: string; data?: unknown }): Uint8Array {
  let text = "";
  if (frame.event !== undefined) text += `event: ${frame.event}\n`;
  if (frame.id !== undefined) text += `id: ${frame.id}\n`;
  if (frame.data !== undefined) {
    text += `data: ${typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data)}\n`;
  }
  return encoder.encode(`${text}\n`);
}

/** Tells EventSource how long to wait before reconnecting (the SDK has its own backoff). */
export function sseRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${Math.round(ms)}\n\n`);
}

/**
 * A comment line keeps proxies from timing the stream out; with an id it also moves the
 * client's resume point past events it was not shown (an id-only message dispatches nothing).
 */
export function sseHeartbeat(cursor?: string): Uint8Array {
  return encoder.encode(cursor === undefined ? ":\n\n" : `:\nid: ${cursor}\n\n`);
}
