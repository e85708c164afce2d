// The Metrics settings tab: /metrics is off at first; generating a token shows it once with the
// scrape config, and a scrape with it lists cairn_http_requests_total; rotating asks first and
// retires the old token; turning off makes /metrics answer 404 again (as the other specs expect).
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("generate a metrics token, scrape with it, rotate it, turn metrics off", async ({
  page,
  signIn,
  request,
}) => {
  await signIn(page);
  await page.goto("/_/settings");
  await page.getByTestId("settings-tab-metrics").click();
  await expect(page).toHaveURL(/\/_\/settings\/metrics$/);
  const card = page.getByTestId("metrics-settings");
  await expect(card.getByTestId("metrics-status")).toContainText("Off");
  await expect(page.getByTestId("metrics-scrape-config")).toContainText("metrics_path: /metrics");
  await screenshot(page, "settings-metrics");
  expect((await request.get("/metrics")).status()).toBe(404);

  await card.getByTestId("metrics-generate").click();
  const dialog = page.getByTestId("metrics-token-dialog");
  await expect(dialog).toBeVisible();
  const token = await page.getByTestId("metrics-token").inputValue();
  expect(token).toMatch(/^cairn_metrics_/);
  await expect(dialog.locator("pre")).toContainText(`credentials: ${token}`);
  await screenshot(page, "settings-metrics-token");
  await page.getByTestId("metrics-token-done").click();
  await expect(dialog).toHaveCount(0);
  await expect(card.getByTestId("metrics-status")).toContainText("On");

  const scrape = (bearer: string) =>
    request.get("/metrics", { headers: { Authorization: `Bearer ${bearer}` } });
  const scraped = await scrape(token);
  expect(scraped.status()).toBe(200);
  const text = await scraped.text();
  expect(text).toContain("cairn_http_requests_total{");
  expect(text).toMatch(/cairn_http_requests_total\{method="GET",route="\/api\/settings\/metrics"/);
  expect((await request.get("/metrics")).status()).toBe(401);

  // Rotating asks first; the old token stops working at once.
  await card.getByTestId("metrics-rotate").click();
  await expect(page.getByTestId("metrics-rotate-dialog")).toBeVisible();
  await screenshot(page, "settings-metrics-rotate");
  await page.getByTestId("metrics-rotate-confirm").click();
  const rotated = await page.getByTestId("metrics-token").inputValue();
  expect(rotated).not.toBe(token);
  await page.getByTestId("metrics-token-done").click();
  expect((await scrape(token)).status()).toBe(403);
  expect((await scrape(rotated)).status()).toBe(200);

  await card.getByTestId("metrics-toggle").click();
  await expect(card.getByTestId("metrics-status")).toContainText("Off");
  await screenshot(page, "settings-metrics-off");
  expect((await scrape(rotated)).status()).toBe(404);
});
