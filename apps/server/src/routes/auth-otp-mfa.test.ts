// Email codes, magic links and TOTP MFA end to end over HTTP, reading the mails from the dev
// mailbox: the happy paths, wrong, reused, expired and tampered codes and tokens, attempt and
// rate limits, no account enumeration, required MFA, disabling, the superuser reset, the audit
// log, and that no code or secret ever reaches the logs.
import { createHash, createHmac } from "node:crypto";
import {
  completeSignIn,
  createCtx,
  createSession,
  findUserById,
  putSetting,
  requestOtp,
  resolveAuthCollection,
} from "@cairn/core";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
/** Every code, link token and secret the tests saw: none may appear in a log line. */
const secrets: string[] = [];

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  apiCall(t.app, method, path, { body, headers });
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp({ CAIRN_TRUST_PROXY: "true" });
  admin = auth(await superuserToken(t));
  // The app name is the authenticator's issuer; magic links may go to these prefixes.
  await putSetting(createCtx({ database: t.database, collections: t.collections }), "app", {
    name: "Cairn Test",
    url: "",
    redirectUrls: ["https://app.example.com/", "myapp://auth"],
  });
  for (const [name, options] of [
    ["members", { otp: true }],
    ["staff", { otp: true, mfa: "required" }],
    ["closed", { otp: false }],
  ] as const) {
    const created = await call(
      "POST",
      "/api/collections",
      { name, type: "auth", auth: options },
      admin,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});
afterAll(() => t.close());

let userCount = 0;
async function createUser(collection: string): Promise<{ id: string; email: string }> {
  const email = `user${++userCount}.${Date.now()}@example.com`;
  const response = await call("POST", `/api/collections/${collection}/records`, { email }, admin);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { id: response.body.id, email };
}

// --- the dev mailbox -------------------------------------------------------------------------

async function lastMailId(): Promise<number> {
  const [row] = await t.database.rows<{ id: number | null }>(
    sql`select max(id)::int as id from cairn.mailbox`,
  );
  return row?.id ?? 0;
}

async function mailsTo(email: string, after: number) {
  return t.database.rows<{ id: number; text: string; subject: string }>(
    sql`select id::int as id, text, subject from cairn.mailbox
        where lower("to") = lower(${email}) and id > ${after} order by id`,
  );
}

/** The sign-in mail sent after `after`, waited for: requests answer before it is sent. */
async function readMail(email: string, after: number): Promise<{ code: string; link: string }> {
  for (let i = 0; i < 100; i++) {
    const [mail] = await mailsTo(email, after);
    if (mail) {
      const code = /Your code is (\d{6})/.exec(mail.text)?.[1];
      const link = /sign in with this link: (\S+)/.exec(mail.text)?.[1];
      expect(code, mail.text).toBeDefined();
      expect(link, mail.text).toBeDefined();
      expect(mail.subject).toContain(code!);
      secrets.push(code!, new URL(link!).searchParams.get("magicToken")!);
      return { code: code!, link: link! };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no mail to ${email}`);
}

async function requestCode(
  collection: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<{ code: string; link: string }> {
  const after = await lastMailId();
  const response = await call("POST", `/api/collections/${collection}/auth/otp/request`, {
    email,
    ...extra,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(204);
  return readMail(email, after);
}

/** A first factor: the code from the mail. */
async function signInWithCode(collection: string, email: string) {
  const { code } = await requestCode(collection, email);
  const response = await call("POST", `/api/collections/${collection}/auth/otp/verify`, {
    email,
    code,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  if (response.body.token) secrets.push(response.body.token);
  if (response.body.mfaToken) secrets.push(response.body.mfaToken);
  return response.body;
}

const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

// --- TOTP, written here from RFC 6238 so it checks the server's use of @oslojs/otp ----------

function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    value = ((value << 5) | alphabet.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret: string, offsetSteps = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offsetSteps));
  const hash = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = hash[hash.length - 1]! & 0x0f;
  const code = String((hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
  secrets.push(code);
  return code;
}

/** Signs in with a code and turns an authenticator on; the step of "now" is then used up. */
async function enableMfa(collection: string, email: string) {
  const session = await signInWithCode(collection, email);
  expect(session.token).toBeDefined();
  const enrolment = await call(
    "POST",
    `/api/collections/${collection}/auth/mfa/enroll`,
    undefined,
    auth(session.token),
  );
  expect(enrolment.status, JSON.stringify(enrolment.body)).toBe(200);
  secrets.push(enrolment.body.secret);
  const confirmCode = totp(enrolment.body.secret);
  const confirmed = await call(
    "POST",
    `/api/collections/${collection}/auth/mfa/confirm`,
    { code: confirmCode },
    auth(session.token),
  );
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  secrets.push(...confirmed.body.recoveryCodes);
  return {
    token: session.token as string,
    secret: enrolment.body.secret as string,
    confirmCode,
    uri: enrolment.body.uri as string,
    recoveryCodes: confirmed.body.recoveryCodes as string[],
  };
}

async function auditOf(subjectId: string) {
  return t.database.rows<{ action: string; actor: string; detail: Record<string, unknown> }>(
    sql`select action, actor, detail from cairn.audit_log where subject_id = ${subjectId} order by id`,
  );
}

async function sessionCount(subjectId: string): Promise<number> {
  const [row] = await t.database.rows<{ n: number }>(
    sql`select count(*)::int as n from cairn.sessions where subject_id = ${subjectId}`,
  );
  return row!.n;
}

const withoutRequestId = (body: { error: Record<string, unknown> }) => ({
  ...body.error,
  requestId: undefined,
});

describe("email one-time codes", () => {
  it("the code from the mail signs in once, proves the address and is audited", async () => {
    const user = await createUser("members");
    const { code, link } = await requestCode("members", user.email);
    const signedIn = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email.toUpperCase(),
      code,
    });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body).toMatchObject({
      token: expect.any(String),
      expiresAt: expect.any(String),
      record: { id: user.id, email: user.email, verified: true },
    });
    const status = await call(
      "GET",
      "/api/collections/members/auth/mfa",
      undefined,
      auth(signedIn.body.token),
    );
    expect(status.status).toBe(200);

    const again = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email,
      code,
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("BAD_REQUEST");
    // The link in the same mail died with the code.
    const token = new URL(link).searchParams.get("magicToken");
    const viaLink = await call("POST", "/api/collections/members/auth/magic-link/confirm", {
      token,
    });
    expect(viaLink.status).toBe(400);

    const actions = (await auditOf(user.id)).map((row) => [row.action, row.detail.method]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ["auth.verified", "otp"],
        ["auth.sign_in", "otp"],
        ["auth.sign_in_failed", "otp"],
      ]),
    );
  });

  it("a wrong code is refused, and five tries kill the code, the right one included", async () => {
    const user = await createUser("members");
    const { code } = await requestCode("members", user.email);
    for (let i = 0; i < 5; i++) {
      const wrong = await call("POST", "/api/collections/members/auth/otp/verify", {
        email: user.email,
        code: otherCode(code),
      });
      expect(wrong.status).toBe(400);
    }
    const right = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email,
      code,
    });
    expect(right.status).toBe(400);
    expect(await sessionCount(user.id)).toBe(0);
    expect((await auditOf(user.id)).map((row) => row.action)).toContain("auth.locked_out");
  });

  it("an expired code is refused", async () => {
    const user = await createUser("members");
    const after = await lastMailId();
    // Asked for eleven minutes ago (codes live ten).
    const past = createCtx({
      database: t.database,
      collections: t.collections,
      now: () => new Date(Date.now() - 11 * 60 * 1000),
    });
    const { delivery } = await requestOtp({
      ctx: past,
      input: { collection: "members", email: user.email },
    });
    await delivery;
    const { code, link } = await readMail(user.email, after);
    const response = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email,
      code,
    });
    expect(response.status).toBe(400);
    const token = new URL(link).searchParams.get("magicToken");
    const viaLink = await call("POST", "/api/collections/members/auth/magic-link/confirm", {
      token,
    });
    expect(viaLink.status).toBe(400);
  });

  it("a new request replaces the code before it", async () => {
    const user = await createUser("members");
    const first = await requestCode("members", user.email);
    const second = await requestCode("members", user.email);
    const old = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email,
      code: first.code,
    });
    // (Two codes may be equal by chance, one in a million; then the old one is the new one.)
    if (first.code !== second.code) expect(old.status).toBe(400);
    const fresh = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email,
      code: second.code,
    });
    expect(fresh.status).toBe(first.code !== second.code ? 200 : 400);
  });

  it("tampered codes and tokens are refused with a 400, never a 500", async () => {
    const user = await createUser("members");
    const { code, link } = await requestCode("members", user.email);
    for (const bad of [`${code}0`, code.slice(1), "12345a", 123456, null, { code }, ""]) {
      const response = await call("POST", "/api/collections/members/auth/otp/verify", {
        email: user.email,
        code: bad,
      });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    const token = new URL(link).searchParams.get("magicToken")!;
    const flipped = `${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`;
    for (const bad of [flipped, token.toUpperCase(), "x".repeat(500), 42, ["x"], null]) {
      const response = await call("POST", "/api/collections/members/auth/magic-link/confirm", {
        token: bad,
      });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    // Still good after all that: a tampered token is not a used one.
    const ok = await call("POST", "/api/collections/members/auth/magic-link/confirm", { token });
    expect(ok.status).toBe(200);
  });

  it("an unknown address answers exactly like a known one, and gets no mail", async () => {
    const user = await createUser("members");
    const unknown = `nobody.${Date.now()}@example.com`;
    const after = await lastMailId();
    const asked = await call("POST", "/api/collections/members/auth/otp/request", {
      email: unknown,
    });
    expect(asked.status).toBe(204);
    const { code } = await requestCode("members", user.email);

    const known = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: user.email,
      code: otherCode(code),
    });
    const nobody = await call("POST", "/api/collections/members/auth/otp/verify", {
      email: unknown,
      code,
    });
    expect(nobody.status).toBe(known.status);
    expect(withoutRequestId(nobody.body)).toEqual(withoutRequestId(known.body));
    expect(await mailsTo(unknown, after)).toEqual([]);
  });

  it("a code no longer signs in once the account's email changed", async () => {
    const user = await createUser("members");
    const { code } = await requestCode("members", user.email);
    const moved = `moved.${user.email}`;
    const patched = await call(
      "PATCH",
      `/api/collections/members/records/${user.id}`,
      { email: moved },
      admin,
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    for (const email of [user.email, moved]) {
      const response = await call("POST", "/api/collections/members/auth/otp/verify", {
        email,
        code,
      });
      expect(response.status).toBe(400);
    }
  });

  it("requests are rate limited per email and per IP: 429 with Retry-After", async () => {
    const user = await createUser("members");
    const request = (email: string, ip: string) =>
      t.app.request("/api/collections/members/auth/otp/request", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Forwarded-For": ip },
        body: JSON.stringify({ email }),
      });
    // Per email, the same for an unknown address as for a known one.
    for (const email of [user.email, `ghost.${Date.now()}@example.com`]) {
      for (let i = 0; i < 5; i++) expect((await request(email, `10.1.0.${i}`)).status).toBe(204);
      const limited = await request(email, "10.1.0.99");
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = (await limited.json()) as { error: { code: string } };
      expect(body.error.code).toBe("RATE_LIMITED");
    }
    // Per IP, across addresses.
    for (let i = 0; i < 20; i++) {
      expect((await request(`spray${i}.${Date.now()}@example.com`, "10.2.0.1")).status).toBe(204);
    }
    const limited = await request(`spray.last.${Date.now()}@example.com`, "10.2.0.1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Wait for the known address's five mails so the test leaves nothing running.
    for (let i = 0; i < 100 && (await mailsTo(user.email, 0)).length < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await mailsTo(user.email, 0)).toHaveLength(5);
  });

  it("code checks are rate limited per email", async () => {
    const user = await createUser("members");
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await call("POST", "/api/collections/members/auth/otp/verify", {
        email: user.email,
        code: "000000",
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("a collection without auth.otp refuses the flow, and bad input is a 4xx", async () => {
    const closed = await call("POST", "/api/collections/closed/auth/otp/request", {
      email: "a@example.com",
    });
    expect(closed.status).toBe(403);
    const missing = await call("POST", "/api/collections/nope/auth/otp/request", {
      email: "a@example.com",
    });
    expect(missing.status).toBe(404);
    for (const body of [
      {},
      { email: 42 },
      { email: "not an email" },
      { email: "a@b".repeat(100) },
    ]) {
      const response = await call("POST", "/api/collections/members/auth/otp/request", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe("VALIDATION_FAILED");
    }
    const array = await call("POST", "/api/collections/members/auth/otp/request", ["x"]);
    expect(array.status).toBe(400);
    const notJson = await t.app.request("/api/collections/members/auth/otp/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
  });
});

describe("magic links", () => {
  it("an allowed redirectUrl gets the link; the link signs in once", async () => {
    const user = await createUser("members");
    const { link } = await requestCode("members", user.email, {
      redirectUrl: "https://app.example.com/welcome?from=mail",
    });
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe("https://app.example.com/welcome");
    expect(url.searchParams.get("from")).toBe("mail");
    const token = url.searchParams.get("magicToken");
    const signedIn = await call("POST", "/api/collections/members/auth/magic-link/confirm", {
      token,
    });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body.record).toMatchObject({ id: user.id, verified: true });
    const again = await call("POST", "/api/collections/members/auth/magic-link/confirm", { token });
    expect(again.status).toBe(400);
    expect((await auditOf(user.id)).map((row) => [row.action, row.detail.method])).toContainEqual([
      "auth.sign_in",
      "magic_link",
    ]);

    const app = await requestCode("members", user.email, { redirectUrl: "myapp://auth/done" });
    expect(app.link.startsWith("myapp://auth/done?magicToken=")).toBe(true);
    const plain = await requestCode("members", user.email);
    expect(new URL(plain.link).searchParams.get("magicToken")).toMatch(/^[a-z2-7]{32}$/);
  });

  it("a link for one collection does not sign in to another", async () => {
    const user = await createUser("members");
    const { link } = await requestCode("members", user.email);
    const token = new URL(link).searchParams.get("magicToken");
    const elsewhere = await call("POST", "/api/collections/staff/auth/magic-link/confirm", {
      token,
    });
    expect(elsewhere.status).toBe(400);
    const home = await call("POST", "/api/collections/members/auth/magic-link/confirm", { token });
    expect(home.status).toBe(200);
  });

  it("a refused redirectUrl is a 400 for any address, and no mail goes out", async () => {
    const user = await createUser("members");
    const after = await lastMailId();
    for (const redirectUrl of [
      "https://evil.example.net/",
      "https://app.example.com.evil.net/",
      "javascript:alert(1)",
      "not a url",
    ]) {
      for (const email of [user.email, `ghost.${Date.now()}@example.com`]) {
        const response = await call("POST", "/api/collections/members/auth/otp/request", {
          email,
          redirectUrl,
        });
        expect(response.status, redirectUrl).toBe(400);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await mailsTo(user.email, after)).toEqual([]);
  });
});

describe("TOTP MFA", () => {
  it("enrol and confirm with a session; sign-in then asks for a code, each code works once", async () => {
    const user = await createUser("members");
    const { token, secret, uri, recoveryCodes, confirmCode } = await enableMfa(
      "members",
      user.email,
    );
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = new URL(uri);
    expect(decodeURIComponent(uri.split("?")[0]!)).toBe(`otpauth://totp/Cairn Test:${user.email}`);
    expect(parsed.searchParams.get("issuer")).toBe("Cairn Test");
    expect(parsed.searchParams.get("secret")).toBe(secret);
    expect(parsed.searchParams.get("period")).toBe("30");
    expect(parsed.searchParams.get("digits")).toBe("6");
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);

    const status = await call("GET", "/api/collections/members/auth/mfa", undefined, auth(token));
    expect(status.body).toEqual({ enabled: true, required: false, recoveryCodesLeft: 10 });
    expect(JSON.stringify(status.body)).not.toContain(secret);
    const again = await call(
      "POST",
      "/api/collections/members/auth/mfa/enroll",
      undefined,
      auth(token),
    );
    expect(again.status).toBe(409);

    const first = await signInWithCode("members", user.email);
    expect(first).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      enrollRequired: false,
    });
    expect(first.token).toBeUndefined();
    // The code that confirmed the enrolment was used up with its time step.
    const replay = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: first.mfaToken,
      code: confirmCode,
    });
    expect(replay.status).toBe(400);
    const next = totp(secret, 1);
    const verified = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: first.mfaToken,
      code: next,
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.record.id).toBe(user.id);
    secrets.push(verified.body.token);
    const reused = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: first.mfaToken,
      code: next,
    });
    expect(reused.status).toBe(400);

    const actions = (await auditOf(user.id)).map((row) => [row.action, row.detail.method ?? null]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ["auth.mfa_enabled", null],
        ["auth.sign_in_failed", "mfa"],
        ["auth.sign_in", "mfa"],
      ]),
    );
  });

  it("a recovery code finishes a sign-in once; regenerating replaces them all", async () => {
    const user = await createUser("members");
    const { token, recoveryCodes } = await enableMfa("members", user.email);
    const first = await signInWithCode("members", user.email);
    // Typed back in capitals and without the dash.
    const typed = recoveryCodes[0]!.toUpperCase().replace("-", " ");
    const ok = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: first.mfaToken,
      recoveryCode: typed,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const second = await signInWithCode("members", user.email);
    const used = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: second.mfaToken,
      recoveryCode: recoveryCodes[0],
    });
    expect(used.status).toBe(400);
    const status = await call("GET", "/api/collections/members/auth/mfa", undefined, auth(token));
    expect(status.body.recoveryCodesLeft).toBe(9);

    const wrong = await call(
      "POST",
      "/api/collections/members/auth/mfa/recovery-codes",
      { code: "000000" },
      auth(token),
    );
    expect(wrong.status).toBe(400);
    const fresh = await call(
      "POST",
      "/api/collections/members/auth/mfa/recovery-codes",
      { recoveryCode: recoveryCodes[1] },
      auth(token),
    );
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    secrets.push(...fresh.body.recoveryCodes);
    const old = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: second.mfaToken,
      recoveryCode: recoveryCodes[2],
    });
    expect(old.status).toBe(400);
    const renewed = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: second.mfaToken,
      recoveryCode: fresh.body.recoveryCodes[0],
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
  });

  it("an MFA token takes five tries, then dies; tampered and expired ones are refused", async () => {
    const user = await createUser("members");
    const { secret } = await enableMfa("members", user.email);
    const { mfaToken } = await signInWithCode("members", user.email);
    const good = totp(secret, 1);
    for (let i = 0; i < 5; i++) {
      const wrong = await call("POST", "/api/collections/members/auth/mfa/verify", {
        mfaToken,
        code: otherCode(good),
      });
      expect(wrong.status).toBe(400);
    }
    const late = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken,
      code: good,
    });
    expect(late.status).toBe(400);
    expect(late.body.error.message).toMatch(/MFA token/);
    expect((await auditOf(user.id)).map((row) => row.action)).toContain("auth.locked_out");

    const flipped = `${mfaToken.slice(0, -1)}${mfaToken.endsWith("a") ? "b" : "a"}`;
    for (const bad of [flipped, "", 7, null, "x".repeat(300)]) {
      const response = await call("POST", "/api/collections/members/auth/mfa/verify", {
        mfaToken: bad,
        code: good,
      });
      expect(response.status, JSON.stringify(bad)).toBe(400);
    }
    // An MFA token handed out six minutes ago (they live five).
    const past = createCtx({
      database: t.database,
      collections: t.collections,
      now: () => new Date(Date.now() - 6 * 60 * 1000),
    });
    const { collection } = await resolveAuthCollection(past, "members");
    const row = await findUserById(past, collection, user.id);
    const stale = await completeSignIn(past, { collection, user: row!, method: "otp" });
    expect("mfaToken" in stale).toBe(true);
    const expired = await call("POST", "/api/collections/members/auth/mfa/verify", {
      mfaToken: (stale as { mfaToken: string }).mfaToken,
      code: good,
    });
    expect(expired.status).toBe(400);
    expect(await sessionCount(user.id)).toBe(1);
  });

  it("disabling takes a current code; the next sign-in has no MFA step", async () => {
    const user = await createUser("members");
    const { token, secret } = await enableMfa("members", user.email);
    const anonymous = await call("DELETE", "/api/collections/members/auth/mfa", { code: "000000" });
    expect(anonymous.status).toBe(401);
    const wrong = await call(
      "DELETE",
      "/api/collections/members/auth/mfa",
      { code: "000000" },
      auth(token),
    );
    expect(wrong.status).toBe(400);
    const none = await call("DELETE", "/api/collections/members/auth/mfa", {}, auth(token));
    expect(none.status).toBe(400);
    const done = await call(
      "DELETE",
      "/api/collections/members/auth/mfa",
      { code: totp(secret, 1) },
      auth(token),
    );
    expect(done.status, JSON.stringify(done.body)).toBe(204);
    const status = await call("GET", "/api/collections/members/auth/mfa", undefined, auth(token));
    expect(status.body).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });
    const next = await signInWithCode("members", user.email);
    expect(next.token).toBeDefined();
    expect((await auditOf(user.id)).map((row) => row.action)).toContain("auth.mfa_disabled");
  });

  it("another collection's user, or an impersonating superuser, cannot manage a user's MFA", async () => {
    const user = await createUser("members");
    const other = await createUser("closed");
    const ctx = createCtx({ database: t.database, collections: t.collections });
    const { collection: closed } = await resolveAuthCollection(ctx, "closed");
    const { collection: members } = await resolveAuthCollection(ctx, "members");
    const foreign = await createSession({
      ctx,
      input: { subject: { kind: "user", collectionId: closed.id, id: other.id } },
    });
    const enrolForeign = await call(
      "POST",
      "/api/collections/members/auth/mfa/enroll",
      undefined,
      auth(foreign.token),
    );
    expect(enrolForeign.status).toBe(403);
    const impersonated = await createSession({
      ctx,
      input: {
        subject: { kind: "user", collectionId: members.id, id: user.id },
        impersonator: "admin@example.com",
      },
    });
    const enrol = await call(
      "POST",
      "/api/collections/members/auth/mfa/enroll",
      undefined,
      auth(impersonated.token),
    );
    expect(enrol.status).toBe(403);
    const anonymous = await call("POST", "/api/collections/members/auth/mfa/enroll");
    expect(anonymous.status).toBe(401);
    // The user themself may enrol, with no body or an empty JSON one (as SDKs send).
    const own = await createSession({
      ctx,
      input: { subject: { kind: "user", collectionId: members.id, id: user.id } },
    });
    const empty = await t.app.request("/api/collections/members/auth/mfa/enroll", {
      method: "POST",
      headers: { ...auth(own.token), "Content-Type": "application/json" },
    });
    expect(empty.status).toBe(200);
    secrets.push(((await empty.json()) as { secret: string }).secret);
    const confirmAnonymous = await call("POST", "/api/collections/members/auth/mfa/confirm", {
      code: "123456",
    });
    expect(confirmAnonymous.status).toBe(401);
  });
});

describe("required MFA", () => {
  it("forces enrolment before any session, then asks for a code at every sign-in", async () => {
    const user = await createUser("staff");
    const first = await signInWithCode("staff", user.email);
    expect(first).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      enrollRequired: true,
    });
    expect(await sessionCount(user.id)).toBe(0);

    const noFactor = await call("POST", "/api/collections/staff/auth/mfa/verify", {
      mfaToken: first.mfaToken,
      code: "123456",
    });
    expect(noFactor.status).toBe(400);
    const confirmEarly = await call("POST", "/api/collections/staff/auth/mfa/confirm", {
      mfaToken: first.mfaToken,
      code: "123456",
    });
    expect(confirmEarly.status).toBe(400);
    const enrolment = await call("POST", "/api/collections/staff/auth/mfa/enroll", {
      mfaToken: first.mfaToken,
    });
    expect(enrolment.status, JSON.stringify(enrolment.body)).toBe(200);
    const secret = enrolment.body.secret as string;
    secrets.push(secret);
    const wrong = await call("POST", "/api/collections/staff/auth/mfa/confirm", {
      mfaToken: first.mfaToken,
      code: otherCode(totp(secret)),
    });
    expect(wrong.status).toBe(400);
    expect(await sessionCount(user.id)).toBe(0);
    const confirmed = await call("POST", "/api/collections/staff/auth/mfa/confirm", {
      mfaToken: first.mfaToken,
      code: totp(secret),
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({
      recoveryCodes: expect.any(Array),
      token: expect.any(String),
      record: { id: user.id },
    });
    secrets.push(...confirmed.body.recoveryCodes, confirmed.body.token);
    expect(await sessionCount(user.id)).toBe(1);
    const reuse = await call("POST", "/api/collections/staff/auth/mfa/enroll", {
      mfaToken: first.mfaToken,
    });
    expect(reuse.status).toBe(400);

    const session = auth(confirmed.body.token);
    const status = await call("GET", "/api/collections/staff/auth/mfa", undefined, session);
    expect(status.body).toEqual({ enabled: true, required: true, recoveryCodesLeft: 10 });
    const disable = await call(
      "DELETE",
      "/api/collections/staff/auth/mfa",
      { code: totp(secret, 1) },
      session,
    );
    expect(disable.status).toBe(403);

    const second = await signInWithCode("staff", user.email);
    expect(second).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      enrollRequired: false,
    });
    const enrolAgain = await call("POST", "/api/collections/staff/auth/mfa/enroll", {
      mfaToken: second.mfaToken,
    });
    expect(enrolAgain.status).toBe(409);
    const verified = await call("POST", "/api/collections/staff/auth/mfa/verify", {
      mfaToken: second.mfaToken,
      code: totp(secret, 1),
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect((await auditOf(user.id)).map((row) => row.action)).toEqual(
      expect.arrayContaining(["auth.mfa_enabled", "auth.sign_in"]),
    );
  });

  it("an MFA token from an optional collection cannot enrol without a session", async () => {
    const user = await createUser("members");
    await enableMfa("members", user.email);
    const pending = await signInWithCode("members", user.email);
    const enrol = await call("POST", "/api/collections/members/auth/mfa/enroll", {
      mfaToken: pending.mfaToken,
    });
    expect(enrol.status).toBe(409);
  });
});

describe("superuser MFA reset", () => {
  it("removes the factor and codes, audited; the user enrols again where MFA is required", async () => {
    const user = await createUser("staff");
    const first = await signInWithCode("staff", user.email);
    const enrolment = await call("POST", "/api/collections/staff/auth/mfa/enroll", {
      mfaToken: first.mfaToken,
    });
    secrets.push(enrolment.body.secret);
    const confirmed = await call("POST", "/api/collections/staff/auth/mfa/confirm", {
      mfaToken: first.mfaToken,
      code: totp(enrolment.body.secret),
    });
    expect(confirmed.status).toBe(200);
    const session = auth(confirmed.body.token);
    const pending = await signInWithCode("staff", user.email);

    const path = `/api/collections/staff/auth/mfa/${user.id}`;
    expect((await call("DELETE", path)).status).toBe(401);
    expect((await call("DELETE", path, undefined, session)).status).toBe(403);
    const readKey = await apiKey(["read"]);
    expect((await call("DELETE", path, undefined, auth(readKey))).status).toBe(403);
    const reset = await call("DELETE", path, undefined, admin);
    expect(reset.status, JSON.stringify(reset.body)).toBe(204);
    const fullKey = await apiKey(["full"]);
    expect((await call("DELETE", path, undefined, auth(fullKey))).status).toBe(204);
    expect(
      (await call("DELETE", "/api/collections/staff/auth/mfa/nobody", undefined, admin)).status,
    ).toBe(404);

    const [left] = await t.database.rows<{ factors: number; codes: number }>(
      sql`select (select count(*)::int from cairn.mfa_factors where subject_id = ${user.id}) as factors,
                 (select count(*)::int from cairn.mfa_recovery_codes where subject_id = ${user.id}) as codes`,
    );
    expect(left).toEqual({ factors: 0, codes: 0 });
    // The sign-in that was waiting for the old authenticator ended with it.
    const stale = await call("POST", "/api/collections/staff/auth/mfa/verify", {
      mfaToken: pending.mfaToken,
      recoveryCode: confirmed.body.recoveryCodes[0],
    });
    expect(stale.status).toBe(400);
    const resets = (await auditOf(user.id)).filter((row) => row.action === "auth.mfa_reset");
    expect(resets.map((row) => [row.actor.split(":")[0], row.detail.hadFactor])).toEqual([
      ["superuser", true],
      ["api_key", false],
    ]);
    const next = await signInWithCode("staff", user.email);
    expect(next.enrollRequired).toBe(true);
  });
});

describe("logs", () => {
  it("never carry a code, link token, secret or recovery code", () => {
    const text = JSON.stringify(t.logs);
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of new Set(secrets)) {
      // Six-digit codes only as a whole token: a random code can also turn up inside a
      // timestamp or a request id (hex), which is not a leak.
      if (/^\d{6}$/.test(secret)) {
        expect(text).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${secret}(?![0-9A-Za-z])`));
      } else expect(text).not.toContain(secret);
    }
  });
});

async function apiKey(scopes: string[]): Promise<string> {
  const token = `cairn_test${Math.random().toString(36).slice(2)}${Date.now()}`;
  const hash = createHash("sha256").update(token).digest("hex");
  await t.database.rows(
    sql`insert into cairn.api_keys (id, name, secret_hash, scopes, created_by)
        values (${`key${Date.now()}${scopes[0]}`}, 'test', ${hash}, ${JSON.stringify(scopes)}::jsonb, 'test')`,
  );
  return token;
}
