import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedLookup, isPrivateAddress, type Resolve } from "./webhook-address.js";
import { createWebhookSender } from "./webhook-http.js";
import { startReceiver, type TestReceiver } from "./webhook-test-receiver.js";

// Only loopback is ever connected to: the other addresses must be refused before any socket
// opens. `resolve` stands in for DNS, so no name leaves this machine either.
const names: Record<string, string> = {
  "rebind.test": "127.0.0.1",
  "metadata.test": "169.254.169.254",
  "private.test": "10.1.2.3",
  "v6.test": "fd00:ec2::254",
};
const resolve: Resolve = async (hostname) => {
  const address = hostname === "localhost" ? "127.0.0.1" : names[hostname];
  if (!address)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return [{ address, family: address.includes(":") ? 6 : 4 }];
};

let receiver: TestReceiver;
const sender = createWebhookSender({ resolve, timeoutMs: 5_000 });
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  sender.close();
  await receiver.close();
});

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fd00:ec2::254",
    "fc00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a00:1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",
    "2002:7f00:1::",
    "[::1]",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
  ])("allows %s", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe("guardedLookup", () => {
  const lookup = (host: string, allow: boolean, all: boolean) =>
    new Promise<unknown>((done) =>
      guardedLookup(resolve, allow)(host, { all }, (error, address) =>
        done(error ? (error as Error).message : address),
      ),
    );

  it("refuses a name that resolves to a private address, unless allowed", async () => {
    expect(await lookup("rebind.test", false, false)).toMatch(/resolves to 127\.0\.0\.1/);
    expect(await lookup("metadata.test", false, true)).toMatch(/169\.254\.169\.254/);
    expect(await lookup("rebind.test", true, false)).toBe("127.0.0.1");
    expect(await lookup("rebind.test", true, true)).toEqual([{ address: "127.0.0.1", family: 4 }]);
  });
});

describe("the sender's guard", () => {
  const send = (url: string, allowPrivate = false) =>
    sender.send({ url, headers: {}, body: "{}", allowPrivate });

  it.each([
    ["loopback", () => `${receiver.url}/hook`],
    ["localhost", () => `http://localhost:${receiver.port}/hook`],
    ["a name resolving to 127.0.0.1", () => `http://rebind.test:${receiver.port}/hook`],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${receiver.port}/hook`],
    ["IPv6 loopback", () => `http://[::1]:${receiver.port}/hook`],
    ["10.x", () => "http://10.0.0.1/hook"],
    ["a name resolving to 10.x", () => "http://private.test/hook"],
    ["cloud metadata", () => "http://169.254.169.254/latest/meta-data/"],
    ["cloud metadata by name", () => "http://metadata.test/"],
    ["AWS IPv6 metadata", () => "http://[fd00:ec2::254]/"],
    ["metadata over https", () => "https://169.254.169.254/"],
  ])("refuses %s before connecting", async (_name, url) => {
    const before = receiver.requests.length;
    const outcome = await send(url());
    expect(outcome).toMatchObject({ status: null, aborted: false });
    expect(outcome.error).toMatch(/^Refused to connect/);
    expect(receiver.requests.length).toBe(before);
  });

  it("refuses other schemes", async () => {
    expect((await send("ftp://example.test/")).error).toMatch(/http and https/);
  });

  it("delivers to loopback when private addresses are allowed", async () => {
    const outcome = await send(`http://rebind.test:${receiver.port}/ok`, true);
    expect(outcome).toMatchObject({ status: 200, response: "ok", error: null });
    expect(receiver.requests.at(-1)?.path).toBe("/ok");
  });

  it("never follows a redirect: a 3xx is a failed attempt and the target is never asked", async () => {
    receiver.answer = (request) =>
      request.path === "/redirect"
        ? { status: 302, headers: { location: "http://127.0.0.1:1/internal" } }
        : { status: 200 };
    try {
      const outcome = await send(`${receiver.url}/redirect`, true);
      expect(outcome.status).toBe(302);
      expect(receiver.requests.filter((r) => r.path === "/internal")).toEqual([]);
    } finally {
      receiver.answer = () => ({ status: 200, body: "ok" });
    }
  });

  it("keeps 1 KB of the answer and reads Retry-After", async () => {
    receiver.answer = () => ({
      status: 503,
      headers: { "retry-after": "120" },
      body: "x".repeat(5000),
    });
    try {
      const outcome = await send(`${receiver.url}/busy`, true);
      expect(outcome).toMatchObject({ status: 503, retryAfter: "120" });
      expect(outcome.response).toHaveLength(1024);
    } finally {
      receiver.answer = () => ({ status: 200, body: "ok" });
    }
  });

  it("gives up after the timeout", async () => {
    const quick = createWebhookSender({ resolve, timeoutMs: 200 });
    receiver.answer = () => ({ status: 200 });
    const slow = await startReceiver();
    // Answers nothing: the request is read, no response is written.
    slow.answer = () => null;
    try {
      const outcome = await quick.send({
        url: `${slow.url}/slow`,
        headers: {},
        body: "{}",
        allowPrivate: true,
      });
      expect(outcome.status).toBeNull();
      expect(outcome.error).toMatch(/within 0.2 s/);
    } finally {
      quick.close();
      await slow.close();
      receiver.answer = () => ({ status: 200, body: "ok" });
    }
  });
});
