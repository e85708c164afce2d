// The Logs page end to end: requests made through the API (some 404s with a token in the query
// string) show in the chart and the table, the 4xx filter keeps only those (and lands in the
// URL), one entry opens with its details (never the query string), and the log settings dialog
// saves. Each view is screenshotted.
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("requests show in the chart and the table, filter to 4xx, open one", async ({
  page,
  signIn,
}) => {
  test.setTimeout(60_000);
  await signIn(page);
  for (let i = 0; i < 3; i += 1) {
    const response = await page.request.get(
      `/api/collections/e2e-missing/records?token=e2e-secret-${i}`,
    );
    expect(response.status()).toBe(404);
  }
  await page.goto("/_/");
  await page.getByTestId("nav-logs").click();
  await expect(page).toHaveURL(/\/_\/logs$/);
  await expect(page.getByRole("heading", { name: "Logs", level: 1 })).toBeVisible();

  // The writer stores requests about once a second: refresh until they are there.
  const missing = page.getByTestId("logs-row").filter({ hasText: "/api/collections/e2e-missing" });
  await expect(async () => {
    await page.getByTestId("logs-refresh").click();
    await expect(missing.first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("logs-chart")).toBeVisible();
  await expect(page.getByRole("img", { name: /Requests from/ })).toBeVisible();
  await expect(page.getByTestId("logs-chart-bar").first()).toBeAttached();
  await expect(page.locator('[data-testid="logs-row"][data-status="200"]').first()).toBeVisible();
  expect(await page.content()).not.toContain("e2e-secret");
  await screenshot(page, "logs");

  await page.getByTestId("logs-filter-status").selectOption("4xx");
  await expect(page).toHaveURL(/status=4xx/);
  await expect
    .poll(async () =>
      page
        .locator('[data-testid="logs-row"]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-status") ?? "")),
    )
    .toEqual(expect.arrayContaining(["404"]));
  const statuses = await page
    .locator('[data-testid="logs-row"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-status") ?? ""));
  expect(statuses.every((status) => status.startsWith("4"))).toBe(true);
  await expect(page.getByRole("img", { name: /Requests from/ })).toHaveAttribute(
    "aria-label",
    /0 2xx/,
  );
  await screenshot(page, "logs-4xx");

  await missing.first().getByTestId("logs-row-open").click();
  const dialog = page.getByTestId("logs-entry-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("logs-entry-request")).toHaveText(
    "GET /api/collections/e2e-missing/records",
  );
  await expect(dialog.getByTestId("logs-entry-error-code")).toHaveText("NOT_FOUND");
  await expect(dialog).not.toContainText("e2e-secret");
  await screenshot(page, "logs-entry");
  await dialog.getByTestId("logs-entry-close").click();
  await expect(dialog).toBeHidden();

  // Tablet width, dark mode: the filters wrap, the table scrolls inside its card.
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.getByTestId("logs-chart")).toBeVisible();
  await screenshot(page, "logs-dark-tablet");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByTestId("logs-settings-open").click();
  const settings = page.getByTestId("logs-settings-dialog");
  await expect(settings.getByLabel("Store requests")).toBeChecked();
  await settings.getByLabel("Keep for (days)").fill("14");
  await screenshot(page, "logs-settings");
  await settings.getByTestId("logs-settings-save").click();
  await expect(settings).toBeHidden();
  await page.getByTestId("logs-settings-open").click();
  await expect(page.getByTestId("logs-settings-dialog").getByLabel("Keep for (days)")).toHaveValue(
    "14",
  );
  await page.keyboard.press("Escape");
});
