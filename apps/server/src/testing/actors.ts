// Sign-in for tests: superusers and app users with real sessions, made through the domain
// rather than HTTP flows, so the data API can be tested on its own.
import {
  authenticate,
  createCollection,
  createCtx,
  createRecord,
  createSession,
  newRecordId,
} from "@cairn/core";
import { schema } from "@cairn/db";
import type { TestApp } from "./test-app.js";

export async function superuserToken(t: TestApp, email = "admin@example.com"): Promise<string> {
  const ctx = createCtx({ database: t.database, collections: t.collections });
  const id = newRecordId();
  await t.database.db.insert(schema.superusers).values({ id, email: `${id.slice(-8)}.${email}` });
  const { token } = await createSession({ ctx, input: { subject: { kind: "superuser", id } } });
  return token;
}

/** Creates the auth collection if needed, a user in it, and a session for them. */
export async function signUpUser(
  t: TestApp,
  options: { collection?: string; fields?: Record<string, unknown>; superuser: string },
): Promise<{ id: string; token: string; headers: Record<string, string> }> {
  const name = options.collection ?? "users";
  const superuser = await actorFor(t, options.superuser);
  const lookup = await t.collections.current();
  let collection = lookup.byName(name);
  if (!collection) {
    collection = await createCollection({
      ctx: superuser,
      input: { name, type: "auth", listRule: "", viewRule: "" },
    });
  }
  const email = `${newRecordId().slice(-12)}@example.com`;
  const record = await createRecord({
    ctx: superuser,
    input: { collection: name, body: { email, ...options.fields } },
  });
  const { token } = await createSession({
    ctx: superuser,
    input: { subject: { kind: "user", collectionId: collection.id, id: record.id } },
  });
  return { id: record.id, token, headers: { Authorization: `Bearer ${token}` } };
}

async function actorFor(t: TestApp, token: string) {
  const base = createCtx({ database: t.database, collections: t.collections });
  return createCtx({
    database: t.database,
    collections: t.collections,
    actor: await authenticate({ ctx: base, input: { token } }),
  });
}
