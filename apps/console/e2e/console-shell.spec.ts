// The console is served by the server at /_/ and starts in a real browser, whatever page it lands
// on; any path under /_/ is answered by the console (its router decides what to show).
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("the console loads at /_/ and renders", async ({ page }) => {
  const response = await page.goto("/_/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Cairn/);
  await expect(page.locator("#root > *").first()).toBeVisible();
  await screenshot(page, "console-home");
});

test("a deep link under /_/ is answered by the console, not a 404", async ({ page }) => {
  const response = await page.goto("/_/collections");
  expect(response?.status()).toBe(200);
  expect(response?.headers()["content-type"]).toContain("text/html");
  await expect(page.locator("#root > *").first()).toBeVisible();
});
