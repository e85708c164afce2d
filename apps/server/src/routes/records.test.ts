import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(t.app, method, path, { body, headers });

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  for (const definition of [
    {
      name: "people",
      fields: [{ name: "name", type: "text", required: true }],
      listRule: "",
      viewRule: "",
    },
    {
      name: "posts",
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
      deleteRule: "",
      fields: [
        { name: "title", type: "text", required: true, max: 50 },
        { name: "views", type: "number", min: 0 },
        { name: "draft", type: "bool", nullable: false },
        { name: "contact", type: "email" },
        { name: "link", type: "url" },
        { name: "due", type: "date" },
        { name: "edited", type: "autodate", onCreate: false, onUpdate: true },
        { name: "kind", type: "select", values: ["note", "essay"] },
        { name: "tags", type: "select", values: ["a", "b", "c"], multiple: true },
        { name: "meta", type: "json", maxSize: 100 },
        { name: "author", type: "relation", collection: "people", onDelete: "setNull" },
        {
          name: "readers",
          type: "relation",
          collection: "people",
          multiple: true,
          onDelete: "setNull",
        },
        { name: "editor", type: "relation", collection: "people", onDelete: "restrict" },
        { name: "secret", type: "text", hidden: true },
      ],
    },
  ]) {
    const created = await call("POST", "/api/collections", definition);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});
afterAll(() => t.close());

describe("create, read, update, delete", () => {
  it("round-trips every field type", async () => {
    const ann = await call("POST", "/api/collections/people/records", { name: "Ann" });
    expect(ann.status).toBe(201);
    const created = await call("POST", "/api/collections/posts/records", {
      title: "Hello",
      views: 3,
      contact: "ann@example.com",
      link: "https://example.com/a?b=c",
      due: "2026-03-01 10:30:00",
      kind: "essay",
      tags: ["b", "a", "b"],
      meta: { nested: [1, 2] },
      author: ann.body.id,
      readers: [ann.body.id],
      secret: "only admins",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      collectionName: "posts",
      title: "Hello",
      views: 3,
      draft: false,
      due: "2026-03-01T10:30:00.000Z",
      edited: null,
      kind: "essay",
      tags: ["b", "a"],
      meta: { nested: [1, 2] },
      author: ann.body.id,
      readers: [ann.body.id],
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.created).toBe(created.body.updated);

    const got = await call(
      "GET",
      `/api/collections/posts/records/${created.body.id}?expand=author,readers`,
    );
    expect(got.body.expand.author.name).toBe("Ann");
    expect(got.body.expand.readers.map((p: { name: string }) => p.name)).toEqual(["Ann"]);

    const updated = await call("PATCH", `/api/collections/posts/records/${created.body.id}`, {
      title: "Hello again",
      "views+": 2,
      "tags+": "c",
      "tags-": "b",
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ title: "Hello again", views: 5, tags: ["a", "c"] });
    expect(updated.body.edited).not.toBeNull();
    expect(
      updated.body.updated > created.body.updated || updated.body.updated === updated.body.edited,
    ).toBe(true);

    expect((await call("DELETE", `/api/collections/posts/records/${created.body.id}`)).status).toBe(
      204,
    );
    expect((await call("GET", `/api/collections/posts/records/${created.body.id}`)).status).toBe(
      404,
    );
  });

  it("accepts a client-chosen id and refuses a duplicate one", async () => {
    const first = await call("POST", "/api/collections/people/records", {
      id: "person_1",
      name: "P",
    });
    expect(first.body.id).toBe("person_1");
    const again = await call("POST", "/api/collections/people/records", {
      id: "person_1",
      name: "Q",
    });
    expect(again.status).toBe(400);
    expect(again.body.error.fields.id.code).toBe("not_unique");
  });

  it("reads multipart bodies, typing each value by its field", async () => {
    const form = new FormData();
    form.set("title", "42");
    form.set("views", "7");
    form.set("draft", "true");
    form.append("tags", "a");
    form.append("tags", "c");
    form.set("@jsonPayload", JSON.stringify({ meta: { from: "form" } }));
    const response = await t.app.request("/api/collections/posts/records", {
      method: "POST",
      headers: admin,
      body: form,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      title: "42",
      views: 7,
      draft: true,
      tags: ["a", "c"],
      meta: { from: "form" },
    });
  });
});

describe("validation", () => {
  it("reports every invalid field with a stable code, and writes nothing", async () => {
    const before = (await call("GET", "/api/collections/posts/records")).body.totalItems;
    const response = await call("POST", "/api/collections/posts/records", {
      title: "x".repeat(51),
      views: -1,
      draft: "yes",
      contact: "not-an-email",
      link: "javascript:alert(1)",
      due: "tomorrow",
      kind: "poem",
      tags: ["z"],
      meta: { big: "y".repeat(200) },
      author: "no such person",
      readers: ["not an id!"],
      created: "2020-01-01",
      unknown: 1,
    });
    expect(response.status).toBe(400);
    const codes = Object.fromEntries(
      Object.entries(response.body.error.fields as Record<string, { code: string }>).map(
        ([k, v]) => [k, v.code],
      ),
    );
    expect(codes).toEqual({
      title: "too_long",
      views: "too_small",
      draft: "invalid_type",
      contact: "invalid_email",
      link: "invalid_url",
      due: "invalid_date",
      kind: "invalid_option",
      tags: "invalid_option",
      meta: "too_large",
      author: "invalid_type",
      readers: "invalid_type",
      created: "read_only",
      unknown: "unknown_field",
    });
    expect((await call("GET", "/api/collections/posts/records")).body.totalItems).toBe(before);
  });

  it("requires required fields and names missing relations", async () => {
    const missing = await call("POST", "/api/collections/posts/records", { views: 1 });
    expect(missing.body.error.fields.title.code).toBe("required");
    const dangling = await call("POST", "/api/collections/posts/records", {
      title: "t",
      author: "nobody",
      readers: ["nobody2"],
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error.fields.readers.code).toBe("relation_not_found");
    const dangling2 = await call("POST", "/api/collections/posts/records", {
      title: "t",
      author: "nobody",
    });
    expect(dangling2.body.error.fields.author.code).toBe("relation_not_found");
  });

  it("refuses bodies that are not JSON objects", async () => {
    for (const body of ["[]", '"text"', "null", "{bad json"]) {
      const response = await t.app.request("/api/collections/posts/records", {
        method: "POST",
        headers: { ...admin, "Content-Type": "application/json" },
        body,
      });
      expect(response.status, body).toBe(400);
    }
  });
});

describe("relations on delete", () => {
  it("set null, remove from lists, restrict", async () => {
    const bob = (await call("POST", "/api/collections/people/records", { name: "Bob" })).body;
    const eve = (await call("POST", "/api/collections/people/records", { name: "Eve" })).body;
    const post = (
      await call("POST", "/api/collections/posts/records", {
        title: "rel",
        author: bob.id,
        readers: [bob.id, eve.id],
        editor: eve.id,
      })
    ).body;
    expect((await call("DELETE", `/api/collections/people/records/${bob.id}`)).status).toBe(204);
    const after = (await call("GET", `/api/collections/posts/records/${post.id}`)).body;
    expect(after.author).toBeNull();
    expect(after.readers).toEqual([eve.id]);
    const refused = await call("DELETE", `/api/collections/people/records/${eve.id}`);
    expect(refused.status).toBe(409);
    expect((await call("GET", `/api/collections/people/records/${eve.id}`)).status).toBe(200);
  });
});

describe("hidden fields", () => {
  it("are returned to superusers only", async () => {
    const created = (
      await call("POST", "/api/collections/posts/records", { title: "h", secret: "s3" })
    ).body;
    expect(created.secret).toBe("s3");
    const anonymous = await call(
      "GET",
      `/api/collections/posts/records/${created.id}`,
      undefined,
      {},
    );
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).not.toHaveProperty("secret");
    const filtered = await call(
      "GET",
      `/api/collections/posts/records?filter=${encodeURIComponent('secret = "s3"')}`,
      undefined,
      {},
    );
    expect(filtered.status).toBe(400);
  });
});

describe("listing", () => {
  it("pages, sorts by several keys, projects fields and can skip the total", async () => {
    await t.database.db.execute(sql`delete from "public"."posts"`);
    for (const [title, views] of [
      ["a", 1],
      ["b", 2],
      ["c", 2],
      ["d", 3],
      ["e", 0],
    ] as const) {
      await call("POST", "/api/collections/posts/records", { title, views });
    }
    const page = await call(
      "GET",
      "/api/collections/posts/records?sort=-views,title&perPage=2&page=2&fields=title,views",
    );
    expect(page.body).toMatchObject({ page: 2, perPage: 2, totalItems: 5, totalPages: 3 });
    expect(page.body.items).toEqual([
      { title: "c", views: 2 },
      { title: "a", views: 1 },
    ]);
    const noTotal = await call(
      "GET",
      "/api/collections/posts/records?skipTotal=1&filter=views%3E1",
    );
    expect(noTotal.body.totalItems).toBe(-1);
    expect(noTotal.body.items).toHaveLength(3);
  });

  it("walks every page with a cursor, in the same order as offset pages", async () => {
    await call("POST", "/api/collections/posts/records", { title: "f" }); // views null: sorts last
    const offset = await call(
      "GET",
      "/api/collections/posts/records?sort=-views,title&perPage=100",
    );
    const seen: string[] = [];
    let cursor = "";
    for (let pages = 0; pages < 10; pages++) {
      const page = await call(
        "GET",
        `/api/collections/posts/records?sort=-views,title&perPage=2&cursor=${cursor}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.items.map((r: { title: string }) => r.title));
      if (page.body.nextCursor === null) break;
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(offset.body.items.map((r: { title: string }) => r.title));
    expect(seen).toHaveLength(6);
    const tampered = await call(
      "GET",
      `/api/collections/posts/records?sort=title&cursor=${cursor}`,
    );
    expect(tampered.status).toBe(400);
    const garbage = await call("GET", "/api/collections/posts/records?cursor=%25%25%25");
    expect(garbage.status).toBe(400);
  });

  it("caps perPage", async () => {
    const page = await call("GET", "/api/collections/posts/records?perPage=1000000");
    expect(page.status).toBe(200);
    expect(page.body.perPage).toBe(500);
  });
});

describe("POST /api/batch", () => {
  it("applies every operation in one transaction", async () => {
    const person = (await call("POST", "/api/collections/people/records", { name: "Batch" })).body;
    const response = await call("POST", "/api/batch", {
      requests: [
        {
          method: "POST",
          url: "/api/collections/posts/records",
          body: { id: "batch_1", title: "one", author: person.id },
        },
        { method: "PATCH", url: "/api/collections/posts/records/batch_1", body: { "views+": 5 } },
        { method: "POST", url: "/api/collections/posts/records", body: { title: "two" } },
        { method: "DELETE", url: `/api/collections/posts/records/batch_1` },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.map((r: { status: number }) => r.status)).toEqual([201, 200, 201, 204]);
    expect(response.body[1].body.views).toBe(5);
  });

  it("changes nothing when one operation fails, and says which", async () => {
    const before = (await call("GET", "/api/collections/posts/records")).body.totalItems;
    const response = await call("POST", "/api/batch", {
      requests: [
        { method: "POST", url: "/api/collections/posts/records", body: { title: "kept?" } },
        { method: "POST", url: "/api/collections/posts/records", body: { title: "x".repeat(60) } },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^Operation 2 \(create in "posts"\) failed/);
    expect(response.body.error.fields["requests.1.title"].code).toBe("too_long");
    expect((await call("GET", "/api/collections/posts/records")).body.totalItems).toBe(before);
  });

  it("refuses what is not a record operation", async () => {
    for (const requests of [
      [{ method: "GET", url: "/api/collections/posts/records" }],
      [{ method: "POST", url: "/api/collections" }],
      "nope",
      [],
    ]) {
      const response = await call("POST", "/api/batch", { requests });
      expect(response.status, JSON.stringify(requests)).toBe(400);
    }
  });
});
