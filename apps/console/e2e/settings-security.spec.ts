// The Security settings tab: an origin added persists across a reload and changes the server's
// CORS answer while the console keeps working; a malformed origin shows its error on its own
// row; rate limits save, refuse a negative value on its field, and go back to the server's
// defaults (so the specs after this one run as before). Each state is screenshotted.
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("CORS origins: add, save, reload; a bad origin shows its field error", async ({
  page,
  signIn,
  request,
}) => {
  await signIn(page);
  await page.goto("/_/settings");
  await page.getByTestId("settings-tab-security").click();
  await expect(page).toHaveURL(/\/_\/settings\/security$/);
  const form = page.getByRole("form", { name: "Allowed origins" });
  await expect(form.getByTestId("security-cors-console-note")).toBeVisible();
  await expect(form.getByTestId("security-default-note")).toBeVisible();
  await expect(form.getByTestId("security-cors-origin-0")).toHaveValue("*");
  await screenshot(page, "settings-security");

  // Only the app's origin: "*" goes, one origin comes.
  await form.getByTestId("security-cors-remove-0").click();
  await expect(form.getByTestId("security-cors-empty")).toBeVisible();
  await form.getByTestId("security-cors-add").click();
  await form.getByTestId("security-cors-origin-0").fill("https://app.example.com");
  await form.getByTestId("security-cors-save").click();
  await expect(form.getByTestId("security-cors-saved")).toBeVisible();

  await page.reload();
  const reloaded = page.getByRole("form", { name: "Allowed origins" });
  await expect(reloaded.getByTestId("security-cors-origin-0")).toHaveValue(
    "https://app.example.com",
  );
  await expect(reloaded.getByTestId("security-default-note")).toHaveCount(0);
  await screenshot(page, "settings-security-origin-saved");

  // The server answers by the new list at once; the console (same origin) is unaffected.
  const preflight = (origin: string) =>
    request.fetch("/api/health", {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
    });
  expect(
    (await preflight("https://app.example.com")).headers()["access-control-allow-origin"],
  ).toBe("https://app.example.com");
  expect(
    (await preflight("https://elsewhere.example")).headers()["access-control-allow-origin"],
  ).toBeUndefined();

  // A malformed origin: refused, its error on its own row, nothing saved.
  await reloaded.getByTestId("security-cors-add").click();
  const bad = reloaded.getByTestId("security-cors-origin-1");
  await bad.fill("https://bad.example.com/");
  await reloaded.getByTestId("security-cors-save").click();
  await expect(bad).toHaveAttribute("aria-invalid", "true");
  await expect(reloaded.getByText(/Must not have a path or a trailing slash/)).toBeVisible();
  await expect(reloaded.getByTestId("security-cors-origin-0")).not.toHaveAttribute(
    "aria-invalid",
    "true",
  );
  await screenshot(page, "settings-security-origin-error");
  const stored = await (await page.request.get("/api/settings/security")).json();
  expect(stored.cors.origins).toEqual(["https://app.example.com"]);

  // Back to the server's default for the specs that follow.
  await reloaded.getByTestId("security-cors-default").click();
  await expect(reloaded.getByTestId("security-cors-origin-0")).toHaveValue("*");
  await expect(reloaded.getByTestId("security-default-note")).toBeVisible();
});

test("rate limits: a bad value on its field, then saved and reloaded", async ({ page, signIn }) => {
  await signIn(page);
  await page.goto("/_/settings/security");
  const form = page.getByRole("form", { name: "Rate limits" });
  await expect(form.getByTestId("security-rate-enabled")).toBeChecked();
  // The e2e server's own limit (CAIRN_AUTH_RATE_LIMIT), the API limit off.
  await expect(form.getByTestId("security-rate-auth")).toHaveValue("1000");
  await expect(form.getByTestId("security-rate-api")).toHaveValue("0");

  await form.getByTestId("security-rate-api").fill("-1");
  await form.getByTestId("security-rate-save").click();
  await expect(form.getByTestId("security-rate-api")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "settings-security-rate-error");

  await form.getByTestId("security-rate-auth").fill("900");
  await form.getByTestId("security-rate-api").fill("6000");
  await form.getByTestId("security-rate-save").click();
  await expect(form.getByTestId("security-rate-saved")).toBeVisible();
  await expect(form.getByTestId("security-rate-api")).not.toHaveAttribute("aria-invalid", "true");

  await page.reload();
  const reloaded = page.getByRole("form", { name: "Rate limits" });
  await expect(reloaded.getByTestId("security-rate-auth")).toHaveValue("900");
  await expect(reloaded.getByTestId("security-rate-api")).toHaveValue("6000");
  await screenshot(page, "settings-security-rate-limits");
  const stored = await (await page.request.get("/api/settings/security")).json();
  expect(stored.rateLimits).toEqual({
    enabled: true,
    auth: { perMinute: 900 },
    api: { perMinute: 6000 },
  });

  await reloaded.getByTestId("security-rate-default").click();
  await expect(reloaded.getByTestId("security-rate-auth")).toHaveValue("1000");
  await expect(reloaded.getByTestId("security-rate-api")).toHaveValue("0");
});
