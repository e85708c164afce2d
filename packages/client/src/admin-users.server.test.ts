// admin.users.disable / enable / disabled against a real server process: a disabled user's
// session dies and their sign-in is refused with FORBIDDEN; enabling lets them back in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCairn, type TestServer } from "../test/cairn-server.js";
import { adminFor, appClient, uniqueEmail } from "../test/sdk-fixtures.js";
import { type AdminClient, createAdmin } from "./admin.js";

let server: TestServer;
let admin: AdminClient;
const password = "long enough pw";

beforeAll(async () => {
  server = await startCairn("admin-users.server");
  ({ admin } = await adminFor(server));
  await admin.collections.create({ name: "members", type: "auth", createRule: "" });
});

afterAll(async () => {
  await server?.stop();
});

describe("admin.users: disabling", () => {
  it("disable ends the session and refuses sign-in; enable lets the user back in", async () => {
    const email = uniqueEmail();
    const app = appClient(server, { auth: { collection: "members" } });
    const signedUp = await app.auth.signUp({ email, password });
    if (signedUp.status !== "signedIn") throw new Error("expected a session");
    const userId = signedUp.record.id as string;

    const disabled = await admin.users.disable("members", userId, { reason: "Spam" });
    expect(disabled).toMatchObject({ userId, reason: "Spam", sessionsRevoked: 1 });
    expect(disabled.disabledBy).toMatch(/^superuser:/);
    await expect(app.auth.me()).rejects.toMatchObject({ status: 401 });

    const other = appClient(server, { auth: { collection: "members" } });
    await expect(other.auth.signIn({ email, password })).rejects.toMatchObject({
      status: 403,
      code: "FORBIDDEN",
      message: "This account is disabled.",
    });
    await expect(other.auth.signIn({ email, password: "wrong password!" })).rejects.toMatchObject({
      status: 400,
    });

    const page = await admin.users.disabled("members", { ids: [userId, "someone-else"] });
    expect(page).toMatchObject({ totalItems: 1, items: [{ userId, reason: "Spam" }] });
    expect((await admin.users.disabled("members")).items.map((d) => d.userId)).toContain(userId);

    expect(await admin.users.enable("members", userId)).toEqual({ wasDisabled: true });
    expect(await admin.users.disabled("members", { ids: [userId] })).toMatchObject({
      totalItems: 0,
      items: [],
    });
    const back = await other.auth.signIn({ email, password });
    expect(back.status).toBe("signedIn");
    expect(await other.auth.me()).toMatchObject({ id: userId });
  });

  it("rebuilds the server's errors: unknown user, bad reason, not a superuser", async () => {
    await expect(admin.users.disable("members", "nobody")).rejects.toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
    await expect(admin.users.enable("members", "nobody")).rejects.toMatchObject({ status: 404 });
    const app = appClient(server, { auth: { collection: "members" } });
    const signedUp = await app.auth.signUp({ email: uniqueEmail(), password });
    if (signedUp.status !== "signedIn") throw new Error("expected a session");
    const userId = signedUp.record.id as string;
    await expect(
      admin.users.disable("members", userId, { reason: "x".repeat(501) }),
    ).rejects.toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    // An app user's session is not an admin's.
    await expect(createAdmin(app).users.disable("members", userId)).rejects.toMatchObject({
      status: 403,
    });
  });
});
