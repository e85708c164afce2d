// Signing out and in through the console's own pages, and what a wrong password shows.
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("sign out, then sign in again", async ({ page, signIn, superuser }) => {
  await signIn(page);
  await page.goto("/_/collections");
  await expect(page.getByTestId("current-superuser")).toHaveText(superuser.email);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/_\/sign-in$/);
  const form = page.getByRole("form", { name: "Sign in" });
  await expect(form).toBeVisible();
  await screenshot(page, "sign-in");

  // Signed out means the server forgot the session, not only the page.
  await page.goto("/_/collections");
  await expect(page).toHaveURL(/\/_\/sign-in/);

  await form.getByLabel("Email").fill(superuser.email);
  await form.getByLabel("Password").fill(superuser.password);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/_\/collections$/);
  await expect(page.getByTestId("current-superuser")).toHaveText(superuser.email);
});

test("a wrong password shows the server's error and stays on sign-in", async ({
  page,
  superuser,
}) => {
  await page.goto("/_/sign-in");
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(superuser.email);
  await form.getByLabel("Password").fill("not the password at all");
  await form.getByRole("button", { name: "Sign in" }).click();

  // The server's own message (core's signInSuperuser), shown as it came.
  await expect(form.getByRole("alert")).toContainText("Invalid email or password.");
  await expect(page).toHaveURL(/\/_\/sign-in$/);
  await screenshot(page, "sign-in-wrong-password");
});
