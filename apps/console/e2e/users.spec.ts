// The users page: on an auth collection made through the API, create a user in the UI, sign that
// user in through the API, see the session in the user's panel, revoke it, and check through the
// API that the token no longer works.
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

const name = "e2e_users";
const email = "ann@e2e.test";
const password = "a long enough password";

// Writes with the session cookie must say where they come from, as the console's do.
const origin = (baseURL: string | undefined) => ({ Origin: new URL(baseURL ?? "").origin });

async function createAuthCollection(request: APIRequestContext, baseURL?: string): Promise<void> {
  await request.delete(`/api/collections/${name}`, { headers: origin(baseURL) });
  const response = await request.post("/api/collections", {
    headers: origin(baseURL),
    data: { name, type: "auth", fields: [] },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

test("create a user, see their session and revoke it", async ({
  page,
  signIn,
  baseURL,
  playwright,
}) => {
  await signIn(page);
  await createAuthCollection(page.request, baseURL);

  await page.goto("/_/users");
  await expect(page.getByTestId("nav-users")).toBeVisible();
  // Other specs may leave auth collections behind: pick ours when there is a picker.
  const picker = page.getByTestId("users-collection-picker");
  await expect(picker.or(page.getByTestId("new-user"))).toBeVisible();
  if (await picker.isVisible()) {
    await page.getByTestId(`users-collection-${name}`).click();
  }
  await expect(page).toHaveURL(new RegExp(`/_/users/${name}$`));
  await expect(page.getByTestId("users-empty")).toBeVisible();
  await screenshot(page, "users-empty");

  // Create, first with a short password to see the server's field error on the input.
  await page.getByTestId("new-user").click();
  const form = page.getByTestId("user-create-form");
  await form.getByTestId("user-create-email").fill(email);
  await form.getByTestId("user-create-password").fill("short");
  await form.getByTestId("user-create-save").click();
  await expect(form.locator(".field-error")).toBeVisible();
  await form.getByTestId("user-create-password").fill(password);
  await form.getByTestId("user-create-verified").check();
  await form.getByTestId("user-create-save").click();
  const row = page.getByTestId(`user-row-${email}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("user-verified")).toHaveText("Verified");

  // The user signs in on their own (a fresh context: no superuser cookie).
  const asUser = await playwright.request.newContext({ baseURL });
  const signedIn = await asUser.post(`/api/collections/${name}/auth/sign-in`, {
    data: { email, password },
  });
  expect(signedIn.status(), await signedIn.text()).toBe(200);
  const { token } = (await signedIn.json()) as { token: string };
  const bearer = { Authorization: `Bearer ${token}` };
  expect((await asUser.get(`/api/collections/${name}/auth/me`, { headers: bearer })).status()).toBe(
    200,
  );

  // See the session and revoke it.
  await row.getByTestId(`open-user-${email}`).click();
  const panel = page.getByTestId("user-panel");
  const sessions = panel.getByTestId("user-sessions");
  const sessionRow = sessions.locator('[data-testid^="session-row-"]');
  await expect(sessionRow).toHaveCount(1);
  await screenshot(page, "users-session");
  await sessionRow.getByRole("button", { name: "Revoke" }).click();
  await expect(sessions.getByTestId("user-sessions-empty")).toBeVisible();
  await screenshot(page, "users-session-revoked");

  expect((await asUser.get(`/api/collections/${name}/auth/me`, { headers: bearer })).status()).toBe(
    401,
  );

  // Impersonation shows a token in a dialog (never in the URL) that works as the user.
  await panel.getByTestId("user-impersonate").click();
  const dialog = page.getByTestId("impersonate-token-dialog");
  await expect(dialog).toBeVisible();
  const impersonated = await dialog.getByTestId("impersonate-token").inputValue();
  expect(impersonated.length).toBeGreaterThan(10);
  expect(page.url()).not.toContain(impersonated);
  await screenshot(page, "users-impersonate");
  await dialog.getByRole("button", { name: "Done" }).click();
  const asImpersonated = await asUser.get(`/api/collections/${name}/auth/me`, {
    headers: { Authorization: `Bearer ${impersonated}` },
  });
  expect(asImpersonated.status()).toBe(200);
  await asUser.dispose();

  // Search finds the user by email.
  await page.getByTestId("users-search").fill("ann@");
  await page.getByTestId("users-search").press("Enter");
  await expect(page.getByTestId(`user-row-${email}`)).toBeVisible();
});
