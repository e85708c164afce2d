import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createCtx } from "../context.js";
import { CollectionRegistry } from "./collection-registry.js";
import { createCollection } from "./create-collection.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());

it("follows schema changes committed through another registry (another replica)", async () => {
  const here = new CollectionRegistry(database);
  const elsewhere = new CollectionRegistry(database);
  const stop = await elsewhere.follow();
  try {
    expect((await elsewhere.current()).byName("followed")).toBeUndefined();
    await createCollection({
      ctx: createCtx({
        database,
        collections: here,
        actor: { kind: "superuser", id: "s", email: "s@example.com" },
      }),
      input: { name: "followed" },
    });
    await vi.waitFor(async () => {
      expect((await elsewhere.current()).byName("followed")).toBeDefined();
    });
  } finally {
    await stop();
  }
});
