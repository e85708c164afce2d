import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
  const create = (body: unknown) =>
    t.app.request("/api/collections", {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  expect(
    (await create({ name: "people", fields: [{ name: "name", type: "text" }], listRule: "" }))
      .status,
  ).toBe(201);
  expect(
    (
      await create({
        name: "posts",
        listRule: "",
        viewRule: "",
        fields: [
          { name: "title", type: "text", required: true, max: 100 },
          { name: "views", type: "number", integer: true },
          { name: "tags", type: "select", values: ["a", "b"], multiple: true },
          { name: "author", type: "relation", collection: "people" },
          { name: "meta", type: "json" },
          { name: "secret", type: "text", hidden: true },
        ],
      })
    ).status,
  ).toBe(201);
  expect((await create({ name: "internal", fields: [{ name: "x", type: "text" }] })).status).toBe(
    201,
  );
});
afterAll(() => t.close());

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document for the live schema", async () => {
    const response = await t.app.request("/api/openapi.json", { headers: admin });
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the assertions
    const document: any = await response.json();
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/api/collections/posts/records",
        "/api/collections/posts/records/{id}",
      ]),
    );
    const record = document.components.schemas.PostsRecord;
    expect(record.properties.views).toEqual({ type: ["integer", "null"] });
    expect(record.properties.tags.items.enum).toEqual(["a", "b"]);
    expect(record.properties.secret).toBeDefined();
    expect(document.components.schemas.PostsCreate.required).toEqual(["title"]);
  });

  it("shows others only collections someone may use, without hidden fields", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the assertions
    const document: any = await (await t.app.request("/api/openapi.json")).json();
    expect(Object.keys(document.paths)).not.toContain("/api/collections/internal/records");
    expect(document.components.schemas.PostsRecord.properties.secret).toBeUndefined();
  });

  it("follows schema changes", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the assertions
    const before: any = await (await t.app.request("/api/openapi.json", { headers: admin })).json();
    expect(before.components.schemas.PeopleRecord.properties.age).toBeUndefined();
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the assertions
    const people: any = await (
      await t.app.request("/api/collections/people", { headers: admin })
    ).json();
    const patched = await t.app.request("/api/collections/people", {
      method: "PATCH",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({
        fields: [
          ...people.fields.filter((f: { system: boolean }) => !f.system),
          { name: "age", type: "number" },
        ],
      }),
    });
    expect(patched.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the assertions
    const after: any = await (await t.app.request("/api/openapi.json", { headers: admin })).json();
    expect(after.components.schemas.PeopleRecord.properties.age).toEqual({
      type: ["number", "null"],
    });
  });
});

describe("GET /api/docs", () => {
  it("renders the reference as HTML with every endpoint", async () => {
    const response = await t.app.request("/api/docs");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<code>/api/collections/posts/records/{id}</code>");
    expect(html).not.toContain("<script");
  });
});
