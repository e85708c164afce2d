// First run, as an operator meets it: the link the server printed opens the setup page, which
// creates the first superuser and signs them in. Runs before every other spec (its own project).
import { expect, superuserCredentials, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("the printed setup link creates the first superuser and signs them in", async ({
  page,
  setupLink,
}) => {
  await page.goto(setupLink);
  const form = page.getByRole("form", { name: "Create the first superuser" });
  await expect(form).toBeVisible();
  await screenshot(page, "setup");

  await form.getByLabel("Email").fill(superuserCredentials.email);
  await form.getByLabel("Password", { exact: true }).fill(superuserCredentials.password);
  await form.getByLabel("Confirm password").fill(superuserCredentials.password);
  await form.getByRole("button", { name: "Create superuser and sign in" }).click();

  await expect(page).toHaveURL(/\/_\/collections$/);
  await expect(page.getByTestId("current-superuser")).toHaveText(superuserCredentials.email);
  await expect(page.getByRole("heading", { name: "Collections", level: 1 })).toBeVisible();
  await screenshot(page, "after-setup");
});
