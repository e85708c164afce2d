// The Backups settings tab: "Back up now" starts one, the list follows it to "Completed", the
// download is a gzipped tar with the manifest, the schedule saves, and delete asks first.
import { gunzipSync } from "node:zlib";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("back up now, download the archive, schedule, delete", async ({ page, signIn }) => {
  await signIn(page);
  await page.goto("/_/settings");
  await page.getByTestId("settings-tab-backups").click();
  await expect(page).toHaveURL(/\/_\/settings\/backups$/);
  const card = page.getByTestId("backups");
  await expect(card.getByTestId("backup-now")).toBeEnabled();
  await screenshot(page, "settings-backups");

  await card.getByTestId("backup-now").click();
  const row = card.locator('[data-testid^="backup-row-"]').first();
  await expect(row.getByTestId("backup-status")).toContainText("Completed", { timeout: 30_000 });
  await expect(row.getByTestId("backup-size")).not.toHaveText("—");
  await screenshot(page, "settings-backups-completed");

  const link = row.locator('[data-testid^="backup-download-"]');
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^cairn-backup-.*\.tar\.gz$/);
  const path = await download.path();
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  const tar = gunzipSync(bytes).toString("latin1");
  expect(tar).toContain("manifest.json");
  expect(tar).toContain('"format": "cairn-backup"');

  const schedule = page.getByTestId("backup-schedule");
  await schedule.getByTestId("backup-interval").fill("12");
  await schedule.getByTestId("backup-keep").fill("0");
  await schedule.getByTestId("backup-schedule-save").click();
  await expect(schedule.locator(".field-error").first()).toBeVisible();
  await screenshot(page, "settings-backups-schedule-error");
  await schedule.getByTestId("backup-keep").fill("5");
  await schedule.getByTestId("backup-schedule-save").click();
  await expect(schedule.getByTestId("backup-schedule-saved")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("backup-interval")).toHaveValue("12");
  await expect(page.getByTestId("backup-keep")).toHaveValue("5");

  const rowsBefore = await card.locator('[data-testid^="backup-row-"]').count();
  await card.locator('[data-testid^="backup-delete-"]').first().click();
  await expect(page.getByTestId("backup-delete-dialog")).toBeVisible();
  await screenshot(page, "settings-backups-delete");
  await page.getByTestId("backup-delete-confirm").click();
  await expect(page.getByTestId("backup-delete-dialog")).toHaveCount(0);
  await expect(card.locator('[data-testid^="backup-row-"]')).toHaveCount(rowsBefore - 1);
});
