// Realtime over SSE, in-process: who gets which event (list and view rules per subscriber,
// filters, hidden fields, email visibility, expand), subscription checks, resume without loss
// or repeats, and the limits (heartbeats, idle, max life, slow consumers, revoked sessions).
import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createRealtimeTestApp, type RealtimeTestApp } from "../testing/realtime-app.js";
import type { SseEvent, SseReader } from "../testing/sse.js";

let t: RealtimeTestApp;
let admin: Record<string, string>;
let ann: { id: string; token: string; headers: Record<string, string> };
let bob: { id: string; token: string; headers: Record<string, string> };
const readers: SseReader[] = [];

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(t.app, method, path, { body, headers });

async function create(collection: string, body: Record<string, unknown>) {
  const created = await call("POST", `/api/collections/${collection}/records`, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string } & Record<string, unknown>;
}

/** A stream with a subscription set, past its connect event. */
async function watch(
  subscriptions: unknown,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
) {
  const stream = await t.open({ headers, query });
  readers.push(stream);
  const connect = await stream.next((e) => e.event === "connect");
  const set = await t.subscribe(connect.data.clientId, subscriptions, headers);
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  return { stream, clientId: connect.data.clientId as string, connect };
}

const changes = (stream: SseReader) => stream.events.filter((e) => e.event === "change");
const recordOf = (event: SseEvent, index = 0) => event.data.matches[index].record;
const change = (stream: SseReader, id: string, action?: string) =>
  stream.next(
    (e) => e.event === "change" && recordOf(e).id === id && (!action || e.data.action === action),
  );

beforeAll(async () => {
  t = await createRealtimeTestApp({ heartbeatMs: 60_000, maxSubscriptions: 5 });
  const token = await superuserToken(t);
  admin = { Authorization: `Bearer ${token}` };
  const users = await call("POST", "/api/collections", {
    name: "users",
    type: "auth",
    fields: [{ name: "name", type: "text" }],
    listRule: "",
    viewRule: "",
  });
  expect(users.status, JSON.stringify(users.body)).toBe(201);
  ann = await signUpUser(t, { superuser: token, fields: { name: "Ann" } });
  bob = await signUpUser(t, { superuser: token });
  for (const definition of [
    {
      name: "posts",
      fields: [
        { name: "title", type: "text" },
        { name: "status", type: "text" },
        { name: "owner", type: "relation", collection: "users", onDelete: "cascade" },
        { name: "secret", type: "text", hidden: true },
      ],
      listRule: 'owner = @request.auth.id || status = "public"',
      viewRule: "owner = @request.auth.id",
    },
    {
      name: "comments",
      fields: [
        { name: "text", type: "text" },
        { name: "post", type: "relation", collection: "posts", onDelete: "cascade" },
      ],
      // Read through a relation: the evaluator's loader fetches the post.
      listRule: "post.owner = @request.auth.id",
    },
    { name: "notes", fields: [{ name: "text", type: "text" }], listRule: null },
  ]) {
    const created = await call("POST", "/api/collections", definition);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});
afterAll(async () => {
  for (const reader of readers) await reader.cancel();
  await t.close();
});

describe("who receives what", () => {
  it("delivers each event only to subscribers whose list rule allows it, hidden fields removed", async () => {
    const topic = [{ topic: "posts/*" }];
    const anns = await watch(topic, ann.headers);
    const bobs = await watch(topic, bob.headers);
    const anonymous = await watch(topic);
    const superuser = await watch(topic, admin);

    const draft = await create("posts", { title: "Ann's draft", owner: ann.id, secret: "s1" });
    const open = await create("posts", { title: "Public", status: "public", secret: "s2" });

    expect(recordOf(await change(anns.stream, draft.id))).toMatchObject({ title: "Ann's draft" });
    const forAdmin = await change(superuser.stream, draft.id);
    expect(recordOf(forAdmin)).toMatchObject({ secret: "s1", owner: ann.id });
    const opened = [];
    for (const { stream } of [anns, bobs, anonymous, superuser]) {
      const event = await change(stream, open.id);
      expect(event.data).toMatchObject({ action: "create", collection: "posts" });
      expect(event.id).toMatch(/^\d+\.\d+$/);
      opened.push(event);
    }
    // The public post came after the draft, so anything of the draft would be here by now.
    expect(changes(bobs.stream).map((e) => recordOf(e).id)).toEqual([open.id]);
    expect(changes(anonymous.stream).map((e) => recordOf(e).id)).toEqual([open.id]);
    for (const { stream } of [anns, bobs, anonymous]) {
      for (const event of changes(stream)) expect(recordOf(event)).not.toHaveProperty("secret");
    }
    expect(recordOf(opened[3]!).secret).toBe("s2");
  });

  it("checks updates against the record as it becomes and deletes against the record as it was", async () => {
    const post = await create("posts", { title: "x", status: "public" });
    const bobs = await watch([{ topic: "posts/*" }], bob.headers);
    await call("PATCH", `/api/collections/posts/records/${post.id}`, { status: "hidden" });
    await call("PATCH", `/api/collections/posts/records/${post.id}`, { status: "public" });
    const back = await change(bobs.stream, post.id, "update");
    expect(recordOf(back).status).toBe("public");
    await call("DELETE", `/api/collections/posts/records/${post.id}`);
    const gone = await change(bobs.stream, post.id, "delete");
    expect(recordOf(gone)).toMatchObject({ id: post.id, status: "public" });
    // The update that hid it never reached bob. (A stream starts at the outbox's safe horizon,
    // which other transactions on a shared Postgres can hold back: the create made just before
    // may arrive too.)
    const seen = changes(bobs.stream).filter((e) => e.data.action !== "create");
    expect(seen.map((e) => [e.data.action, recordOf(e).status])).toEqual([
      ["update", "public"],
      ["delete", "public"],
    ]);
  });

  it("uses the view rule for one record's topic", async () => {
    const post = await create("posts", { title: "mine", owner: ann.id, status: "public" });
    const anns = await watch([{ topic: `posts/${post.id}` }], ann.headers);
    // Bob may list it (public) but not view it (the view rule is owner-only).
    const bobs = await watch([{ topic: `posts/${post.id}` }, { topic: "posts/*" }], bob.headers);
    const other = await create("posts", { title: "other", owner: ann.id });
    await call("PATCH", `/api/collections/posts/records/${post.id}`, { title: "mine 2" });
    const seen = await change(anns.stream, post.id, "update");
    expect(seen.data.matches.map((m: { subscription: string }) => m.subscription)).toEqual([
      `posts/${post.id}`,
    ]);
    const bobsUpdate = await change(bobs.stream, post.id, "update");
    expect(bobsUpdate.data.matches.map((m: { topic: string }) => m.topic)).toEqual(["posts/*"]);
    expect(changes(anns.stream).some((e) => recordOf(e).id === other.id)).toBe(false);
  });

  it("evaluates rules through relations (the loader) per subscriber", async () => {
    const annsPost = await create("posts", { title: "a", owner: ann.id });
    const bobsPost = await create("posts", { title: "b", owner: bob.id });
    const anns = await watch([{ topic: "comments/*" }], ann.headers);
    const bobs = await watch([{ topic: "comments/*" }], bob.headers);
    const onAnns = await create("comments", { text: "1", post: annsPost.id });
    const onBobs = await create("comments", { text: "2", post: bobsPost.id });
    await change(anns.stream, onAnns.id);
    await change(bobs.stream, onBobs.id);
    const last = await create("comments", { text: "3", post: annsPost.id });
    await change(anns.stream, last.id);
    expect(changes(anns.stream).map((e) => recordOf(e).text)).toEqual(["1", "3"]);
    expect(changes(bobs.stream).map((e) => recordOf(e).text)).toEqual(["2"]);
  });

  it("applies each subscription's filter, and names every subscription an event matched", async () => {
    const anns = await watch(
      [
        { id: "urgent", topic: "posts/*", filter: 'title ~ "urgent"' },
        { id: "all", topic: "posts/*", fields: "id,title" },
      ],
      ann.headers,
    );
    const calm = await create("posts", { title: "calm", owner: ann.id });
    const urgent = await create("posts", { title: "urgent: fix", owner: ann.id });
    const first = await change(anns.stream, calm.id);
    expect(first.data.matches.map((m: { subscription: string }) => m.subscription)).toEqual([
      "all",
    ]);
    expect(recordOf(first)).toEqual({ id: calm.id, title: "calm" });
    const second = await change(anns.stream, urgent.id);
    expect(second.data.matches.map((m: { subscription: string }) => m.subscription)).toEqual([
      "urgent",
      "all",
    ]);
    expect(recordOf(second, 0)).toMatchObject({ status: null, owner: ann.id });
  });

  it("expands relations with the subscriber's permissions and hides others' emails", async () => {
    const anns = await watch([{ topic: "posts/*", expand: "owner" }], ann.headers);
    const bobs = await watch([{ topic: "posts/*", expand: "owner" }], bob.headers);
    const post = await create("posts", { title: "e", owner: ann.id, status: "public" });
    const forAnn = recordOf(await change(anns.stream, post.id));
    const forBob = recordOf(await change(bobs.stream, post.id));
    expect(forAnn.expand.owner).toMatchObject({ id: ann.id, name: "Ann" });
    expect(forAnn.expand.owner.email).toMatch(/@example\.com$/);
    expect(forBob.expand.owner).toMatchObject({ id: ann.id, name: "Ann" });
    expect(forBob.expand.owner).not.toHaveProperty("email");
  });

  it("shows auth records as presentRecord does: own email only, never the password", async () => {
    const bobs = await watch([{ topic: "users/*" }], bob.headers);
    const anns = await watch([{ topic: `users/${ann.id}` }], ann.headers);
    await call("PATCH", `/api/collections/users/records/${ann.id}`, { name: "Ann B" });
    const seenByBob = recordOf(await change(bobs.stream, ann.id));
    const seenByAnn = recordOf(await change(anns.stream, ann.id));
    expect(seenByBob.name).toBe("Ann B");
    expect(seenByBob).not.toHaveProperty("email");
    expect(seenByAnn.email).toMatch(/@example\.com$/);
    for (const record of [seenByBob, seenByAnn]) expect(record).not.toHaveProperty("password");
  });
});

describe("subscriptions are checked up front", () => {
  let clientId: string;
  beforeAll(async () => {
    ({ clientId } = await watch([], ann.headers));
  });

  it("answers 404 for an unknown collection and 400 for a bad topic or filter", async () => {
    const unknown = await t.subscribe(
      clientId,
      [{ topic: "posts/*" }, { topic: "nope/*" }],
      ann.headers,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.fields).toEqual({
      "subscriptions.1": { code: "not_found", message: 'No collection "nope".' },
    });
    const filter = await t.subscribe(
      clientId,
      [{ topic: "posts/*", filter: "title = " }],
      ann.headers,
    );
    expect(filter.status).toBe(400);
    expect(filter.body.error.message).toContain("Invalid filter");
    expect(filter.body.error.fields["subscriptions.0"].code).toBe("invalid");
    for (const topic of ["posts", "posts/", "posts/a b", "/x"]) {
      const bad = await t.subscribe(clientId, [{ topic }], ann.headers);
      expect(bad.status, topic).toBe(400);
    }
    const hidden = await t.subscribe(
      clientId,
      [{ topic: "posts/*", filter: 'secret = "s1"' }],
      ann.headers,
    );
    expect(hidden.status).toBe(400);
    const expand = await t.subscribe(
      clientId,
      [{ topic: "posts/*", expand: "title" }],
      ann.headers,
    );
    expect(expand.status).toBe(400);
    const dup = await t.subscribe(
      clientId,
      [{ topic: "posts/*" }, { topic: "posts/*" }],
      ann.headers,
    );
    expect(dup.status).toBe(400);
    const shape = await t.subscribe(clientId, { topic: "posts/*" }, ann.headers);
    expect(shape.status).toBe(400);
  });

  it("caps the subscriptions per client", async () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, topic: "posts/*" }));
    const over = await t.subscribe(clientId, many, ann.headers);
    expect(over.status).toBe(400);
    expect(over.body.error.message).toContain("At most 5");
    expect((await t.subscribe(clientId, many.slice(0, 5), ann.headers)).status).toBe(200);
  });

  it("refuses a collection the actor may not list (null rule = superusers only)", async () => {
    const refused = await t.subscribe(clientId, [{ topic: "notes/*" }], ann.headers);
    expect(refused.status).toBe(403);
    expect(refused.body.error.fields["subscriptions.0"].code).toBe("forbidden");
    const { stream } = await watch([{ topic: "notes/*" }], admin);
    const note = await create("notes", { text: "n" });
    await change(stream, note.id);
  });

  it("lets only the stream's own actor change its subscriptions", async () => {
    expect((await t.subscribe(clientId, [], bob.headers)).status).toBe(403);
    expect((await t.subscribe(clientId, [], {})).status).toBe(403);
    expect((await t.subscribe(clientId, [], admin)).status).toBe(403);
    expect((await t.subscribe("not-a-client", [], ann.headers)).status).toBe(404);
    const body = await t.subscribe(clientId, [{ topic: "posts/*" }], ann.headers);
    expect(body.body).toEqual({ clientId, subscriptions: [{ id: "posts/*", topic: "posts/*" }] });
  });

  it("takes the initial set on the stream's URL, and refuses a bad one before streaming", async () => {
    const stream = await t.open({
      headers: ann.headers,
      query: { subscriptions: JSON.stringify([{ topic: "posts/*" }]) },
    });
    readers.push(stream);
    const post = await create("posts", { title: "via query", owner: ann.id });
    await change(stream, post.id);
    await expect(
      t.open({ query: { subscriptions: JSON.stringify([{ topic: "nope/*" }]) } }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(t.open({ query: { subscriptions: "[" } })).rejects.toMatchObject({ status: 400 });
    await expect(t.open({ query: { lastEventId: "yesterday" } })).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe("resume", () => {
  it("replays what was written while disconnected, once, in order, and nothing before", async () => {
    const first = await watch([{ topic: "posts/*" }], ann.headers);
    const before = await create("posts", { title: "before", owner: ann.id });
    await change(first.stream, before.id);
    const resumeFrom = first.stream.lastId!;
    await first.stream.cancel();

    const missed1 = await create("posts", { title: "missed 1", owner: ann.id });
    const missed2 = await create("posts", { title: "missed 2", owner: ann.id });
    // Reconnect; until the set arrives the stream holds still, so nothing in between is lost.
    const second = await t.open({ headers: { ...ann.headers, "Last-Event-ID": resumeFrom } });
    readers.push(second);
    const connect = await second.next((e) => e.event === "connect");
    expect(connect.data).toMatchObject({ resumed: true, cursor: resumeFrom });
    const between = await create("posts", { title: "between", owner: ann.id });
    await t.subscribe(connect.data.clientId, [{ topic: "posts/*" }], ann.headers);
    const after = await create("posts", { title: "after", owner: ann.id });
    await change(second, after.id);
    expect(changes(second).map((e) => recordOf(e).title)).toEqual([
      "missed 1",
      "missed 2",
      "between",
      "after",
    ]);
    const ids = changes(second).map((e) => e.id!);
    expect(new Set(ids).size).toBe(ids.length);
    expect([missed1.id, missed2.id, between.id]).toEqual(
      changes(second)
        .slice(0, 3)
        .map((e) => recordOf(e).id),
    );
  });

  it("resumes from the query (lastEventId and subscriptions) in one request", async () => {
    const first = await watch([{ topic: "posts/*" }], bob.headers);
    const seen = await create("posts", { title: "seen", status: "public" });
    await change(first.stream, seen.id);
    await first.stream.cancel();
    const missed = await create("posts", { title: "missed", status: "public" });
    const again = await t.open({
      headers: bob.headers,
      query: {
        lastEventId: first.stream.lastId!,
        subscriptions: JSON.stringify([{ topic: "posts/*" }]),
      },
    });
    readers.push(again);
    await change(again, missed.id);
    expect(changes(again).map((e) => recordOf(e).title)).toEqual(["missed"]);
  });

  it("sends reset for a cursor the outbox no longer has", async () => {
    const stream = await t.open({ headers: { "Last-Event-ID": "999999999.999999999" } });
    readers.push(stream);
    const connect = await stream.next((e) => e.event === "connect");
    expect(connect.data.resumed).toBe(false);
    const reset = await stream.next((e) => e.event === "reset");
    expect(reset.data.reason).toBe("expired");
    expect(reset.id).toBe(connect.data.cursor);
  });

  it("moves an idle subscriber's resume point past events it was not shown", async () => {
    const quiet = await createRealtimeTestApp({ heartbeatMs: 30 });
    try {
      const token = await superuserToken(quiet);
      await apiCall(quiet.app, "POST", "/api/collections", {
        headers: { Authorization: `Bearer ${token}` },
        body: { name: "items", fields: [{ name: "n", type: "number" }], listRule: "n > 10" },
      });
      const stream = await quiet.open({
        query: { subscriptions: JSON.stringify([{ topic: "items/*" }]) },
      });
      const connect = await stream.next((e) => e.event === "connect");
      await apiCall(quiet.app, "POST", "/api/collections/items/records", {
        headers: { Authorization: `Bearer ${token}` },
        body: { n: 1 },
      });
      const deadline = Date.now() + 3_000;
      while (stream.lastId === connect.data.cursor && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stream.lastId).not.toBe(connect.data.cursor);
      expect(stream.comments).toBeGreaterThan(0);
      expect(changes(stream)).toEqual([]);
      await stream.cancel();
    } finally {
      await quiet.close();
    }
  });
});

describe("limits", () => {
  it("sends heartbeats, closes idle streams and streams past their max life", async () => {
    const limited = await createRealtimeTestApp({ heartbeatMs: 20, idleMs: 150, maxLifeMs: 400 });
    try {
      await signUpUser(limited, { superuser: await superuserToken(limited) });
      const idle = await limited.open();
      const busy = await limited.open({
        query: { subscriptions: JSON.stringify([{ topic: "users/*" }]) },
      });
      const byeIdle = await idle.next((e) => e.event === "reconnect", 2_000);
      expect(byeIdle.data.reason).toBe("idle");
      await idle.closed();
      expect(idle.comments).toBeGreaterThan(2);
      const byeBusy = await busy.next((e) => e.event === "reconnect", 2_000);
      expect(byeBusy.data).toEqual({ reason: "max_life", retryMs: 2000 });
      await busy.closed();
    } finally {
      await limited.close();
    }
  });

  it("drops a consumer that stops reading instead of queueing without bound", async () => {
    const limited = await createRealtimeTestApp({ maxQueueEvents: 5 });
    try {
      const token = await superuserToken(limited);
      const headers = { Authorization: `Bearer ${token}` };
      await apiCall(limited.app, "POST", "/api/collections", {
        headers,
        body: { name: "ticks", fields: [{ name: "n", type: "number" }], listRule: "" },
      });
      // Opened without reading: nothing is taken off the stream.
      const response = await limited.realtime.request(
        `/api/realtime?subscriptions=${encodeURIComponent(JSON.stringify([{ topic: "ticks/*" }]))}`,
      );
      const live = await limited.open({
        query: { subscriptions: JSON.stringify([{ topic: "ticks/*" }]) },
      });
      // One at a time: the live one reads each before the next comes, the stuck one never does.
      for (let n = 0; n < 10; n++) {
        await apiCall(limited.app, "POST", "/api/collections/ticks/records", {
          headers,
          body: { n },
        });
        await live.next((e) => e.event === "change" && recordOf(e).n === n);
      }
      // The stuck one was cut off; reading it now ends in an error, not 10 queued events.
      const reader = response.body!.getReader();
      await expect(
        (async () => {
          for (;;) if ((await reader.read()).done) return "ended";
        })(),
      ).rejects.toThrow(/too slow/);
      expect(changes(live)).toHaveLength(10);
      await live.cancel();
    } finally {
      await limited.close();
    }
  });

  it("ends the stream when its session is revoked or the user deleted", async () => {
    const limited = await createRealtimeTestApp({ reauthMs: 50 });
    try {
      const token = await superuserToken(limited);
      const user = await signUpUser(limited, { superuser: token });
      const other = await signUpUser(limited, { superuser: token });
      const revoked = await limited.open({ headers: user.headers });
      await revoked.next((e) => e.event === "connect");
      await limited.database.db
        .delete(schema.sessions)
        .where(eq(schema.sessions.subjectId, user.id));
      expect((await revoked.next((e) => e.event === "reconnect")).data.reason).toBe("unauthorized");
      // Deleting the user ends their stream as soon as the event arrives.
      const deleted = await limited.open({
        headers: other.headers,
        query: { subscriptions: JSON.stringify([{ topic: "users/*" }]) },
      });
      await deleted.next((e) => e.event === "connect");
      await apiCall(limited.app, "DELETE", `/api/collections/users/records/${other.id}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect((await deleted.next((e) => e.event === "reconnect")).data.reason).toBe("unauthorized");
    } finally {
      await limited.close();
    }
  });

  it("caps streams per account, and ends every stream with a hint at shutdown", async () => {
    const limited = await createRealtimeTestApp({ maxClientsPerActor: 2 });
    const token = await superuserToken(limited);
    const headers = { Authorization: `Bearer ${token}` };
    const streams = [await limited.open({ headers }), await limited.open({ headers })];
    await expect(limited.open({ headers })).rejects.toMatchObject({ status: 429 });
    const anonymous = await limited.open();
    await limited.close();
    for (const stream of [...streams, anonymous]) {
      expect((await stream.next((e) => e.event === "reconnect")).data.reason).toBe("shutdown");
      await stream.closed();
    }
  });
});
