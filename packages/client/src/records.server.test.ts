// Records through the SDK against a real server process: CRUD with modifiers, filters with
// bound values, expand, pages and cursors, batch, errors, abort, headers, custom fetch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor, appClient, uniqueEmail } from "../test/sdk-fixtures.js";
import { isCairnError } from "./cairn-error.js";
import type { CairnClient } from "./client.js";

type User = { id: string; name: string; email?: string };
type Post = {
  id: string;
  title: string;
  views: number;
  tags: string[];
  published: boolean;
  author: string | null;
  editors: string[];
  created: string;
};
type Comment = { id: string; post: string; body: string };
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
    create: Partial<Omit<Post, "created">> & { title: string };
    update: Partial<Omit<Post, "id" | "created">>;
    relations: {
      author: { collection: "users"; multiple: false };
      editors: { collection: "users"; multiple: true };
    };
    backRelations: { comments_via_post: { collection: "comments" } };
    type: "base";
  };
  comments: {
    record: Comment;
    create: { post: string; body: string };
    update: { body?: string };
    relations: { post: { collection: "posts"; multiple: false } };
    backRelations: Record<never, never>;
    type: "base";
  };
};

let server: TestServer;
let cairn: CairnClient<Schema>;
let userId: string;

beforeAll(async () => {
  server = await startCairn("records.server");
  const { admin } = await adminFor(server);
  await admin.collections.create({
    name: "users",
    type: "auth",
    fields: [{ name: "name", type: "text" }],
    createRule: "",
    viewRule: "",
    listRule: "",
  });
  await admin.collections.create({
    name: "posts",
    fields: [
      { name: "title", type: "text", required: true, max: 200 },
      { name: "views", type: "number", nullable: false, default: 0 },
      { name: "tags", type: "select", values: ["news", "howto", "misc"], multiple: true },
      { name: "published", type: "bool", nullable: false, default: false },
      { name: "author", type: "relation", collection: "users" },
      { name: "editors", type: "relation", collection: "users", multiple: true },
    ],
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
    updateRule: "@request.auth.id != ''",
    deleteRule: "@request.auth.id != ''",
  });
  await admin.collections.create({
    name: "comments",
    fields: [
      { name: "post", type: "relation", collection: "posts", onDelete: "cascade" },
      { name: "body", type: "text" },
    ],
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
  });
  cairn = appClient(server) as unknown as CairnClient<Schema>;
  const signedUp = await cairn.auth.signUp({
    email: uniqueEmail(),
    password: "correct horse battery",
    name: "Ann",
  });
  if (signedUp.status !== "signedIn") throw new Error("expected a session");
  userId = signedUp.record.id;
});

afterAll(async () => {
  await server?.stop();
});

describe("records", () => {
  it("create, get, update with modifiers, delete", async () => {
    const posts = cairn.collection("posts");
    const post = await posts.create({ title: "Hello", tags: ["news"], author: userId });
    expect(post).toMatchObject({ title: "Hello", views: 0, tags: ["news"], author: userId });
    expect(await posts.get(post.id)).toMatchObject({ id: post.id, title: "Hello" });

    const updated = await posts.update(post.id, { title: "Hi", "views+": 5, "tags+": "howto" });
    expect(updated).toMatchObject({ title: "Hi", views: 5, tags: ["news", "howto"] });
    const again = await posts.update(post.id, { "views-": 2, "+tags": "misc", "tags-": "news" });
    expect(again).toMatchObject({ views: 3, tags: ["misc", "howto"] });

    await posts.delete(post.id);
    const gone = await posts.get(post.id).catch((e) => e);
    expect(isCairnError(gone)).toBe(true);
    expect(gone).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("validation errors carry fields and the request id", async () => {
    const error = await cairn
      .collection("posts")
      .create({ title: "x".repeat(201), colour: "red" } as never, {
        headers: { "X-Request-Id": "sdk-test-request-1" },
      })
      .catch((e) => e);
    expect(error).toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      requestId: "sdk-test-request-1",
    });
    expect(error.fields.title.code).toBe("too_long");
    expect(error.fields.colour.code).toBe("unknown_field");
  });

  it("filters bind hostile values safely", async () => {
    const posts = cairn.collection("posts");
    const tricky = 'say "hi" \\ || true // not a comment\n{:q}';
    await posts.create({ title: tricky });
    await posts.create({ title: "plain" });
    const exact = await posts.list({ filter: cairn.filter("title = {:t}", { t: tricky }) });
    expect(exact.items.map((p) => p.title)).toEqual([tricky]);
    // An injection attempt stays a value: nothing matches.
    const injected = await posts.list({
      filter: cairn.filter("title = {:t}", { t: '" || title != "' }),
    });
    expect(injected.items).toEqual([]);
    const typed = await posts.list({
      filter: cairn.filter("views >= {:n} && published = {:p} && created < {:d} && author = {:x}", {
        n: 0,
        p: false,
        d: new Date(Date.now() + 60_000),
        x: null,
      }),
    });
    expect(typed.items.length).toBeGreaterThan(0);
    expect(() => cairn.filter("title = {:missing}", {})).toThrow(/missing/);
  });

  it("expand is filled in, lists default to []", async () => {
    const posts = cairn.collection("posts");
    const post = await posts.create({ title: "With author", author: userId, editors: [userId] });
    await cairn.collection("comments").create({ post: post.id, body: "First!" });
    const lonely = await posts.create({ title: "No author" });

    const page = await posts.list({
      filter: cairn.filter("id = {:a} || id = {:b}", { a: post.id, b: lonely.id }),
      sort: "title",
      expand: "author,editors,comments_via_post.post",
    });
    const [noAuthor, withAuthor] = page.items;
    expect(noAuthor!.expand.author).toBeUndefined();
    expect(noAuthor!.expand.comments_via_post).toEqual([]);
    expect(noAuthor!.expand.editors).toEqual([]);
    expect(withAuthor!.expand.author?.name).toBe("Ann");
    expect(withAuthor!.expand.editors.map((u) => u.id)).toEqual([userId]);
    expect(withAuthor!.expand.comments_via_post[0]?.body).toBe("First!");
    expect(withAuthor!.expand.comments_via_post[0]?.expand.post?.title).toBe("With author");

    const one = await posts.get(post.id, { expand: "author" });
    expect(one.expand.author?.id).toBe(userId);
  });

  it("pages, cursors (iterate, listAll) and getFirst", async () => {
    const posts = cairn.collection("posts");
    const requests = Array.from({ length: 25 }, (_, i) =>
      posts.op.create({ title: `bulk-${String(i).padStart(2, "0")}`, tags: ["misc"] }),
    );
    await cairn.batch(requests);
    const filter = cairn.filter("title ~ {:p}", { p: "bulk-%" });

    const page2 = await posts.list({ filter, sort: "title", perPage: 10, page: 2 });
    expect(page2).toMatchObject({ page: 2, perPage: 10, totalItems: 25, totalPages: 3 });
    expect(page2.items[0]?.title).toBe("bulk-10");

    const seen: string[] = [];
    for await (const post of posts.iterate({ filter, sort: "-title", perPage: 7 })) {
      seen.push(post.title);
    }
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe("bulk-24");
    const all = await posts.listAll({ filter, sort: "title", perPage: 4 });
    expect(all.map((p) => p.title)).toEqual([...seen].reverse());

    const first = await posts.getFirst(filter, { sort: "-title" });
    expect(first?.title).toBe("bulk-24");
    expect(await posts.getFirst(cairn.filter("title = {:t}", { t: "none" }))).toBeNull();
  });

  it("batch runs in one transaction: typed answers, or nothing at all", async () => {
    const posts = cairn.collection("posts");
    const existing = await posts.create({ title: "to delete" });
    const [created, updated, deleted] = await cairn.batch([
      posts.op.create({ id: "batch-one", title: "One" }),
      posts.op.update("batch-one", { "views+": 2 }),
      posts.op.delete(existing.id),
    ]);
    expect(created).toMatchObject({ status: 201, body: { id: "batch-one", title: "One" } });
    expect(updated.body.views).toBe(2);
    expect(deleted).toMatchObject({ status: 204, body: null });

    const failed = await cairn
      .batch([posts.op.create({ id: "batch-two", title: "Two" }), posts.op.update("nope", {})])
      .catch((e) => e);
    expect(failed).toMatchObject({ status: 404 });
    await expect(posts.get("batch-two")).rejects.toMatchObject({ status: 404 });
  });

  it("abort signals, per-request headers and a custom fetch", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      cairn.collection("posts").list({ signal: controller.signal }),
    ).rejects.toMatchObject({ status: 0, code: "ABORTED" });

    const seen: { url: string; headers: Record<string, string> }[] = [];
    const custom = appClient(server, {
      headers: { "X-App": "notes" },
      fetch: (input, init) => {
        seen.push({ url: String(input), headers: init?.headers as Record<string, string> });
        return fetch(input, init);
      },
    });
    const page = await custom.collection("posts").list({
      perPage: 1,
      headers: { "X-Request-Id": "sdk-custom-fetch" },
    });
    expect(page.items).toHaveLength(1);
    expect(seen[0]?.url).toContain("/api/collections/posts/records?perPage=1");
    expect(seen[0]?.headers).toMatchObject({
      "X-App": "notes",
      "X-Request-Id": "sdk-custom-fetch",
    });
  });

  it("a 401 on any request ends the session and tells listeners", async () => {
    const other = appClient(server);
    await other.auth.signUp({ email: uniqueEmail(), password: "correct horse battery" });
    const events: string[] = [];
    const off = other.auth.onChange((session, event) => events.push(`${event}:${!!session}`));
    // Another device signs out everywhere: this client's token dies on the server.
    const token = other.auth.session!.token;
    await other.request("/api/collections/users/auth/sign-out-everywhere", {
      method: "POST",
      auth: false,
      headers: { Authorization: `Bearer ${token}` },
    });
    await expect(other.collection("posts").create({ title: "x" })).rejects.toMatchObject({
      status: 401,
    });
    expect(other.auth.session).toBeNull();
    expect(events).toEqual(["expired:false"]);
    off();
  });
});
