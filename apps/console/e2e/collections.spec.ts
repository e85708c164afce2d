// The collections page: create a collection with a text field, see it listed, delete it through
// the confirmation, and check the server agrees at each step.
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

const name = "e2e_notes";

async function serverHasCollection(request: APIRequestContext): Promise<boolean> {
  const response = await request.get(`/api/collections/${name}`);
  if (response.status() === 404) return false;
  expect(response.status(), await response.text()).toBe(200);
  return true;
}

test("create a collection with a text field, see it listed, delete it", async ({
  page,
  signIn,
}) => {
  await signIn(page);
  await page.goto("/_/collections");
  await expect(page.getByRole("heading", { name: "Collections", level: 1 })).toBeVisible();
  await screenshot(page, "collections");

  await page.getByRole("link", { name: "New collection" }).click();
  await expect(page).toHaveURL(/\/_\/collections\/_new$/);
  const form = page.getByRole("form", { name: "New collection" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Field 1 name").fill("title");
  await form.getByLabel("Field 1 type").selectOption("text");
  await screenshot(page, "collection-new");
  await form.getByRole("button", { name: "Create collection" }).click();

  await expect(page).toHaveURL(/\/_\/collections$/);
  const table = page.getByRole("table", { name: "Collections" });
  await expect(table.getByRole("rowheader", { name })).toBeVisible();
  expect(await serverHasCollection(page.request)).toBe(true);
  await screenshot(page, "collections-listed");

  await table.getByRole("button", { name: `Delete collection ${name}` }).click();
  const dialog = page.getByRole("alertdialog", { name: `Delete “${name}”?` });
  await expect(dialog).toBeVisible();
  await screenshot(page, "collection-delete");
  await dialog.getByRole("button", { name: `Delete ${name}` }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole("rowheader", { name })).toHaveCount(0);
  expect(await serverHasCollection(page.request)).toBe(false);
  await screenshot(page, "collections-after-delete");
});
