// A rule's condition is compiled once per frozen actor (the session cache's) when it reads
// nothing of the request but @request.auth; any rule that reads more is compiled per request.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Actor, type Ctx, createCtx } from "../context.js";
import { isCairnError } from "../errors.js";
import { createRecord } from "./create-record.js";
import { ruleAccess } from "./record-rules.js";
import { updateRecord } from "./update-record.js";

let database: TestDatabase;
let admin: Ctx;
let member: Extract<Actor, { kind: "user" }>;

beforeAll(async () => {
  database = await testDatabase();
  admin = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  const members = await createCollection({
    ctx: admin,
    input: { name: "members", type: "auth", fields: [{ name: "team", type: "text" }] },
  });
  await createCollection({
    ctx: admin,
    input: {
      name: "notes",
      fields: [
        { name: "owner", type: "text" },
        { name: "title", type: "text" },
      ],
      viewRule: "owner = @request.auth.id",
      updateRule: 'owner = @request.auth.id && @request.body.title != "forbidden"',
    },
  });
  const record = await createRecord({
    ctx: admin,
    input: { collection: "members", body: { email: "m@example.com", team: "red" } },
  });
  member = Object.freeze({
    kind: "user",
    id: record.id as string,
    collectionId: members.id,
    collectionName: "members",
    record: Object.freeze({ ...record }),
  });
});
afterAll(() => database.close());

const as = (actor: Actor) =>
  createCtx({ database, collections: admin.collections, actor, request: {} });

async function access(actor: Actor, rule: "viewRule" | "updateRule", body?: object) {
  const ctx = as(actor);
  const lookup = await ctx.collections.current();
  return ruleAccess(ctx, lookup.byName("notes")!, lookup, rule, body as Record<string, unknown>);
}

describe("rule conditions kept per actor", () => {
  it("compiles a rule that reads only @request.auth once for a frozen actor", async () => {
    const first = await access(member, "viewRule");
    expect(first.kind).toBe("where");
    expect(await access(member, "viewRule")).toBe(first);
  });

  it("compiles it again for an actor that is not frozen (it could change)", async () => {
    const open: Actor = { ...member, record: { ...member.record } };
    expect(await access(open, "viewRule")).not.toBe(await access(open, "viewRule"));
  });

  it("compiles a rule that reads the body for each request", async () => {
    expect(await access(member, "updateRule", { title: "a" })).not.toBe(
      await access(member, "updateRule", { title: "a" }),
    );
    const note = await createRecord({
      ctx: admin,
      input: { collection: "notes", body: { owner: member.id } },
    });
    const update = (title: string) =>
      updateRecord({
        ctx: as(member),
        input: { collection: "notes", id: note.id as string, body: { title } },
      });
    await expect(update("fine")).resolves.toMatchObject({ title: "fine" });
    const refused = await update("forbidden").catch((error: unknown) => error);
    // A record the update rule does not pass answers 404, as if it were not there.
    expect(isCairnError(refused) && refused.status).toBe(404);
    await expect(update("fine again")).resolves.toMatchObject({ title: "fine again" });
  });

  it("starts afresh under a new schema", async () => {
    const before = await access(member, "viewRule");
    await createCollection({ ctx: admin, input: { name: "other", fields: [] } });
    expect(await access(member, "viewRule")).not.toBe(before);
  });
});
