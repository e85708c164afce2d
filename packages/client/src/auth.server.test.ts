// Every auth flow through the SDK against a real server process: password, sessions, refresh,
// storage, verification, reset, email change, guests, email codes and magic links, MFA with
// TOTP, and OAuth2 (app flow with PKCE, web flow) against a fake OpenID Connect provider.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { FakeOidc } from "../test/fake-oidc.js";
import { adminFor, appClient, uniqueEmail } from "../test/sdk-fixtures.js";
import { totp } from "../test/totp.js";
import type { AdminClient } from "./admin-client.js";
import type { AuthEvent, AuthSession } from "./auth-session.js";
import type { AuthStorage } from "./auth-storage.js";
import { createClient } from "./client.js";

const password = "correct horse battery";
let server: TestServer;
let admin: AdminClient;
let oidc: FakeOidc;

/** The newest mail to `to` (of a template), polled: some mails leave after the answer. */
async function mailTo(to: string, template?: string): Promise<{ text: string }> {
  for (let i = 0; i < 100; i++) {
    const { items } = await admin.mailbox.list({ to });
    const mail = items.find((item) => template === undefined || item.template === template);
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no mail to ${to}`);
}
const tokenIn = (text: string, param = "token") =>
  new RegExp(`[?&]${param}=([^&\\s]+)`).exec(text)![1]!;

/** Cairn's callback URL names the configured port (0 in tests): send it to the real one. */
function atServer(callback: string): string {
  const url = new URL(callback);
  return `${server.url}${url.pathname}${url.search}`;
}

async function signedInUser() {
  const cairn = appClient(server);
  const email = uniqueEmail();
  const result = await cairn.auth.signUp({ email, password });
  if (result.status !== "signedIn") throw new Error("expected a session");
  return { cairn, email, id: result.record.id as string };
}

/** Resolves with the next event of `kind` on the client's session. */
function nextEvent(cairn: ReturnType<typeof appClient>, kind: AuthEvent) {
  return new Promise<AuthSession | null>((resolve) => {
    const off = cairn.auth.onChange((session, event) => {
      if (event !== kind) return;
      off();
      resolve(session);
    });
  });
}

beforeAll(async () => {
  oidc = new FakeOidc();
  await oidc.start();
  server = await startCairn("auth.server");
  ({ admin } = await adminFor(server));
  const self = "id = @request.auth.id";
  await admin.collections.create({
    name: "users",
    type: "auth",
    fields: [{ name: "name", type: "text" }],
    createRule: "",
    viewRule: self,
    listRule: self,
    updateRule: self,
    auth: { password: true, otp: true, oauth2: true, anonymous: true },
  });
  await admin.collections.create({
    name: "strict",
    type: "auth",
    createRule: "",
    auth: { mfa: "required" },
  });
  await admin.settings.update({
    app: { url: "https://app.example.com", redirectUrls: ["acme://auth"] },
  });
  await admin.settings.updateOAuth2({ oidc: oidc.settings() });
});

afterAll(async () => {
  await server?.stop();
  await oidc?.stop();
});

describe("password and sessions", () => {
  it("sign up, me, sign out, sign in, with onChange events", async () => {
    const cairn = appClient(server);
    const events: string[] = [];
    const off = cairn.auth.onChange((session, event) => events.push(`${event}:${!!session}`));
    const email = uniqueEmail();
    const signedUp = await cairn.auth.signUp({ email, password, name: "Ann" });
    expect(signedUp.status).toBe("signedIn");
    expect(cairn.auth.session?.record).toMatchObject({ email, name: "Ann" });
    expect(await cairn.auth.me()).toMatchObject({ email, verified: false });

    await cairn.auth.signOut();
    expect(cairn.auth.session).toBeNull();
    await expect(cairn.auth.me()).rejects.toMatchObject({ status: 401 });

    const wrong = await cairn.auth.signIn({ email, password: "nope nope nope" }).catch((e) => e);
    expect(wrong).toMatchObject({ status: 400, message: "Invalid email or password." });
    const signedIn = await cairn.auth.signIn({ email, password });
    expect(signedIn.status === "signedIn" && signedIn.record.email).toBe(email);
    expect(events).toEqual(["signedIn:true", "updated:true", "signedOut:false", "signedIn:true"]);
    off();
    expect((await cairn.auth.methods()).otp.enabled).toBe(true);
  });

  it("sessions: list, revoke one, sign out everywhere", async () => {
    const { cairn: phone, email } = await signedInUser();
    const laptop = appClient(server);
    await laptop.auth.signIn({ email, password });
    const sessions = await phone.auth.sessions();
    expect(sessions).toHaveLength(2);
    const other = sessions.find((s) => !s.current)!;
    await phone.auth.revokeSession(other.id);
    await expect(laptop.auth.me()).rejects.toMatchObject({ status: 401 });
    expect(laptop.auth.session).toBeNull();

    await laptop.auth.signIn({ email, password });
    await phone.auth.signOutEverywhere();
    expect(phone.auth.session).toBeNull();
    await expect(laptop.auth.me()).rejects.toMatchObject({ status: 401 });
  });

  it("refreshes past half-life on a timer, or when asked", async () => {
    const { cairn } = await signedInUser();
    const session = cairn.auth.session!;
    const refreshed = await cairn.auth.refresh();
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThanOrEqual(Date.parse(session.expiresAt));

    // Pretend the session is old: the timer fires at once and extends it.
    const day = 86_400_000;
    const old = new Date(Date.now() - 20 * day).toISOString();
    const due = nextEvent(cairn, "refreshed");
    cairn.auth.setSession({
      ...session,
      issuedAt: old,
      expiresAt: new Date(Date.now() + 10 * day).toISOString(),
    });
    const after = await due;
    expect(Date.parse(after!.issuedAt)).toBeGreaterThan(Date.parse(old));
    cairn.auth.stopAutoRefresh();
  });

  it("a stored session comes back in a new client (async storage, like AsyncStorage)", async () => {
    const items = new Map<string, string>();
    const asyncStorage: AuthStorage = {
      getItem: async (key) => items.get(key) ?? null,
      setItem: async (key, value) => void items.set(key, value),
      removeItem: async (key) => void items.delete(key),
    };
    const first = appClient(server, { auth: { storage: asyncStorage } });
    const email = uniqueEmail();
    await first.auth.signUp({ email, password });
    await new Promise((resolve) => setTimeout(resolve, 10));

    const second = createClient(server.url, { auth: { storage: asyncStorage } });
    const restored = nextEvent(second, "restored");
    // A request waits for the stored session before it is sent.
    expect(await second.auth.me()).toMatchObject({ email });
    expect((await restored)?.record).toMatchObject({ email });
    await second.auth.signOut();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(items.size).toBe(0);
  });

  it("the default storage: localStorage where there is one, memory elsewhere", async () => {
    const hasLocalStorage = typeof localStorage !== "undefined";
    const first = createClient(server.url);
    await first.auth.signUp({ email: uniqueEmail(), password });
    const second = createClient(server.url);
    const session = await second.auth.getSession();
    if (hasLocalStorage) {
      expect(localStorage.getItem("cairn.session")).toContain(session!.token);
      await second.auth.signOut();
      expect(localStorage.getItem("cairn.session")).toBeNull();
    } else {
      expect(session).toBeNull();
    }
  });
});

describe("email flows", () => {
  it("verification: confirm the sign-up mail's link, request another", async () => {
    const { cairn, email } = await signedInUser();
    // Read the sign-up mail first: a newer request would replace its token.
    await cairn.auth.confirmVerification({
      token: tokenIn((await mailTo(email, "verification")).text),
    });
    expect(await cairn.auth.me()).toMatchObject({ verified: true });
    await expect(cairn.auth.requestVerification({ email })).resolves.toBeUndefined();
  });

  it("password reset: request and confirm, then the new password works", async () => {
    const { email } = await signedInUser();
    const cairn = appClient(server);
    await cairn.auth.requestPasswordReset({ email });
    const token = tokenIn((await mailTo(email, "passwordReset")).text);
    await cairn.auth.confirmPasswordReset({ token, password: "a brand new password" });
    const result = await cairn.auth.signIn({ email, password: "a brand new password" });
    expect(result.status).toBe("signedIn");
  });

  it("email change: request and confirm", async () => {
    const { cairn } = await signedInUser();
    const newEmail = uniqueEmail("changed");
    await cairn.auth.requestEmailChange({ newEmail });
    await cairn.auth.confirmEmailChange({
      token: tokenIn((await mailTo(newEmail, "emailChange")).text),
    });
    const result = await cairn.auth.signIn({ email: newEmail, password });
    expect(result.status === "signedIn" && result.record.verified).toBe(true);
  });

  it("email codes and magic links", async () => {
    const { email } = await signedInUser();
    const cairn = appClient(server);
    await cairn.auth.requestOtp({ email });
    const code = /Your code is ([\d ]+)\./
      .exec((await mailTo(email, "otp")).text)![1]!
      .replace(/ /g, "");
    const byCode = await cairn.auth.verifyOtp({ email, code });
    expect(byCode.status === "signedIn" && byCode.record.email).toBe(email);

    await admin.mailbox.clear();
    await cairn.auth.requestOtp({ email, redirectUrl: "https://app.example.com/magic" });
    const token = tokenIn((await mailTo(email, "otp")).text, "magicToken");
    const byLink = await cairn.auth.confirmMagicLink({ token });
    expect(byLink.status).toBe("signedIn");
  });

  it("guests sign in anonymously and upgrade, keeping their id", async () => {
    const cairn = appClient(server);
    const guest = await cairn.auth.signInAnonymously();
    const email = uniqueEmail("guest");
    const upgraded = await cairn.auth.upgrade({ email, password });
    expect(upgraded).toMatchObject({ id: guest.record.id, email });
    expect(cairn.auth.session?.record).toMatchObject({ email });
  });
});

describe("MFA", () => {
  it("enrol, sign in with a code, recovery codes, disable", async () => {
    const { cairn, email } = await signedInUser();
    const { secret, uri } = await cairn.auth.mfa.enroll();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const { recoveryCodes } = await cairn.auth.mfa.confirm({ code: totp(secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect(await cairn.auth.mfa.status()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    await cairn.auth.signOut();
    const first = await cairn.auth.signIn({ email, password });
    expect(first).toMatchObject({ status: "mfaRequired", enrollRequired: false });
    expect(cairn.auth.session).toBeNull();
    if (first.status !== "mfaRequired") throw new Error("expected an MFA challenge");
    // The next time step: each step's code works once.
    const session = await cairn.auth.mfa.verify({
      mfaToken: first.mfaToken,
      code: totp(secret, 1),
    });
    expect(cairn.auth.session?.token).toBe(session.token);

    const fresh = await cairn.auth.mfa.regenerateRecoveryCodes({ recoveryCode: recoveryCodes[0]! });
    expect(fresh.recoveryCodes).toHaveLength(10);
    await cairn.auth.mfa.disable({ recoveryCode: fresh.recoveryCodes[0]! });
    expect((await cairn.auth.mfa.status()).enabled).toBe(false);
  });

  it("a collection that requires MFA: enrol with the mfaToken, then signed in", async () => {
    const strict = appClient(server, { auth: { collection: "strict" } });
    const email = uniqueEmail("strict");
    const signedUp = await strict.auth.signUp({ email, password });
    expect(signedUp).toMatchObject({ status: "mfaRequired", enrollRequired: true });
    if (signedUp.status !== "mfaRequired") throw new Error("expected an MFA challenge");
    const { secret } = await strict.auth.mfa.enroll({ mfaToken: signedUp.mfaToken });
    const confirmed = await strict.auth.mfa.confirm({
      code: totp(secret),
      mfaToken: signedUp.mfaToken,
    });
    expect(confirmed.session?.record).toMatchObject({ email });
    expect(strict.auth.session?.collection).toBe("strict");
  });
});

describe("OAuth2", () => {
  it("app flow with PKCE: start, the provider, the redirect, completeOAuth", async () => {
    const cairn = appClient(server);
    const email = uniqueEmail("oauth");
    const started = await cairn.auth.signInWithOAuth({
      provider: "oidc",
      redirectUrl: "acme://auth",
    });
    expect(started.authorizationUrl).toContain(`${oidc.url}/authorize`);
    const callback = await oidc.authorize(started.authorizationUrl, {
      sub: `sub-${email}`,
      email,
      email_verified: true,
    });
    const back = await fetch(atServer(callback), { redirect: "manual" });
    const location = back.headers.get("location")!;
    expect(location).toMatch(/^acme:\/\/auth#code=/);
    const result = await cairn.auth.completeOAuth(location);
    expect(result).toMatchObject({ status: "signedIn", meta: { provider: "oidc", isNew: true } });
    expect(cairn.auth.session?.record).toMatchObject({ email, verified: true });
    // The verifier was used up: the same URL cannot be completed twice.
    await expect(cairn.auth.completeOAuth(location)).rejects.toMatchObject({ status: 400 });
  });

  it("web flow: the fragment carries the session", async () => {
    const cairn = appClient(server);
    const email = uniqueEmail("web");
    const started = await cairn.auth.signInWithOAuth({
      provider: "oidc",
      redirectUrl: "https://app.example.com/auth/done",
      pkce: false,
    });
    const callback = await oidc.authorize(started.authorizationUrl, {
      sub: `sub-${email}`,
      email,
      email_verified: true,
    });
    const back = await fetch(atServer(callback), { redirect: "manual" });
    const result = await cairn.auth.completeOAuth(back.headers.get("location")!);
    expect(result.status === "signedIn" && result.record.email).toBe(email);
    await expect(
      cairn.auth.completeOAuth("https://app.example.com/auth/done#error=FORBIDDEN&message=No"),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: "No" });
  });
});
