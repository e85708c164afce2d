// Every page a spec visits is saved as a PNG under e2e/screenshots/ (gitignored; CAIRN_E2E_OUT
// moves it, so two runs can go at once), so a person can look at what the console showed.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";

export const screenshotDir =
  process.env.CAIRN_E2E_OUT ?? fileURLToPath(new URL("./screenshots", import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
