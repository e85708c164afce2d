import { describe, expect, it } from "vitest";
import { readSse, type SseMessage } from "./realtime-sse.js";

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function parse(chunks: string[]) {
  const messages: SseMessage[] = [];
  const ids: string[] = [];
  await readSse(
    body(chunks),
    (m) => messages.push(m),
    (id) => ids.push(id),
  );
  return { messages, ids };
}

describe("readSse", () => {
  it("reads events, ids, comments and multi-line data, split anywhere", async () => {
    const text =
      'retry: 2000\n\n: hi\nevent: connect\nid: 1.2\ndata: {"a":1}\n\ndata: x\ndata: y\n\n:\nid: 3.4\n\n';
    for (const size of [1, 3, 7, text.length]) {
      const chunks = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await parse(chunks)).toEqual({
        messages: [
          { event: "connect", data: '{"a":1}' },
          { event: "message", data: "x\ny" },
        ],
        ids: ["1.2", "3.4"],
      });
    }
  });

  it("accepts CRLF and CR line ends, even split between chunks", async () => {
    const { messages } = await parse(["event: a\r", "\ndata: 1\r\n\r", "\nevent: b\rdata: 2\r\r"]);
    expect(messages).toEqual([
      { event: "a", data: "1" },
      { event: "b", data: "2" },
    ]);
  });

  it("ignores a message cut off by the end of the stream", async () => {
    expect((await parse(["data: whole\n\ndata: half"])).messages).toEqual([
      { event: "message", data: "whole" },
    ]);
  });
});
