// Two users with private records: neither can reach the other's, directly, through expand,
// or through a filter on a relation. Plus hostile input that must end in a 4xx, not a 500,
// with the database unchanged.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
let alice: { id: string; headers: Record<string, string> };
let bob: { id: string; headers: Record<string, string> };
let alicesNote: string;
let bobsNote: string;

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  apiCall(t.app, method, path, { body, headers });

const owner = "owner = @request.auth.id";

beforeAll(async () => {
  t = await createTestApp();
  const token = await superuserToken(t);
  admin = { Authorization: `Bearer ${token}` };
  alice = await signUpUser(t, { superuser: token, fields: {} });
  bob = await signUpUser(t, { superuser: token, fields: {} });
  const users = (await call("GET", "/api/collections/users", admin)).body;
  const notes = await call("POST", "/api/collections", admin, {
    name: "notes",
    fields: [
      { name: "text", type: "text" },
      {
        name: "owner",
        type: "relation",
        collection: users.id,
        nullable: false,
        onDelete: "cascade",
      },
    ],
    listRule: owner,
    viewRule: owner,
    createRule: owner,
    updateRule: owner,
    deleteRule: owner,
  });
  expect(notes.status, JSON.stringify(notes.body)).toBe(201);
  const comments = await call("POST", "/api/collections", admin, {
    name: "comments",
    fields: [
      { name: "text", type: "text" },
      { name: "note", type: "relation", collection: "notes", onDelete: "cascade" },
    ],
    listRule: "",
    viewRule: "",
    createRule: "",
  });
  expect(comments.status, JSON.stringify(comments.body)).toBe(201);
  alicesNote = (
    await call("POST", "/api/collections/notes/records", alice.headers, {
      text: "alice secret",
      owner: alice.id,
    })
  ).body.id;
  bobsNote = (
    await call("POST", "/api/collections/notes/records", bob.headers, {
      text: "bob secret",
      owner: bob.id,
    })
  ).body.id;
  await call("POST", "/api/collections/comments/records", alice.headers, {
    text: "on alice",
    note: alicesNote,
  });
  await call("POST", "/api/collections/comments/records", bob.headers, {
    text: "on bob",
    note: bobsNote,
  });
});
afterAll(() => t.close());

describe("private records", () => {
  it("each user lists only their own", async () => {
    const a = await call("GET", "/api/collections/notes/records", alice.headers);
    expect(a.body.items.map((n: { text: string }) => n.text)).toEqual(["alice secret"]);
    const anonymous = await call("GET", "/api/collections/notes/records", {});
    expect(anonymous.body.items).toEqual([]);
  });

  it("view, update and delete of another's record answer 404", async () => {
    expect(
      (await call("GET", `/api/collections/notes/records/${bobsNote}`, alice.headers)).status,
    ).toBe(404);
    expect(
      (
        await call("PATCH", `/api/collections/notes/records/${bobsNote}`, alice.headers, {
          text: "x",
        })
      ).status,
    ).toBe(404);
    expect(
      (await call("DELETE", `/api/collections/notes/records/${bobsNote}`, alice.headers)).status,
    ).toBe(404);
    const still = await call("GET", `/api/collections/notes/records/${bobsNote}`, admin);
    expect(still.body.text).toBe("bob secret");
  });

  it("creating a record for someone else is refused with 403 and not written", async () => {
    const response = await call("POST", "/api/collections/notes/records", alice.headers, {
      text: "forged",
      owner: bob.id,
    });
    expect(response.status).toBe(403);
    const all = await call("GET", "/api/collections/notes/records", admin);
    expect(all.body.items.map((n: { text: string }) => n.text)).not.toContain("forged");
  });

  it("an update cannot hand a record to someone else: the rule holds before and after", async () => {
    const response = await call(
      "PATCH",
      `/api/collections/notes/records/${alicesNote}`,
      alice.headers,
      { owner: bob.id },
    );
    expect(response.status).toBe(403);
    const still = await call("GET", `/api/collections/notes/records/${alicesNote}`, admin);
    expect(still.body.owner).toBe(alice.id);
  });

  it("expand does not reveal records the viewer may not see", async () => {
    const list = await call(
      "GET",
      "/api/collections/comments/records?expand=note&sort=text",
      alice.headers,
    );
    const byText = Object.fromEntries(
      list.body.items.map((c: { text: string; expand?: unknown }) => [c.text, c.expand]),
    );
    expect(byText["on alice"]).toMatchObject({ note: { text: expect.any(String) } });
    expect(byText["on bob"]).toBeUndefined();
    const back = await call(
      "GET",
      `/api/collections/users/records/${bob.id}?expand=notes_via_owner`,
      alice.headers,
    );
    expect(back.body.expand).toBeUndefined();
  });

  it("a filter through a relation does not reveal hidden records", async () => {
    const probe = await call(
      "GET",
      `/api/collections/comments/records?filter=${encodeURIComponent('note.text ~ "bob"')}`,
      alice.headers,
    );
    expect(probe.status).toBe(200);
    expect(probe.body.items).toEqual([]);
    const own = await call(
      "GET",
      `/api/collections/comments/records?filter=${encodeURIComponent('note.text ~ "alice"')}`,
      alice.headers,
    );
    expect(own.body.items.map((c: { text: string }) => c.text)).toEqual(["on alice"]);
  });
});

describe("hostile input gets a 4xx and changes nothing", () => {
  const hostile = [
    "'; DROP TABLE notes; --",
    '" OR 1=1 --',
    "text = 'x' OR 1=1",
    "text ~ '%' ; delete from notes",
    `${"(".repeat(10_000)}text = 'a'${")".repeat(10_000)}`,
    "text = \u0000",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 = 1",
    "@collection.users.password != ''",
    "@request.auth.id = id",
    "owner.password != ''",
  ];

  it.each(hostile)("filter %#", async (filter) => {
    const before = await t.database.rows(sql`select count(*)::int as n from "public"."notes"`);
    const response = await call(
      "GET",
      `/api/collections/notes/records?filter=${encodeURIComponent(filter)}`,
      alice.headers,
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.error.code).toBe("BAD_REQUEST");
    expect(await t.database.rows(sql`select count(*)::int as n from "public"."notes"`)).toEqual(
      before,
    );
  });

  it.each([
    ["sort", "text; drop table notes"],
    ["sort", "-nosuch"],
    ["sort", "owner.password"],
    ["expand", "owner); drop table notes; --"],
    ["expand", "nosuch"],
    ["fields", "text,(select 1)"],
    ["perPage", "-5"],
    ["perPage", "1e9"],
    ["page", "0"],
    ["page", "abc"],
  ])("%s=%s", async (param, value) => {
    const response = await call(
      "GET",
      `/api/collections/notes/records?${param}=${encodeURIComponent(value)}`,
      alice.headers,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("BAD_REQUEST");
  });

  it("collection names in the path are looked up, never interpolated", async () => {
    for (const name of [
      "notes;drop table notes",
      "notes%22",
      "..%2Fcollections",
      "pg_catalog.pg_user",
    ]) {
      const response = await call(
        "GET",
        `/api/collections/${encodeURIComponent(name)}/records`,
        alice.headers,
      );
      expect(response.status, name).toBe(404);
    }
    expect((await t.database.rows(sql`select 1 from "public"."notes"`)).length).toBeGreaterThan(0);
  });

  it("field names in bodies are looked up, never interpolated", async () => {
    const response = await call("POST", "/api/collections/notes/records", alice.headers, {
      'text" = 1; drop table notes; --': "x",
      owner: alice.id,
    });
    expect(response.status).toBe(400);
    expect((await t.database.rows(sql`select 1 from "public"."notes"`)).length).toBeGreaterThan(0);
  });
});
