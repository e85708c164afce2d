// A session token resolves to its actor in one statement: the user's record as the record verbs
// read it (every field type), never for a disabled user, an expired session, or another
// collection's id.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { type Ctx, createCtx } from "../context.js";
import { createRecord } from "../records/create-record.js";
import { getRecord } from "../records/get-record.js";
import { rowToRecord } from "../records/record-codec.js";
import { authenticate } from "./authenticate.js";
import { createSession } from "./create-session.js";
import { disableUser } from "./disable-user.js";

let database: TestDatabase;
let admin: Ctx;
let members: { id: string };
let staff: { id: string };

beforeAll(async () => {
  database = await testDatabase();
  admin = createCtx({
    database,
    collections: new CollectionRegistry(database),
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  await createCollection({ ctx: admin, input: { name: "teams", fields: [] } });
  members = await createCollection({
    ctx: admin,
    input: {
      name: "members",
      type: "auth",
      fields: [
        { name: "nickname", type: "text" },
        { name: "score", type: "number" },
        { name: "active", type: "bool" },
        { name: "born", type: "date" },
        { name: "prefs", type: "json" },
        { name: "roles", type: "select", values: ["a", "b", "c"], multiple: true },
        { name: "teams", type: "relation", collection: "teams", multiple: true },
      ],
    },
  });
  staff = await createCollection({ ctx: admin, input: { name: "staff", type: "auth" } });
});
afterAll(() => database.close());

async function member(body: Record<string, unknown>) {
  const created = await createRecord({
    ctx: admin,
    input: { collection: "members", body: { password: "long enough pw", ...body } },
  });
  return created.id as string;
}

/** The user's row read straight through the driver, decoded as every record read is. */
async function driverRecord(id: string) {
  const [row] = await database.rows(sql`SELECT * FROM "public"."members" WHERE "id" = ${id}`);
  return rowToRecord((await admin.collections.current()).byName("members")!, row!);
}

async function tokenOf(collectionId: string, id: string) {
  const { token } = await createSession({
    ctx: admin,
    input: { subject: { kind: "user", collectionId, id } },
  });
  return token;
}

describe("authenticate", () => {
  it("reads the user's record as the record verbs do, every field type included", async () => {
    const team = await createRecord({ ctx: admin, input: { collection: "teams", body: {} } });
    const id = await member({
      email: "all@example.com",
      nickname: "Ada",
      score: 2.5,
      active: true,
      born: "1990-05-17T08:30:00.125Z",
      prefs: { theme: "dark", sizes: [1, 2], nested: { ok: null } },
      roles: ["a", "c"],
      teams: [team.id],
    });
    const actor = await authenticate({
      ctx: createCtx({ database, collections: admin.collections }),
      input: { token: await tokenOf(members.id, id) },
    });
    expect(actor.kind).toBe("user");
    if (actor.kind !== "user") return;
    expect(actor.record).toEqual(await driverRecord(id));
    expect(actor.record).toMatchObject({
      nickname: "Ada",
      score: 2.5,
      active: true,
      born: "1990-05-17T08:30:00.125Z",
      prefs: { theme: "dark", sizes: [1, 2], nested: { ok: null } },
      roles: ["a", "c"],
      teams: [team.id],
    });
    const shown = await getRecord({ ctx: admin, input: { collection: "members", id } });
    expect(shown.born).toBe(actor.record.born);
    expect(actor).toMatchObject({ collectionId: members.id, collectionName: "members", id });
  });

  it("reads empty fields as the record verbs do", async () => {
    const id = await member({ email: "empty@example.com" });
    const actor = await authenticate({
      ctx: admin,
      input: { token: await tokenOf(members.id, id) },
    });
    expect(actor.kind === "user" && actor.record).toEqual(await driverRecord(id));
    expect(actor.kind === "user" && actor.record.born).toBeNull();
  });

  it("refuses a disabled user, an expired session and a session naming another collection", async () => {
    const id = await member({ email: "off@example.com" });
    const token = await tokenOf(members.id, id);
    await disableUser({ ctx: admin, input: { collection: "members", userId: id } });
    await expect(authenticate({ ctx: admin, input: { token } })).rejects.toMatchObject({
      status: 401,
    });

    const later = await member({ email: "later@example.com" });
    const expiring = await tokenOf(members.id, later);
    const future = createCtx({
      database,
      collections: admin.collections,
      now: () => new Date(Date.now() + 400 * 24 * 3600 * 1000),
    });
    await expect(authenticate({ ctx: future, input: { token: expiring } })).rejects.toMatchObject({
      status: 401,
    });

    // The user's id under another auth collection: no such user there.
    const wrong = await tokenOf(staff.id, later);
    await expect(authenticate({ ctx: admin, input: { token: wrong } })).rejects.toMatchObject({
      status: 401,
    });
  });
});
