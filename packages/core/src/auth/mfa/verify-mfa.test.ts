// MFA sign-in with the clock moved by hand: a code works once per time step, codes from far
// steps are refused, an MFA token lives five minutes, and a recovery code used twice at once
// opens one session.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../../collections/collection-registry.js";
import { createCollection } from "../../collections/create-collection.js";
import { type Actor, createCtx } from "../../context.js";
import { createRecord } from "../../records/create-record.js";
import { findUserById, resolveAuthCollection } from "../auth-collection.js";
import { completeSignIn, mfaPendingTtlMs } from "../complete-sign-in.js";
import { confirmMfa } from "./confirm-mfa.js";
import { enrollMfa } from "./enroll-mfa.js";
import { totpStepAt } from "./mfa-totp.js";
import { verifyMfa } from "./verify-mfa.js";

let database: TestDatabase;
let collections: CollectionRegistry;
const start = new Date("2031-05-01T12:00:05Z");
const at = (ms: number, actor?: Actor) =>
  createCtx({ database, collections, actor, now: () => new Date(start.getTime() + ms) });
const step = 30_000;

beforeAll(async () => {
  database = await testDatabase();
  collections = new CollectionRegistry(database);
  await createCollection({
    ctx: at(0, { kind: "superuser", id: "t", email: "t@example.com" }),
    input: { name: "users", type: "auth" },
  });
});
afterAll(() => database.close());

let count = 0;
/** A user with a confirmed authenticator (confirmed at `start`); its secret and codes. */
async function userWithMfa() {
  const admin = at(0, { kind: "superuser", id: "t", email: "t@example.com" });
  const record = await createRecord({
    ctx: admin,
    input: { collection: "users", body: { email: `m${++count}@example.com` } },
  });
  const { collection } = await resolveAuthCollection(admin, "users");
  const actor: Actor = {
    kind: "user",
    id: record.id,
    collectionId: collection.id,
    collectionName: "users",
    record,
  };
  const { secret } = await enrollMfa({ ctx: at(0, actor), input: { collection: "users" } });
  const key = decodeBase32IgnorePadding(secret);
  const codeAt = (ms: number) =>
    generateHOTP(key, BigInt(totpStepAt(new Date(start.getTime() + ms))), 6);
  const confirmed = await confirmMfa({
    ctx: at(0, actor),
    input: { collection: "users", code: codeAt(0) },
  });
  const signIn = async (ms: number) => {
    const user = await findUserById(admin, collection, record.id);
    const result = await completeSignIn(at(ms), { collection, user: user!, method: "otp" });
    if (!("mfaToken" in result)) throw new Error("expected an MFA step");
    return result.mfaToken;
  };
  return { codeAt, recoveryCodes: confirmed.recoveryCodes, signIn };
}

const verify = (ms: number, mfaToken: string, proof: { code?: string; recoveryCode?: string }) =>
  verifyMfa({ ctx: at(ms), input: { collection: "users", mfaToken, ...proof } });

describe("verifyMfa", () => {
  it("takes each time step once: the confirming code cannot sign in, the next step can", async () => {
    const { codeAt, signIn } = await userWithMfa();
    const token = await signIn(1000);
    await expect(verify(1000, token, { code: codeAt(0) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(verify(step, token, { code: codeAt(step) })).resolves.toMatchObject({
      token: expect.any(String),
    });
    const again = await signIn(step + 1000);
    await expect(verify(step + 1000, again, { code: codeAt(step) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("refuses a code from two steps ago, accepts one from the step before", async () => {
    const { codeAt, signIn } = await userWithMfa();
    const token = await signIn(3 * step);
    if (codeAt(step) !== codeAt(2 * step) && codeAt(step) !== codeAt(3 * step)) {
      await expect(verify(3 * step, token, { code: codeAt(step) })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    await expect(verify(3 * step, token, { code: codeAt(2 * step) })).resolves.toMatchObject({
      token: expect.any(String),
    });
  });

  it("an MFA token lives five minutes", async () => {
    const { codeAt, signIn } = await userWithMfa();
    const token = await signIn(step);
    const late = step + mfaPendingTtlMs + 1000;
    await expect(verify(late, token, { code: codeAt(late) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/MFA token/),
    });
  });

  it("a recovery code used twice at once opens one session", async () => {
    const { recoveryCodes, signIn } = await userWithMfa();
    const [a, b] = [await signIn(1000), await signIn(1000)];
    const results = await Promise.allSettled([
      verify(1000, a, { recoveryCode: recoveryCodes[0]! }),
      verify(1000, b, { recoveryCode: recoveryCodes[0]! }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});
