import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let source: TestApp;
let target: TestApp;
const headers: Record<string, Record<string, string>> = {};

const call = (t: TestApp, method: string, path: string, body?: unknown) =>
  apiCall(t.app, method, path, { body, headers: headers[t === source ? "source" : "target"] });

beforeAll(async () => {
  [source, target] = await Promise.all([createTestApp(), createTestApp()]);
  headers.source = { Authorization: `Bearer ${await superuserToken(source)}` };
  headers.target = { Authorization: `Bearer ${await superuserToken(target)}` };
  for (const definition of [
    { name: "teams", fields: [{ name: "name", type: "text", required: true }], listRule: "" },
    {
      name: "members",
      fields: [
        { name: "team", type: "relation", collection: "teams", onDelete: "cascade" },
        { name: "role", type: "select", values: ["owner", "member"] },
      ],
      indexes: [{ name: "by_team", fields: ["team", "role"] }],
      listRule: 'role = "owner"',
    },
  ]) {
    expect((await call(source, "POST", "/api/collections", definition)).status).toBe(201);
  }
});
afterAll(() => Promise.all([source.close(), target.close()]));

describe("schema as code", () => {
  it("exports every collection as one document that applies to an empty instance", async () => {
    const exported = await call(source, "GET", "/api/schema");
    expect(exported.status).toBe(200);
    expect(exported.body.version).toBe(1);
    expect(exported.body.collections.map((c: { name: string }) => c.name)).toEqual([
      "teams",
      "members",
    ]);

    // Members listed first: the plan orders relation targets before the collections using them.
    const document = { ...exported.body, collections: [...exported.body.collections].reverse() };
    const plan = await call(target, "POST", "/api/schema/plan", document);
    expect(plan.status).toBe(200);
    expect(plan.body.destructive).toBe(false);
    expect(
      plan.body.steps.map(
        (s: { collection: string; action: string }) => `${s.action} ${s.collection}`,
      ),
    ).toEqual(["create teams", "create members"]);
    expect(plan.body.steps[0].statements[0]).toMatch(/^CREATE TABLE "public"."teams"/);

    const applied = await call(target, "POST", "/api/schema/apply", document);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const again = await call(target, "GET", "/api/schema");
    expect(again.body).toEqual(exported.body);
    expect((await call(target, "POST", "/api/schema/plan", exported.body)).body.steps).toEqual([]);
  });

  it("round-trips auth collections, whose system fields have camelCase ids", async () => {
    const app = await createTestApp();
    try {
      const auth = { Authorization: `Bearer ${await superuserToken(app)}` };
      const made = await apiCall(app.app, "POST", "/api/collections", {
        body: { name: "accounts", type: "auth", fields: [{ name: "nick", type: "text" }] },
        headers: auth,
      });
      expect(made.status).toBe(201);
      const exported = await apiCall(app.app, "GET", "/api/schema", { headers: auth });
      const plan = await apiCall(app.app, "POST", "/api/schema/plan", {
        body: exported.body,
        headers: auth,
      });
      expect(plan.status, JSON.stringify(plan.body)).toBe(200);
      expect(plan.body.steps).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("applies an exported self-relation to an empty instance", async () => {
    const [from, to] = await Promise.all([createTestApp(), createTestApp()]);
    try {
      const auth = async (app: TestApp) => ({
        Authorization: `Bearer ${await superuserToken(app)}`,
      });
      const [fromAuth, toAuth] = await Promise.all([auth(from), auth(to)]);
      const made = await apiCall(from.app, "POST", "/api/collections", {
        body: {
          name: "nodes",
          fields: [{ name: "parent", type: "relation", collection: "nodes" }],
        },
        headers: fromAuth,
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const exported = await apiCall(from.app, "GET", "/api/schema", { headers: fromAuth });
      // The export names the target by id, which does not exist yet on the empty instance.
      const applied = await apiCall(to.app, "POST", "/api/schema/apply", {
        body: exported.body,
        headers: toAuth,
      });
      expect(applied.status, JSON.stringify(applied.body)).toBe(200);
      const again = await apiCall(to.app, "GET", "/api/schema", { headers: toAuth });
      expect(again.body).toEqual(exported.body);
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
  });

  it("applies a plan only against the schema version it was made for", async () => {
    const exported = (await call(source, "GET", "/api/schema")).body;
    const document = {
      ...exported,
      collections: exported.collections.map((c: { name: string; listRule: unknown }) =>
        c.name === "teams" ? { ...c, listRule: "id != ''" } : c,
      ),
    };
    const plan = await call(source, "POST", "/api/schema/plan", document);
    expect(plan.body.version).toMatch(/^[0-9a-f]{32}$/);
    // Someone else changes the schema in between.
    const other = await call(source, "PATCH", "/api/collections/members", { viewRule: "" });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    const stale = await call(
      source,
      "POST",
      `/api/schema/apply?expectedVersion=${plan.body.version}`,
      document,
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("CONFLICT");
    expect((await call(source, "GET", "/api/collections/members")).body.viewRule).toBe("");

    const fresh = await call(source, "POST", "/api/schema/plan", {
      ...document,
      collections: document.collections.map((c: { name: string }) =>
        c.name === "members" ? { ...c, viewRule: "" } : c,
      ),
    });
    expect(fresh.body.version).not.toBe(plan.body.version);
    const applied = await call(
      source,
      "POST",
      `/api/schema/apply?expectedVersion=${fresh.body.version}`,
      {
        ...document,
        collections: document.collections.map((c: { name: string }) =>
          c.name === "members" ? { ...c, viewRule: "" } : c,
        ),
      },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect((await call(source, "GET", "/api/collections/teams")).body.listRule).toBe("id != ''");
    // Put the source back as the other tests expect it.
    expect((await call(source, "POST", "/api/schema/apply", exported)).status).toBe(200);
  });

  it("renames by id and refuses destructive steps without the flag", async () => {
    const document = (await call(target, "GET", "/api/schema")).body;
    await call(target, "POST", "/api/collections/teams/records", { name: "Blue" });
    const renamed = {
      ...document,
      collections: document.collections.map(
        (c: { name: string; fields: { name: string; system: boolean }[] }) =>
          c.name === "teams"
            ? {
                ...c,
                name: "squads",
                fields: c.fields.map((f) => (f.name === "name" ? { ...f, name: "title" } : f)),
              }
            : c,
      ),
    };
    const plan = await call(target, "POST", "/api/schema/plan", renamed);
    expect(plan.body.steps.map((s: { description: string }) => s.description)).toEqual([
      'Rename collection "teams" to "squads"',
      'Rename field "name" to "title" (data kept)',
    ]);
    expect((await call(target, "POST", "/api/schema/apply", renamed)).status).toBe(200);
    const list = await call(target, "GET", "/api/collections/squads/records");
    expect(list.body.items.map((r: { title: string }) => r.title)).toEqual(["Blue"]);

    const withoutMembers = {
      ...renamed,
      collections: renamed.collections.filter((c: { name: string }) => c.name !== "members"),
    };
    const destructive = await call(target, "POST", "/api/schema/plan", withoutMembers);
    expect(destructive.body.destructive).toBe(true);
    const refused = await call(target, "POST", "/api/schema/apply", withoutMembers);
    expect(refused.status).toBe(409);
    expect((await call(target, "GET", "/api/collections/members")).status).toBe(200);
    const forced = await call(
      target,
      "POST",
      "/api/schema/apply?allowDestructive=true",
      withoutMembers,
    );
    expect(forced.status).toBe(200);
    expect((await call(target, "GET", "/api/collections/members")).status).toBe(404);
  });

  it("names the collection and field of an invalid document entry", async () => {
    const response = await call(target, "POST", "/api/schema/plan", {
      version: 1,
      collections: [{ name: "ok" }, { name: "bad", fields: [{ name: "x", type: "nope" }] }],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^Collection "bad":/);
    expect(Object.keys(response.body.error.fields)[0]).toMatch(/^collections\.1\.fields\.0/);
  });

  it("is for superusers only", async () => {
    const response = await source.app.request("/api/schema");
    expect(response.status).toBe(401);
  });
});

describe("POST /api/schema/rules/validate", () => {
  it("answers valid rules and points at the position of problems", async () => {
    const ok = await call(source, "POST", "/api/schema/rules/validate", {
      collection: "members",
      text: 'role = "owner" && team.name != ""',
    });
    expect(ok.body).toEqual({ valid: true, problems: [] });
    const bad = await call(source, "POST", "/api/schema/rules/validate", {
      collection: "members",
      text: "role = \n  nosuch",
    });
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.problems[0]).toMatchObject({ line: 2, column: 3 });
  });

  it("checks against a draft definition, and knows filters cannot use @request", async () => {
    const draft = await call(source, "POST", "/api/schema/rules/validate", {
      definition: { name: "draft", fields: [{ name: "score", type: "number" }] },
      text: "score > 3 && @request.auth.id != ''",
    });
    expect(draft.body.valid).toBe(true);
    const filter = await call(source, "POST", "/api/schema/rules/validate", {
      kind: "filter",
      collection: "teams",
      text: "@request.auth.id != ''",
    });
    expect(filter.body.valid).toBe(false);
  });
});
