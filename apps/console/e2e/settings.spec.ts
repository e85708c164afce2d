// The settings pages: the app name persists across a reload; an API key's secret is shown once
// and the key stops working once revoked; the local storage check passes and an unreachable S3
// endpoint shows the server's message; a test mail lands in the dev mailbox; a provider that
// cannot be enabled shows its field error. Each page is screenshotted.
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("the app name persists after a reload", async ({ page, signIn }) => {
  await signIn(page);
  await page.goto("/_/");
  await page.getByTestId("nav-settings").click();
  await expect(page).toHaveURL(/\/_\/settings\/application$/);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();

  const form = page.getByRole("form", { name: "Application settings" });
  const name = form.getByLabel("App name");
  await expect(name).not.toHaveValue("");
  await screenshot(page, "settings-application");

  // A value the server refuses comes back on its field.
  await form.getByLabel("Event retention (hours)").fill("0");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByLabel("Event retention (hours)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByRole("alert")).toBeVisible();
  await screenshot(page, "settings-application-error");

  await name.fill("Acme E2E");
  await form.getByLabel("Event retention (hours)").fill("48");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByTestId("settings-application-saved")).toBeVisible();

  await page.reload();
  await expect(
    page.getByRole("form", { name: "Application settings" }).getByLabel("App name"),
  ).toHaveValue("Acme E2E");
  await expect(page.getByLabel("Event retention (hours)")).toHaveValue("48");
  const settings = await page.request.get("/api/settings");
  expect((await settings.json()).app.name).toBe("Acme E2E");
});

test("an API key: secret shown once, used, revoked", async ({ page, signIn, request }) => {
  await signIn(page);
  await page.goto("/_/settings/api-keys");
  const form = page.getByRole("form", { name: "New API key" });
  await screenshot(page, "settings-api-keys");

  await form.getByLabel("Name").fill("e2e worker");
  await form.getByLabel("Scopes").fill("full");
  await form.getByRole("button", { name: "Create key" }).click();

  const dialog = page.getByRole("alertdialog", { name: "API key “e2e worker” created" });
  await expect(dialog).toBeVisible();
  const secret = await dialog.getByLabel("API key").inputValue();
  expect(secret).toMatch(/^cairn_/);
  await screenshot(page, "settings-api-key-created");

  const withKey = { headers: { Authorization: `Bearer ${secret}` } };
  expect((await request.get("/api/settings/storage", withKey)).status()).toBe(200);

  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  // Once closed, the key is nowhere on the page.
  await expect(page.getByText(secret)).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  const table = page.getByRole("table", { name: "API keys" });
  const row = table.getByRole("row").filter({ hasText: "e2e worker" });
  await expect(row.getByTestId("api-key-status")).toHaveText("Active");
  await row.getByRole("button", { name: "Revoke API key e2e worker" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Revoke “e2e worker”?" });
  await expect(confirm).toBeVisible();
  await screenshot(page, "settings-api-key-revoke");
  await confirm.getByRole("button", { name: "Revoke key" }).click();
  await expect(confirm).toBeHidden();
  await expect(row.getByTestId("api-key-status")).toHaveText("Revoked");
  expect((await request.get("/api/settings/storage", withKey)).status()).toBe(401);
});

test("storage: the local check passes, an unreachable bucket shows why", async ({
  page,
  signIn,
}) => {
  await signIn(page);
  await page.goto("/_/settings/storage");
  const form = page.getByRole("form", { name: "Storage settings" });
  await expect(form.getByLabel("Store new files in")).toHaveValue("local");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByTestId("settings-storage-test-ok")).toContainText("local disk");
  await screenshot(page, "settings-storage");

  // Tried, never saved: the server's 503 message is shown as it is.
  await form.getByLabel("Store new files in").selectOption("s3");
  await form.getByLabel("Endpoint").fill("http://127.0.0.1:9");
  await form.getByLabel("Bucket").fill("e2e-bucket");
  await form.getByLabel("Access key id").fill("AKIAE2E");
  await form.getByLabel("Secret access key").fill("not-a-secret");
  await form.getByLabel(/Path-style URLs/).check();
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("alert")).toContainText("File storage is unavailable", {
    timeout: 25_000,
  });
  await screenshot(page, "settings-storage-s3-failed");
  const stored = await page.request.get("/api/settings/storage");
  expect((await stored.json()).kind).toBe("local");
});

test("a test mail lands in the dev mailbox", async ({ page, signIn }) => {
  await signIn(page);
  await page.goto("/_/settings/mail");
  await expect(page.getByRole("form", { name: "SMTP settings" })).toBeVisible();
  const mailbox = page.getByRole("region", { name: "Dev mailbox" });
  await expect(mailbox).toBeVisible();

  const send = page.getByRole("form", { name: "Send a test mail" });
  await send.getByLabel("Recipient").fill("e2e-mail@example.com");
  await send.getByRole("button", { name: "Send test mail" }).click();
  await expect(send.getByTestId("settings-test-mail-sent")).toBeVisible();

  const row = mailbox.getByRole("row").filter({ hasText: "e2e-mail@example.com" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("test");
  await row.getByTestId("mailbox-open").click();
  await expect(mailbox.getByTestId("mailbox-view")).toBeVisible();
  await screenshot(page, "settings-mail");

  await mailbox.getByRole("button", { name: "Clear" }).click();
  await expect(mailbox.getByTestId("mailbox-empty")).toBeVisible();
});

test("sign-in providers: enabling one without its client shows the field errors", async ({
  page,
  signIn,
}) => {
  await signIn(page);
  await page.goto("/_/settings/providers");
  const github = page.getByRole("form", { name: "GitHub sign-in" });
  await expect(github).toBeVisible();
  await screenshot(page, "settings-providers");
  await github.getByLabel("Enabled").check();
  await github.getByRole("button", { name: "Save GitHub" }).click();
  await expect(github.getByRole("alert")).toBeVisible();
  await expect(github.getByLabel("Client id")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "settings-providers-error");
});
