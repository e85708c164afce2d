// The load generator of the posts benchmark, a process of its own (started by posts.ts from
// bench/dist) so it never shares an event loop with a server: autocannon keeps a fixed number of
// requests in flight, warms up, measures, and prints one JSON line with the result.
import { readFileSync } from "node:fs";
import autocannon, { type Request } from "autocannon";

export type Operation = "get" | "list" | "create" | "update";

export interface LoadUser {
  id: string;
  token: string;
  /** Ids of this user's own posts (published or not). */
  own: string[];
}

export interface LoadConfig {
  url: string;
  operation: Operation;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  users: LoadUser[];
  /** Ids of published posts: anyone signed in may read them. */
  published: string[];
}

export interface LoadResult {
  requests: number;
  /** Answered requests including the warm-up's (to share out CPU time measured around both). */
  allRequests: number;
  /** Answers with the expected status per second of the measured run. */
  perSecond: number;
  p50: number;
  p99: number;
  /** Any other status (or a transport error or a timeout): the run is not valid. */
  unexpected: number;
  statuses: Record<string, number>;
}

const listQuery = "filter=published%20%3D%20true&sort=-views&perPage=50";
const recordsPath = "/api/collections/posts/records";
const text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ";
const longBody = text.repeat(7).slice(0, 500);

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** One request of the operation, as a random user of the set. */
function nextRequest(config: LoadConfig, n: number): Request {
  const user = pick(config.users);
  const headers: Record<string, string> = { authorization: `Bearer ${user.token}` };
  switch (config.operation) {
    case "get": {
      // Mostly other people's published posts; one in five the user's own (maybe unpublished).
      const id = Math.random() < 0.2 ? pick(user.own) : pick(config.published);
      return { method: "GET", path: `${recordsPath}/${id}`, headers };
    }
    case "list":
      return { method: "GET", path: `${recordsPath}?${listQuery}`, headers };
    case "create":
      return {
        method: "POST",
        path: recordsPath,
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({
          title: `A new post ${n}`,
          body: longBody,
          published: Math.random() < 0.5,
          views: Math.floor(Math.random() * 1000),
          owner: user.id,
        }),
      };
    case "update":
      return {
        method: "PATCH",
        path: `${recordsPath}/${pick(user.own)}`,
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({
          title: `An edited post ${n}`,
          views: Math.floor(Math.random() * 100_000),
        }),
      };
  }
}

const expected: Record<Operation, number> = { get: 200, list: 200, create: 201, update: 200 };

async function run(config: LoadConfig, seconds: number): Promise<LoadResult> {
  let n = 0;
  const statuses: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: config.url,
        connections: config.connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: [{ setupRequest: (request) => ({ ...request, ...nextRequest(config, n++) }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
  const good = statuses[expected[config.operation]] ?? 0;
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    requests: answered,
    allRequests: answered,
    perSecond: good / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    unexpected: answered - good + result.errors + result.timeouts,
    statuses,
  };
}

const config = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadConfig;
const warmup = config.warmupSeconds > 0 ? await run(config, config.warmupSeconds) : undefined;
const result = await run(config, config.durationSeconds);
result.allRequests = result.requests + (warmup?.requests ?? 0);
process.stdout.write(`${JSON.stringify(result)}\n`);
