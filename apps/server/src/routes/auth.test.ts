// App-user auth over HTTP, each flow end to end, the email step read from the dev mailbox.
import { createCtx, issueAuthToken } from "@cairn/core";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  apiCall(t.app, method, path, { body, headers });

/** The newest mail to `to`, and the token its link carries. */
async function lastMail(to: string) {
  const [mail] = await t.database.rows<{ subject: string; text: string; template: string }>(
    sql`select subject, text, template from cairn.mailbox where "to" = ${to} order by id desc limit 1`,
  );
  return { ...mail, token: mail ? /[?&]token=([a-z2-7]+)/.exec(mail.text)?.[1] : undefined };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = bearer(await superuserToken(t));
  const created = await call(
    "POST",
    "/api/collections",
    {
      name: "members",
      type: "auth",
      fields: [{ name: "nickname", type: "text" }],
      listRule: "id = @request.auth.id",
      viewRule: "id = @request.auth.id",
      createRule: "",
      updateRule: "id = @request.auth.id",
      auth: { anonymous: true },
    },
    admin,
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const notes = await call(
    "POST",
    "/api/collections",
    {
      name: "notes",
      fields: [
        { name: "text", type: "text" },
        { name: "owner", type: "relation", collection: "members" },
      ],
      listRule: "owner = @request.auth.id",
      createRule: "owner = @request.auth.id",
    },
    admin,
  );
  expect(notes.status).toBe(201);
});
afterAll(() => t.close());

describe("sign-up, verification and sign-in", () => {
  it("signs up, mails a verification link, verifies, signs in", async () => {
    const signUp = await call("POST", "/api/collections/members/auth/sign-up", {
      email: "ann@example.com",
      password: "correct horse",
      nickname: "ann",
    });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(201);
    expect(signUp.body.token).toMatch(/^[a-z2-7]{32}$/);
    expect(signUp.body.record).toMatchObject({
      email: "ann@example.com",
      verified: false,
      nickname: "ann",
    });
    expect(signUp.body.record).not.toHaveProperty("password");

    const mail = await lastMail("ann@example.com");
    expect(mail.template).toBe("verification");
    expect(
      (
        await call("POST", "/api/collections/members/auth/verification/confirm", {
          token: mail.token,
        })
      ).status,
    ).toBe(204);
    // Single use.
    expect(
      (
        await call("POST", "/api/collections/members/auth/verification/confirm", {
          token: mail.token,
        })
      ).status,
    ).toBe(400);

    const signIn = await call("POST", "/api/collections/members/auth/sign-in", {
      email: "ANN@example.com",
      password: "correct horse",
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.record.verified).toBe(true);
    const me = await call(
      "GET",
      "/api/collections/members/auth/me",
      undefined,
      bearer(signIn.body.token),
    );
    expect(me.body.email).toBe("ann@example.com");
  });

  it("refuses a duplicate email, a short password and missing fields", async () => {
    const duplicate = await call("POST", "/api/collections/members/auth/sign-up", {
      email: "Ann@Example.com",
      password: "another pass",
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.fields.email.code).toBe("not_unique");
    const short = await call("POST", "/api/collections/members/auth/sign-up", {
      email: "b@example.com",
      password: "short",
    });
    expect(short.body.error.fields.password.code).toBe("too_short");
    const missing = await call("POST", "/api/collections/members/auth/sign-up", {});
    expect(Object.keys(missing.body.error.fields).sort()).toEqual(["email", "password"]);
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    const wrong = await call("POST", "/api/collections/members/auth/sign-in", {
      email: "ann@example.com",
      password: "nope nope",
    });
    const unknown = await call("POST", "/api/collections/members/auth/sign-in", {
      email: "who@example.com",
      password: "nope nope",
    });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it("locks an account progressively after repeated failures, with Retry-After", async () => {
    await call("POST", "/api/collections/members/auth/sign-up", {
      email: "lock@example.com",
      password: "right password",
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await call("POST", "/api/collections/members/auth/sign-in", {
            email: "lock@example.com",
            password: "wrong",
          })
        ).status,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const locked = await t.app.request("/api/collections/members/auth/sign-in", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "lock@example.com", password: "right password" }),
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const audit = await t.database.rows<{ action: string }>(
      sql`select action from cairn.audit_log where action = 'auth.locked_out'`,
    );
    expect(audit.length).toBeGreaterThan(0);
  });

  it("refuses sign-in before verification when the collection requires it", async () => {
    const created = await call(
      "POST",
      "/api/collections",
      { name: "strict", type: "auth", createRule: "", auth: { requireVerifiedEmail: true } },
      admin,
    );
    expect(created.status).toBe(201);
    const signUp = await call("POST", "/api/collections/strict/auth/sign-up", {
      email: "s@example.com",
      password: "strict password",
    });
    expect(signUp.status).toBe(201);
    expect(signUp.body).toMatchObject({ verificationRequired: true });
    expect(signUp.body.token).toBeUndefined();
    const early = await call("POST", "/api/collections/strict/auth/sign-in", {
      email: "s@example.com",
      password: "strict password",
    });
    expect(early.status).toBe(403);
    const mail = await lastMail("s@example.com");
    await call("POST", "/api/collections/strict/auth/verification/confirm", { token: mail.token });
    const later = await call("POST", "/api/collections/strict/auth/sign-in", {
      email: "s@example.com",
      password: "strict password",
    });
    expect(later.status).toBe(200);
  });
});

describe("sessions", () => {
  async function signIn(email: string, password: string) {
    const response = await call(
      "POST",
      "/api/collections/members/auth/sign-in",
      { email, password },
      { "User-Agent": "test-device" },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.token as string;
  }

  it("lists, refreshes and revokes one session, effective immediately", async () => {
    await call("POST", "/api/collections/members/auth/sign-up", {
      email: "sess@example.com",
      password: "session pass",
    });
    const phone = await signIn("sess@example.com", "session pass");
    const laptop = await signIn("sess@example.com", "session pass");
    const list = await call(
      "GET",
      "/api/collections/members/auth/sessions",
      undefined,
      bearer(laptop),
    );
    const mine = list.body.items.filter(
      (s: { userAgent: string }) => s.userAgent === "test-device",
    );
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(list.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(phone);

    const refreshed = await call(
      "POST",
      "/api/collections/members/auth/refresh",
      undefined,
      bearer(phone),
    );
    expect(refreshed.status).toBe(200);
    expect(new Date(refreshed.body.expiresAt).getTime()).toBeGreaterThan(
      Date.now() + 29 * 86_400_000,
    );

    const phoneSession = (
      await call("GET", "/api/collections/members/auth/sessions", undefined, bearer(phone))
    ).body.items.find((s: { current: boolean }) => s.current);
    expect(
      (
        await call(
          "DELETE",
          `/api/collections/members/auth/sessions/${phoneSession.id}`,
          undefined,
          bearer(laptop),
        )
      ).status,
    ).toBe(204);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(phone))).status,
    ).toBe(401);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(laptop))).status,
    ).toBe(200);
  });

  it("signs out one session, or everywhere", async () => {
    const a = await signIn("sess@example.com", "session pass");
    const b = await signIn("sess@example.com", "session pass");
    expect(
      (await call("POST", "/api/collections/members/auth/sign-out", undefined, bearer(a))).status,
    ).toBe(204);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(a))).status,
    ).toBe(401);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(b))).status,
    ).toBe(200);
    const c = await signIn("sess@example.com", "session pass");
    expect(
      (
        await call(
          "POST",
          "/api/collections/members/auth/sign-out-everywhere",
          undefined,
          bearer(c),
        )
      ).status,
    ).toBe(204);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(b))).status,
    ).toBe(401);
  });

  it("lets a superuser list and revoke a user's sessions", async () => {
    const token = await signIn("sess@example.com", "session pass");
    const me = (await call("GET", "/api/collections/members/auth/me", undefined, bearer(token)))
      .body;
    const list = await call(
      "GET",
      `/api/collections/members/auth/users/${me.id}/sessions`,
      undefined,
      admin,
    );
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(
      (
        await call(
          "GET",
          `/api/collections/members/auth/users/${me.id}/sessions`,
          undefined,
          bearer(token),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          "DELETE",
          `/api/collections/members/auth/users/${me.id}/sessions`,
          undefined,
          admin,
        )
      ).status,
    ).toBe(204);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(token))).status,
    ).toBe(401);
  });
});

describe("password reset, password change, email change", () => {
  it("resets a password through the mailed link, ending every session", async () => {
    await call("POST", "/api/collections/members/auth/sign-up", {
      email: "reset@example.com",
      password: "old password",
    });
    const old = (
      await call("POST", "/api/collections/members/auth/sign-in", {
        email: "reset@example.com",
        password: "old password",
      })
    ).body.token;
    expect(
      (
        await call("POST", "/api/collections/members/auth/password-reset/request", {
          email: "reset@example.com",
        })
      ).status,
    ).toBe(204);
    // No mail, same answer, for an unknown address.
    expect(
      (
        await call("POST", "/api/collections/members/auth/password-reset/request", {
          email: "ghost@example.com",
        })
      ).status,
    ).toBe(204);
    expect((await lastMail("ghost@example.com")).token).toBeUndefined();
    const { token, template } = await lastMail("reset@example.com");
    expect(template).toBe("passwordReset");
    const tampered = `${token!.slice(0, -1)}${token!.endsWith("a") ? "b" : "a"}`;
    expect(
      (
        await call("POST", "/api/collections/members/auth/password-reset/confirm", {
          token: tampered,
          password: "new password",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call("POST", "/api/collections/members/auth/password-reset/confirm", {
          token,
          password: "new password",
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await call("POST", "/api/collections/members/auth/password-reset/confirm", {
          token,
          password: "other password",
        })
      ).status,
    ).toBe(400);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(old))).status,
    ).toBe(401);
    expect(
      (
        await call("POST", "/api/collections/members/auth/sign-in", {
          email: "reset@example.com",
          password: "new password",
        })
      ).status,
    ).toBe(200);
  });

  it("refuses an expired link", async () => {
    const lookup = await t.collections.current();
    const members = lookup.byName("members")!;
    const ctx = createCtx({
      database: t.database,
      collections: t.collections,
      now: () => new Date(Date.now() - 2 * 3_600_000),
    });
    const { token } = await issueAuthToken(ctx, {
      kind: "reset_password",
      collectionId: members.id,
      subjectId: "x",
      ttlMs: 3_600_000,
    });
    const response = await call("POST", "/api/collections/members/auth/password-reset/confirm", {
      token,
      password: "whatever pass",
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe("The link or code is invalid or has expired.");
  });

  it("changes the password with the current one, ending the other sessions", async () => {
    await call("POST", "/api/collections/members/auth/sign-up", {
      email: "pw@example.com",
      password: "first password",
    });
    const a = (
      await call("POST", "/api/collections/members/auth/sign-in", {
        email: "pw@example.com",
        password: "first password",
      })
    ).body;
    const b = (
      await call("POST", "/api/collections/members/auth/sign-in", {
        email: "pw@example.com",
        password: "first password",
      })
    ).body;
    const id = a.record.id;
    const wrong = await call(
      "PATCH",
      `/api/collections/members/records/${id}`,
      { password: "second password", oldPassword: "nope" },
      bearer(a.token),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.oldPassword.code).toBe("invalid");
    const ok = await call(
      "PATCH",
      `/api/collections/members/records/${id}`,
      { password: "second password", oldPassword: "first password" },
      bearer(a.token),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).not.toHaveProperty("password");
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(a.token))).status,
    ).toBe(200);
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(b.token))).status,
    ).toBe(401);
  });

  it("changes the email only through a confirmed link to the new address", async () => {
    await call("POST", "/api/collections/members/auth/sign-up", {
      email: "move@example.com",
      password: "moving pass",
    });
    const session = (
      await call("POST", "/api/collections/members/auth/sign-in", {
        email: "move@example.com",
        password: "moving pass",
      })
    ).body;
    const direct = await call(
      "PATCH",
      `/api/collections/members/records/${session.record.id}`,
      { email: "x@example.com" },
      bearer(session.token),
    );
    expect(direct.status).toBe(400);
    expect(direct.body.error.fields.email.code).toBe("read_only");
    expect(
      (
        await call(
          "POST",
          "/api/collections/members/auth/email-change/request",
          { newEmail: "moved@example.com" },
          bearer(session.token),
        )
      ).status,
    ).toBe(204);
    const { token } = await lastMail("moved@example.com");
    expect(
      (await call("POST", "/api/collections/members/auth/email-change/confirm", { token })).status,
    ).toBe(204);
    const signIn = await call("POST", "/api/collections/members/auth/sign-in", {
      email: "moved@example.com",
      password: "moving pass",
    });
    expect(signIn.body.record).toMatchObject({ email: "moved@example.com", verified: true });
    expect(
      (await call("GET", "/api/collections/members/auth/me", undefined, bearer(session.token)))
        .status,
    ).toBe(401);
  });
});

describe("guests", () => {
  it("signs in anonymously and upgrades, keeping id and data", async () => {
    const guest = await call("POST", "/api/collections/members/auth/anonymous");
    expect(guest.status).toBe(201);
    expect(guest.body.record.email).toBeNull();
    const id = guest.body.record.id;
    const note = await call(
      "POST",
      "/api/collections/notes/records",
      { text: "mine", owner: id },
      bearer(guest.body.token),
    );
    expect(note.status).toBe(201);
    const upgraded = await call(
      "POST",
      "/api/collections/members/auth/upgrade",
      { email: "guest@example.com", password: "guest password" },
      bearer(guest.body.token),
    );
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(200);
    expect(upgraded.body).toMatchObject({ id, email: "guest@example.com" });
    const signIn = await call("POST", "/api/collections/members/auth/sign-in", {
      email: "guest@example.com",
      password: "guest password",
    });
    const notes = await call(
      "GET",
      "/api/collections/notes/records",
      undefined,
      bearer(signIn.body.token),
    );
    expect(notes.body.items.map((n: { text: string }) => n.text)).toEqual(["mine"]);
    const again = await call(
      "POST",
      "/api/collections/members/auth/upgrade",
      { email: "g2@example.com", password: "guest password" },
      bearer(signIn.body.token),
    );
    expect(again.status).toBe(400);
  });

  it("is refused where the collection does not allow guests", async () => {
    expect((await call("POST", "/api/collections/strict/auth/anonymous")).status).toBe(400);
  });
});

describe("methods, impersonation, tokens in logs", () => {
  it("lists the sign-in methods", async () => {
    const methods = await call("GET", "/api/collections/members/auth/methods");
    expect(methods.body).toMatchObject({
      password: { enabled: true, minLength: 8 },
      anonymous: { enabled: true },
    });
  });

  it("lets a superuser impersonate a user for a short, audited, unrefreshable session", async () => {
    const user = (
      await call("POST", "/api/collections/members/auth/sign-in", {
        email: "ann@example.com",
        password: "correct horse",
      })
    ).body;
    const forbidden = await call(
      "POST",
      `/api/collections/members/auth/users/${user.record.id}/impersonate`,
      undefined,
      bearer(user.token),
    );
    expect(forbidden.status).toBe(403);
    const session = await call(
      "POST",
      `/api/collections/members/auth/users/${user.record.id}/impersonate`,
      undefined,
      admin,
    );
    expect(session.status).toBe(200);
    expect(new Date(session.body.expiresAt).getTime()).toBeLessThan(Date.now() + 3_700_000);
    const me = await call(
      "GET",
      "/api/collections/members/auth/me",
      undefined,
      bearer(session.body.token),
    );
    expect(me.body.email).toBe("ann@example.com");
    expect(
      (
        await call(
          "POST",
          "/api/collections/members/auth/refresh",
          undefined,
          bearer(session.body.token),
        )
      ).status,
    ).toBe(400);
    const audit = await t.database.rows<{ actor: string }>(
      sql`select actor from cairn.audit_log where action = 'auth.impersonated'`,
    );
    expect(audit[0]?.actor).toMatch(/^superuser:/);
  });

  it("never writes a token or password to the log", async () => {
    const session = (
      await call("POST", "/api/collections/members/auth/sign-in", {
        email: "ann@example.com",
        password: "correct horse",
      })
    ).body;
    await call("GET", "/api/collections/members/auth/me", undefined, bearer(session.token));
    const logged = JSON.stringify(t.logs);
    expect(logged).not.toContain(session.token);
    expect(logged).not.toContain("correct horse");
  });
});

describe("rate limit per client address", () => {
  it("answers 429 with Retry-After past the limit", async () => {
    const limited = await createTestApp({ CAIRN_AUTH_RATE_LIMIT: "3" });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const response = await limited.app.request("/api/collections/members/auth/sign-in", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: "{}",
        });
        statuses.push(response.status);
        retryAfter ??= response.headers.get("retry-after");
      }
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe("the pages mail links open", () => {
  it("verify an email and reset a password with plain forms; a GET changes nothing", async () => {
    await call("POST", "/api/collections/members/auth/sign-up", {
      email: "pages@example.com",
      password: "page password",
    });
    const verification = await lastMail("pages@example.com");
    expect(verification.text).toContain("/_/auth/confirm-verification?collection=members&token=");
    const form = await t.app.request(
      `/_/auth/confirm-verification?collection=members&token=${verification.token}`,
    );
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post">');
    const posted = await t.app.request("/_/auth/confirm-verification", {
      method: "POST",
      body: new URLSearchParams({ collection: "members", token: verification.token! }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain("is verified");
    const reused = await t.app.request("/_/auth/confirm-verification", {
      method: "POST",
      body: new URLSearchParams({ collection: "members", token: verification.token! }),
    });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("invalid or has expired");

    await call("POST", "/api/collections/members/auth/password-reset/request", {
      email: "pages@example.com",
    });
    const reset = await lastMail("pages@example.com");
    const resetPage = await t.app.request("/_/auth/confirm-password-reset", {
      method: "POST",
      body: new URLSearchParams({
        collection: "members",
        token: reset.token!,
        password: "fresh password",
      }),
    });
    expect(resetPage.status).toBe(200);
    const signIn = await call("POST", "/api/collections/members/auth/sign-in", {
      email: "pages@example.com",
      password: "fresh password",
    });
    expect(signIn.status).toBe(200);
  });
});
