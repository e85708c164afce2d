// A server-sent events reader over a fetch body (no EventSource: React Native and Node have
// none, and it cannot send an Authorization header). Follows the WHATWG parsing rules the
// server's frames need: event, id, data, comments; CR, LF or CRLF line ends.

export interface SseMessage {
  event: string;
  data: string;
}

/**
 * Reads `body` to its end, calling `onId` whenever the stream sets an id (a message's, or an
 * id-only checkpoint) and `onMessage` for each message with data, in stream order.
 */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void,
  onId: (id: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  const line = (text: string) => {
    if (text === "") {
      if (id !== undefined) onId(id);
      if (data.length > 0) onMessage({ event: event || "message", data: data.join("\n") });
      event = "";
      data = [];
      id = undefined;
      return;
    }
    const colon = text.indexOf(":");
    if (colon === 0) return;
    const name = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "event") event = value;
    else if (name === "data") data.push(value);
    else if (name === "id" && !value.includes("\0")) id = value;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        // A CR held back for a LF that never came ended its line after all.
        if (buffer.endsWith("\r")) line(buffer.slice(0, -1));
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.search(/[\r\n]/);
      while (end >= 0) {
        // A CR at the very end may be half of a CRLF: wait for the next chunk.
        if (buffer[end] === "\r" && end === buffer.length - 1) break;
        line(buffer.slice(0, end));
        buffer = buffer.slice(buffer[end] === "\r" && buffer[end + 1] === "\n" ? end + 2 : end + 1);
        end = buffer.search(/[\r\n]/);
      }
    }
  } finally {
    reader.releaseLock();
  }
}
