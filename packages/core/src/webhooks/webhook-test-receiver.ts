// Test tooling: an HTTP receiver on 127.0.0.1 that records every request and answers as the
// test says. Not exported from the package.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface TestReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** How to answer the next requests (default 200); null: never answer. */
  answer: (request: ReceivedRequest) => Answer | null;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<TestReceiver> {
  const receiver: TestReceiver = {
    url: "",
    port: 0,
    requests: [],
    answer: () => ({ status: 200, body: "ok" }),
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received = {
        path: request.url ?? "/",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      receiver.requests.push(received);
      const answer = receiver.answer(received);
      if (!answer) return;
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
