// The users page beyond sessions: edit a user's email and verified flag, send a password reset
// mail and find it in the dev mailbox, reset MFA, disable a user (their session dies and sign-in is
// refused through the API) and enable them again, delete them; and paging across more than 50.
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

const password = "a long enough password";

// Writes with the session cookie must say where they come from, as the console's do.
const origin = (baseURL: string | undefined) => ({ Origin: new URL(baseURL ?? "").origin });

async function createAuthCollection(
  request: APIRequestContext,
  baseURL: string | undefined,
  name: string,
): Promise<void> {
  await request.delete(`/api/collections/${name}`, { headers: origin(baseURL) });
  const response = await request.post("/api/collections", {
    headers: origin(baseURL),
    data: { name, type: "auth", fields: [] },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

async function createUser(
  request: APIRequestContext,
  baseURL: string | undefined,
  collection: string,
  email: string,
): Promise<string> {
  const response = await request.post(`/api/collections/${collection}/records`, {
    headers: origin(baseURL),
    data: { email, password, verified: false },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function openUsersOf(page: Page, collection: string): Promise<void> {
  await page.goto(`/_/users/${collection}`);
  await expect(page.getByTestId("new-user")).toBeVisible();
}

test("edit, reset mail, reset MFA, disable, enable and delete a user", async ({
  page,
  signIn,
  baseURL,
  playwright,
}) => {
  const name = "e2e_users_admin";
  const email = "bob@e2e.test";
  const newEmail = "bob.renamed@e2e.test";
  await signIn(page);
  await createAuthCollection(page.request, baseURL, name);
  await createUser(page.request, baseURL, name, email);
  await openUsersOf(page, name);

  // Edit: a new email, and verified.
  const row = page.getByTestId(`user-row-${email}`);
  await expect(row.getByTestId("user-verified")).toHaveText("Not verified");
  await row.getByTestId(`open-user-${email}`).click();
  const panel = page.getByTestId("user-panel");
  await panel.getByTestId("user-edit-email").fill(newEmail);
  await panel.getByTestId("user-edit-verified").check();
  await panel.getByTestId("user-save").click();
  await expect(panel.getByTestId("user-notice")).toHaveText("Saved.");
  const renamed = page.getByTestId(`user-row-${newEmail}`);
  await expect(renamed.getByTestId("user-verified")).toHaveText("Verified");
  await expect(page.getByTestId(`user-row-${email}`)).toHaveCount(0);
  await screenshot(page, "users-admin-edited");

  // Password reset mail (checked in the dev mailbox below).
  await panel.getByTestId("user-password-reset").click();
  await expect(panel.getByTestId("user-notice")).toHaveText(
    `Password reset mail sent to ${newEmail}.`,
  );

  // MFA reset, behind a confirmation.
  await panel.getByTestId("user-reset-mfa").click();
  const mfaDialog = page.getByTestId("reset-mfa-dialog");
  await expect(mfaDialog).toBeVisible();
  await screenshot(page, "users-admin-reset-mfa");
  await mfaDialog.getByTestId("confirm-reset-mfa").click();
  await expect(mfaDialog).toBeHidden();
  await expect(panel.getByTestId("user-notice")).toContainText("MFA reset");

  // The user signs in on their own (a fresh context: no superuser cookie).
  const asUser = await playwright.request.newContext({ baseURL });
  const signInAsUser = (pw = password) =>
    asUser.post(`/api/collections/${name}/auth/sign-in`, {
      data: { email: newEmail, password: pw },
    });
  const signedIn = await signInAsUser();
  expect(signedIn.status(), await signedIn.text()).toBe(200);
  const bearer = {
    Authorization: `Bearer ${((await signedIn.json()) as { token: string }).token}`,
  };
  const me = () => asUser.get(`/api/collections/${name}/auth/me`, { headers: bearer });
  expect((await me()).status()).toBe(200);

  // Disable with a reason: the dialog says the sessions end.
  await panel.getByTestId("user-disable").click();
  const disableDialog = page.getByTestId("disable-user-dialog");
  await expect(disableDialog).toContainText("signed out of every session");
  await disableDialog.getByTestId("disable-user-reason").fill("Reported for spam");
  await screenshot(page, "users-admin-disable-dialog");
  await disableDialog.getByTestId("confirm-disable-user").click();
  await expect(disableDialog).toBeHidden();
  await expect(panel.getByTestId("user-notice")).toHaveText("Disabled: 1 session signed out.");
  await expect(panel.getByTestId("user-panel-disabled-badge")).toBeVisible();
  await expect(panel.getByTestId("user-disabled-info")).toContainText("Reported for spam");
  await expect(renamed.getByTestId("user-disabled-badge")).toBeVisible();
  await expect(panel.getByTestId("user-impersonate")).toBeDisabled();
  await expect(panel.getByTestId("user-sessions-empty")).toBeVisible();
  await screenshot(page, "users-admin-disabled");

  // Through the API: the session is dead, the right password is refused with 403, a wrong one
  // answers as it always does.
  expect((await me()).status()).toBe(401);
  const refused = await signInAsUser();
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
    "This account is disabled.",
  );
  expect((await signInAsUser("wrong password!")).status()).toBe(400);

  // Enable: the badge goes, sign-in works again.
  await panel.getByTestId("user-enable").click();
  await expect(panel.getByTestId("user-notice")).toHaveText("Enabled: the user can sign in again.");
  await expect(panel.getByTestId("user-panel-disabled-badge")).toHaveCount(0);
  await expect(renamed.getByTestId("user-disabled-badge")).toHaveCount(0);
  expect((await signInAsUser()).status()).toBe(200);
  await screenshot(page, "users-admin-enabled");

  // The reset mail is in the dev mailbox.
  await page.goto("/_/settings/mail");
  const mailbox = page.getByRole("region", { name: "Dev mailbox" });
  const mail = mailbox.getByRole("row").filter({ hasText: newEmail });
  await expect(mail.first()).toBeVisible();
  await screenshot(page, "users-admin-reset-mail");

  // Delete, behind a confirmation; the user can no longer sign in.
  await openUsersOf(page, name);
  await page.getByTestId(`open-user-${newEmail}`).click();
  await page.getByTestId("user-panel").getByTestId("user-delete").click();
  const deleteDialog = page.getByTestId("delete-user-dialog");
  await expect(deleteDialog).toBeVisible();
  await screenshot(page, "users-admin-delete-dialog");
  await deleteDialog.getByTestId("confirm-delete-user").click();
  await expect(page.getByTestId(`user-row-${newEmail}`)).toHaveCount(0);
  await expect(page.getByTestId("users-empty")).toBeVisible();
  expect((await signInAsUser()).status()).toBe(400);
  await asUser.dispose();
});

test("pages of 50 users, with the total, search and disabled badges", async ({
  page,
  signIn,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const name = "e2e_users_paging";
  await signIn(page);
  await createAuthCollection(page.request, baseURL, name);
  const ids: string[] = [];
  // Created one by one, oldest first: the list shows the newest first.
  for (let i = 1; i <= 55; i++) {
    ids.push(
      await createUser(page.request, baseURL, name, `p${String(i).padStart(2, "0")}@paging.test`),
    );
  }
  // The oldest user (on page 2) is disabled through the API.
  const disabled = await page.request.post(
    `/api/collections/${name}/auth/users/${ids[0]}/disable`,
    {
      headers: origin(baseURL),
      data: { reason: "paging test" },
    },
  );
  expect(disabled.status(), await disabled.text()).toBe(200);

  await openUsersOf(page, name);
  const table = page.getByTestId("users-table");
  await expect(page.getByTestId("users-total")).toHaveText("55 users");
  await expect(page.getByTestId("users-page")).toHaveText("Page 1 of 2");
  await expect(table.locator("tbody tr")).toHaveCount(50);
  await expect(page.getByTestId("user-row-p55@paging.test")).toBeVisible();
  await expect(page.getByTestId("users-prev")).toBeDisabled();
  await screenshot(page, "users-admin-page-1");

  await page.getByTestId("users-next").click();
  await expect(page.getByTestId("users-page")).toHaveText("Page 2 of 2");
  await expect(table.locator("tbody tr")).toHaveCount(5);
  await expect(page.getByTestId("users-next")).toBeDisabled();
  const oldest = page.getByTestId("user-row-p01@paging.test");
  await expect(oldest.getByTestId("user-disabled-badge")).toBeVisible();
  await expect(
    page.getByTestId("user-row-p02@paging.test").getByTestId("user-disabled-badge"),
  ).toHaveCount(0);
  await screenshot(page, "users-admin-page-2");

  // A search starts again at page 1 and counts its matches.
  await page.getByTestId("users-search").fill("p0");
  await page.getByTestId("users-search").press("Enter");
  await expect(page.getByTestId("users-total")).toHaveText("9 users");
  await expect(page.getByTestId("users-page")).toHaveText("Page 1 of 1");
  await expect(table.locator("tbody tr")).toHaveCount(9);

  await page.getByTestId("users-search").fill("");
  await page.getByTestId("users-search").press("Enter");
  await expect(page.getByTestId("users-total")).toHaveText("55 users");
});
