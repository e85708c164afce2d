// Realtime through the SDK against a real server process: rule-filtered delivery per user,
// filters and expand, one shared stream, refusals, reconnect with resume (nothing lost, nothing
// twice), and the stream following a change of session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor, appClient, uniqueEmail } from "../test/sdk-fixtures.js";
import type { CairnClient } from "./client.js";
import type { RealtimeEvent } from "./realtime-client.js";

type User = { id: string; name: string; email?: string };
type Post = { id: string; title: string; owner: string | null; public: boolean; secret?: string };
type Schema = {
  users: {
    record: User;
    create: { name?: string };
    update: { name?: string };
    relations: Record<never, never>;
    backRelations: Record<never, never>;
    type: "auth";
  };
  posts: {
    record: Post;
    create: { title: string; owner?: string | null; public?: boolean; secret?: string };
    update: { title?: string; public?: boolean };
    relations: { owner: { collection: "users"; multiple: false } };
    backRelations: Record<never, never>;
    type: "base";
  };
};

let server: TestServer;
let admin: CairnClient<Schema>;
const password = "correct horse battery";
const stops: (() => Promise<void>)[] = [];

/** A signed-in app client of a new user. */
async function user(name: string, options: Parameters<typeof appClient>[1] = {}) {
  const client = appClient(server, options) as unknown as CairnClient<Schema>;
  const email = uniqueEmail(name);
  const signedUp = await client.auth.signUp({ email, password, name });
  if (signedUp.status !== "signedIn") throw new Error("expected a session");
  return { client, id: signedUp.record.id as string, email };
}

/** Collects a subscription's events; `until` waits for one matching. */
function inbox<T extends { id: string }>() {
  const events: RealtimeEvent<T>[] = [];
  let wake: (() => void) | undefined;
  return {
    events,
    push: (event: RealtimeEvent<T>) => {
      events.push(event);
      wake?.();
    },
    async until(match: (event: RealtimeEvent<T>) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    ids: () => events.map((e) => `${e.action}:${e.record.id}`),
  };
}

beforeAll(async () => {
  server = await startCairn("realtime.server");
  const setup = await adminFor(server);
  await setup.admin.collections.create({
    name: "users",
    type: "auth",
    fields: [{ name: "name", type: "text" }],
    createRule: "",
    listRule: "",
    viewRule: "",
  });
  await setup.admin.collections.create({
    name: "posts",
    fields: [
      { name: "title", type: "text" },
      { name: "owner", type: "relation", collection: "users" },
      { name: "public", type: "bool", nullable: false, default: false },
      { name: "secret", type: "text", hidden: true },
    ],
    listRule: "owner = @request.auth.id || public = true",
    viewRule: "owner = @request.auth.id || public = true",
  });
  admin = setup.client as unknown as CairnClient<Schema>;
});

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => {});
  await server?.stop();
});

describe("subscribe", () => {
  it("delivers to each user what their rules allow, hidden fields removed", async () => {
    const ann = await user("ann");
    const bob = await user("bob");
    const forAnn = inbox<Post>();
    const forBob = inbox<Post>();
    stops.push(await ann.client.collection("posts").subscribe("*", forAnn.push));
    stops.push(await bob.client.collection("posts").subscribe("*", forBob.push));
    const posts = admin.collection("posts");
    const mine = await posts.create({ title: "ann's", owner: ann.id, secret: "x" });
    const open = await posts.create({ title: "open", public: true, secret: "y" });
    await posts.update(mine.id, { title: "ann's 2" });
    await posts.delete(mine.id);
    await forAnn.until((e) => e.action === "delete");
    await forBob.until((e) => e.record.id === open.id);
    await forAnn.until((e) => e.record.id === open.id);
    expect(forAnn.ids()).toEqual([
      `create:${mine.id}`,
      `create:${open.id}`,
      `update:${mine.id}`,
      `delete:${mine.id}`,
    ]);
    expect(forBob.ids()).toEqual([`create:${open.id}`]);
    for (const event of [...forAnn.events, ...forBob.events]) {
      expect(event.record).not.toHaveProperty("secret");
      expect(event.record).toHaveProperty("collectionName", "posts");
    }
    expect(forAnn.events[2]!.record.title).toBe("ann's 2");
  });

  it("follows one record, filters, expands, and shares one stream", async () => {
    let streams = 0;
    const ann = await user("ann", {
      fetch: (input, init) => {
        if (String(input).includes("/api/realtime") && (init?.method ?? "GET") === "GET")
          streams += 1;
        return fetch(input, init);
      },
    });
    const posts = ann.client.collection("posts");
    const post = await admin.collection("posts").create({ title: "watched", owner: ann.id });
    const one = inbox<Post>();
    const urgent = inbox<Post>();
    const expanded = inbox<Post & { expand: { owner?: User } }>();
    stops.push(await posts.subscribe(post.id, one.push));
    stops.push(
      await posts.subscribe("*", urgent.push, {
        filter: ann.client.filter("title ~ {:word}", { word: "urgent" }),
      }),
    );
    stops.push(
      await posts.subscribe("*", expanded.push, { expand: "owner", fields: "id,title,expand" }),
    );
    await admin.collection("posts").update(post.id, { title: "watched, urgent" });
    const other = await admin.collection("posts").create({ title: "calm", owner: ann.id });
    await expanded.until((e) => e.record.id === other.id);
    expect(one.ids()).toEqual([`update:${post.id}`]);
    expect(urgent.ids()).toEqual([`update:${post.id}`]);
    const first = expanded.events[0]!;
    expect(first.record.expand.owner).toMatchObject({ id: ann.id, name: "ann", email: ann.email });
    expect(Object.keys(first.record).sort()).toEqual(["expand", "id", "title"]);
    expect(streams).toBe(1);
  });

  it("rejects a refused subscription and keeps the others", async () => {
    const ann = await user("ann");
    const kept = inbox<Post>();
    stops.push(await ann.client.collection("posts").subscribe("*", kept.push));
    const unknown = await ann.client
      .collection("nope" as "posts")
      .subscribe("*", () => {})
      .catch((e) => e);
    expect(unknown).toMatchObject({ status: 404, code: "NOT_FOUND" });
    const badFilter = await ann.client
      .collection("posts")
      .subscribe("*", () => {}, { filter: "title = " })
      .catch((e) => e);
    expect(badFilter).toMatchObject({ status: 400 });
    expect(badFilter.message).toContain("Invalid filter");
    const post = await admin.collection("posts").create({ title: "still here", owner: ann.id });
    await kept.until((e) => e.record.id === post.id);
  });

  it("stops calling back after unsubscribe", async () => {
    const ann = await user("ann");
    const box = inbox<Post>();
    const stop = await ann.client.collection("posts").subscribe("*", box.push);
    const before = await admin.collection("posts").create({ title: "1", owner: ann.id });
    await box.until((e) => e.record.id === before.id);
    await stop();
    // A second subscriber on the same user proves later events were delivered at all.
    const other = await user("ann");
    const watcher = inbox<Post>();
    stops.push(await other.client.collection("posts").subscribe("*", watcher.push));
    const after = await admin.collection("posts").create({ title: "2", public: true });
    await watcher.until((e) => e.record.id === after.id);
    expect(box.ids()).toEqual([`create:${before.id}`]);
  });
});

describe("reconnect", () => {
  it("resumes after a dropped stream: events written meanwhile arrive once, in order", async () => {
    // A fetch that can cut the current stream and hold the next one back.
    let cut: (() => void) | undefined;
    let gate: Promise<void> | undefined;
    const lastEventIds: (string | null)[] = [];
    const ann = await user("ann", {
      fetch: async (input, init) => {
        const url = String(input);
        if (!url.includes("/api/realtime") || (init?.method ?? "GET") !== "GET")
          return fetch(input, init);
        lastEventIds.push(new URL(url).searchParams.get("lastEventId"));
        await gate;
        const response = await fetch(input, init);
        const reader = response.body!.getReader();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            cut = () => controller.error(new Error("network gone"));
          },
          async pull(controller) {
            const { done, value } = await reader
              .read()
              .catch(() => ({ done: true, value: undefined }));
            if (done) controller.close();
            else controller.enqueue(value);
          },
          cancel: () => reader.cancel(),
        });
        return new Response(body, { status: response.status, headers: response.headers });
      },
    });
    const box = inbox<Post>();
    stops.push(await ann.client.collection("posts").subscribe("*", box.push));
    const posts = admin.collection("posts");
    const seen = await posts.create({ title: "seen", owner: ann.id });
    await box.until((e) => e.record.id === seen.id);

    let release!: () => void;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    cut!();
    // The SDK is now away (its reconnect waits at the gate): write meanwhile.
    const missed = [];
    for (let i = 0; i < 3; i++)
      missed.push(await posts.create({ title: `missed ${i}`, owner: ann.id }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const after = await posts.create({ title: "after", owner: ann.id });
    await box.until((e) => e.record.id === after.id);
    expect(box.ids()).toEqual([seen, ...missed, after].map((p) => `create:${p.id}`));
    expect(lastEventIds).toHaveLength(2);
    expect(lastEventIds[0]).toBeNull();
    expect(lastEventIds[1]).toMatch(/^\d+\.\d+$/);
  });

  it("reconnects as the new user when the session changes", async () => {
    const client = appClient(server) as unknown as CairnClient<Schema>;
    const box = inbox<Post>();
    stops.push(await client.collection("posts").subscribe("*", box.push));
    const ann = await user("ann");
    const hidden = await admin.collection("posts").create({ title: "private", owner: ann.id });
    const open = await admin.collection("posts").create({ title: "open", public: true });
    await box.until((e) => e.record.id === open.id);
    expect(box.ids()).toEqual([`create:${open.id}`]);
    await client.auth.signIn({ email: ann.email, password });
    // Signing in reopens the stream as ann, resuming where the anonymous one was.
    const later = await admin.collection("posts").create({ title: "private 2", owner: ann.id });
    await box.until((e) => e.record.id === later.id);
    expect(box.ids()).not.toContain(`create:${hidden.id}`);
  });
});
