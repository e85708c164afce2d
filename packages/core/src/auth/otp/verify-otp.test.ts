// The code flow with the clock moved by hand: a code lives ten minutes, counts its tries even
// when they race, and a right code used twice at once signs in once.
import { schema } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../../collections/collection-registry.js";
import { createCollection } from "../../collections/create-collection.js";
import { createCtx } from "../../context.js";
import { createRecord } from "../../records/create-record.js";
import { otpMaxAttempts, otpTtlMs } from "./otp-policy.js";
import { requestOtp } from "./request-otp.js";
import { verifyOtp } from "./verify-otp.js";

let database: TestDatabase;
let collections: CollectionRegistry;
const start = new Date("2031-05-01T12:00:00Z");
const at = (ms: number) =>
  createCtx({ database, collections, now: () => new Date(start.getTime() + ms) });

beforeAll(async () => {
  database = await testDatabase();
  collections = new CollectionRegistry(database);
  const admin = createCtx({
    database,
    collections,
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  await createCollection({
    ctx: admin,
    input: { name: "users", type: "auth", auth: { otp: true } },
  });
});
afterAll(() => database.close());

let count = 0;
async function userWithCode(): Promise<{ email: string; code: string }> {
  const email = `u${++count}@example.com`;
  const admin = createCtx({
    database,
    collections,
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  await createRecord({ ctx: admin, input: { collection: "users", body: { email } } });
  const { delivery } = await requestOtp({ ctx: at(0), input: { collection: "users", email } });
  await delivery;
  const [mail] = await database.db
    .select()
    .from(schema.mailbox)
    .where(eq(schema.mailbox.to, email))
    .orderBy(desc(schema.mailbox.id))
    .limit(1);
  return { email, code: /Your code is (\d{6})/.exec(mail!.text)![1]! };
}

const verify = (ms: number, email: string, code: string) =>
  verifyOtp({ ctx: at(ms), input: { collection: "users", email, code } });

describe("verifyOtp", () => {
  it("accepts a code until its ten minutes are up", async () => {
    const { email, code } = await userWithCode();
    await expect(verify(otpTtlMs - 1000, email, code)).resolves.toMatchObject({
      token: expect.any(String),
    });
    const late = await userWithCode();
    await expect(verify(otpTtlMs + 1000, late.email, late.code)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("counts racing wrong guesses: no more than the limit reach the code", async () => {
    const { email, code } = await userWithCode();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => verify(1000, email, wrong)),
    );
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    const [row] = await database.db
      .select()
      .from(schema.authTokens)
      .where(and(eq(schema.authTokens.email, email), eq(schema.authTokens.kind, "otp")));
    expect(row!.attempts).toBe(otpMaxAttempts);
    expect(row!.usedAt).not.toBeNull();
    await expect(verify(2000, email, code)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a right code sent twice at once signs in once", async () => {
    const { email, code } = await userWithCode();
    const results = await Promise.allSettled([
      verify(1000, email, code),
      verify(1000, email, code),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});
